// /settings/apps: the apps a person authorized, what each may do, and a button to revoke each
// one (all its tokens at once). Forms carry the session's CSRF token, like every signed-in form.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../mastodon/env.ts";
import type { WebSession } from "../domain/accounts/sessions.ts";
import { authorizedApps, revokeAppTokens, type AuthorizedApp } from "../domain/oauth/app-policy.ts";
import { describeScope, isNarrowingScope } from "../domain/oauth/scopes.ts";
import { isId } from "../lib/id.ts";
import { errorPage, html, page } from "./html.ts";
import { csrfField, currentSession, readForm } from "./session.ts";

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);

function appItem(a: AuthorizedApp, csrf: string) {
  const limits = [
    a.narrowed.noDirect ? "cannot read your direct messages" : null,
    a.narrowed.noOthersFollowersOnly ? "cannot read other people's followers-only posts" : null,
  ].filter((x): x is string => x !== null);
  return html`<li>
<h2>${a.app.name}</h2>
${a.app.website ? html`<p><small>${a.app.website}</small></p>` : ""}
<ul>${a.scopes.filter((s) => !isNarrowingScope(s)).map((s) => html`<li>${describeScope(s)}</li>`)}</ul>
<p>${limits.length ? `Limited: it ${limits.join(" and ")}.` : "Not limited: it reads everything these permissions allow."}</p>
<p><small>Authorized on ${day(a.createdAt)}; last used ${day(a.lastUsedAt) ?? "never"}; ${a.expiresAt ? `access ends on ${day(a.expiresAt)}` : "access lasts until you revoke it"}.</small></p>
<form method="post" action="/settings/apps/${a.app.id}/revoke">${csrfField(csrf)}<button type="submit" class="secondary">Revoke access of ${a.app.name}</button></form>
</li>`;
}

async function appsPage(c: Context<AppEnv>, session: WebSession, notice?: string) {
  const list = await authorizedApps(c.var.ctx, session.accountId);
  const body = html`${notice ? html`<p class="notice" role="status">${notice}</p>` : ""}
${list.length ? html`<ul>${list.map((a) => appItem(a, session.csrfToken))}</ul>` : html`<p>No app has access to your account.</p>`}
<p><small>Revoking ends every token the app holds for you at once; it has to ask you again to get back in.</small></p>`;
  return page(c, { title: "Authorized apps", body, signedInAs: session.username });
}

export function settingsAppsRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/settings/apps", async (c) => {
    const session = await currentSession(c);
    if (!session) return c.redirect(`/auth/sign_in?return_to=${encodeURIComponent("/settings/apps")}`, 303);
    return appsPage(c, session, c.req.query("revoked") === "1" ? "Access revoked." : undefined);
  });

  app.post("/settings/apps/:id/revoke", async (c) => {
    const form = await readForm(c);
    if (form instanceof Response) return form;
    if (!form.session) return c.redirect(`/auth/sign_in?return_to=${encodeURIComponent("/settings/apps")}`, 303);
    const id = c.req.param("id");
    if (!isId(id)) return errorPage(c, 404, "Not found", "There is no such app.");
    await revokeAppTokens(c.var.ctx, id, form.session.accountId);
    return c.redirect("/settings/apps?revoked=1", 303);
  });

  return app;
}
