// /settings/sessions: one's own recent sign-ins (when, how, which app, which kind of device,
// and the address while it is still kept), the web sessions and app tokens that are signed in
// now, and a form to end each one.
import type { Context } from "hono";
import type { AppEnv } from "../../mastodon/env.ts";
import type { WebSession } from "../../domain/accounts/sessions.ts";
import { listSignIns } from "../../domain/privacy/sign-ins.ts";
import { activeTokens, activeWebSessions, endToken, endWebSession } from "../../domain/privacy/active-sessions.ts";
import { html, page } from "../html.ts";
import { csrfField, str } from "../session.ts";

const when = (d: Date) => d.toISOString().replace("T", " ").slice(0, 16) + " UTC";

export async function sessionsPage(c: Context<AppEnv>, session: WebSession, notice?: string): Promise<Response> {
  const ctx = c.var.ctx;
  const [signIns, sessions, tokens] = await Promise.all([listSignIns(ctx, session.accountId), activeWebSessions(ctx, session.accountId), activeTokens(ctx, session.accountId)]);
  const hours = ctx.config.ipRetentionHours;
  const endForm = (field: string, value: string, label: string) =>
    html`<form method="post" action="/settings/sessions/end">${csrfField(session.csrfToken)}<input type="hidden" name="${field}" value="${value}"><button type="submit">${label}</button></form>`;
  const body = html`
${notice ? html`<p class="notice" role="status">${notice}</p>` : ""}
<h2>Recent sign-ins</h2>
<p><small>${hours > 0 ? `Addresses and full browser names are kept ${hours} hours, then forgotten; the rest stays so you can spot a sign-in you do not recognise.` : "This server does not store addresses or browser names at all."}</small></p>
${
  signIns.length
    ? html`<table><thead><tr><th>When</th><th>How</th><th>Device</th><th>Address</th></tr></thead><tbody>${signIns.map(
        (s) => html`<tr><td>${when(s.at)}</td><td>${s.method === "web" ? "web sign-in" : `app: ${s.appName ?? "unknown"}`}</td><td>${s.device || "unknown"}</td><td>${s.ip ?? "forgotten"}</td></tr>`,
      )}</tbody></table>`
    : html`<p>No sign-ins recorded.</p>`
}
<h2>Signed-in browsers</h2>
${sessions.length ? html`<ul>${sessions.map((s) => html`<li>since ${when(s.createdAt)}, until ${when(s.expiresAt)} ${endForm("session", s.handle, "Sign out this browser")}</li>`)}</ul>` : html`<p>None.</p>`}
<h2>Apps with access</h2>
${tokens.length ? html`<ul>${tokens.map((t) => html`<li>${t.appName ?? "a script or command-line token"} (${t.scopes}), since ${when(t.createdAt)}${t.lastUsedAt ? `, last used ${when(t.lastUsedAt)}` : ""} ${endForm("token", t.id, "Revoke")}</li>`)}</ul>` : html`<p>None.</p>`}`;
  return page(c, { title: "Sessions and sign-ins", body, signedInAs: session.username });
}

export async function endSessionOrToken(c: Context<AppEnv>, session: WebSession, params: Record<string, unknown>): Promise<Response> {
  const ctx = c.var.ctx;
  const handle = str(params.session);
  const token = str(params.token);
  const ended = handle ? await endWebSession(ctx, session.accountId, handle) : token ? await endToken(ctx, session.accountId, token) : false;
  if (!ended) return sessionsPage(c, session, "Nothing to end: it was already gone.");
  return c.redirect("/settings/sessions?ended=1", 303);
}
