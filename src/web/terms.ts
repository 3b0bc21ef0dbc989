// The terms of service and privacy policy pages, public whatever the logged-out access setting
// says (people must be able to read them before they join), and the page that asks a signed-in
// person to agree again after the admins published a new version.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../mastodon/env.ts";
import type { TermsKind } from "../db/schema/index.ts";
import { currentTerms, outdatedAgreements, recordAgreement } from "../domain/instance/terms.ts";
import { html, page, safeReturnTo, type SafeHtml } from "./html.ts";
import { csrfField, currentSession, readForm } from "./session.ts";

const TITLES: Record<TermsKind, string> = { terms: "Terms of service", privacy: "Privacy policy" };

/** Plain text to HTML: blank lines part paragraphs, "# " starts a heading; everything escaped. */
export function termsHtml(text: string): SafeHtml {
  const blocks = text.split(/\n\s*\n/).map((b) => b.trim()).filter(Boolean);
  return html`${blocks.map((b) => (b.startsWith("# ") ? html`<h2>${b.slice(2)}</h2>\n` : html`<p>${b}</p>\n`))}`;
}

const dateOf = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Where a signed-in person goes after signing in or before authorizing an app: the agreement
 * page when the admins published terms newer than the ones they agreed to, else `returnTo`.
 */
export async function agreementDetour(c: Context<AppEnv>, accountId: string, returnTo: string): Promise<string> {
  if ((await outdatedAgreements(c.var.ctx, accountId)).length === 0) return returnTo;
  return `/auth/agree?return_to=${encodeURIComponent(returnTo)}`;
}

export function termsRoutes() {
  const app = new Hono<AppEnv>();

  for (const kind of ["terms", "privacy"] as const) {
    app.get(`/${kind}`, async (c) => {
      const [session, doc] = await Promise.all([currentSession(c), currentTerms(c.var.ctx, kind)]);
      const body = html`${termsHtml(doc.text)}<p><small>In effect since ${dateOf(doc.effectiveAt)}.</small></p>`;
      return page(c, { title: TITLES[kind], body, signedInAs: session?.username });
    });
  }

  app.get("/auth/agree", async (c) => {
    const session = await currentSession(c);
    const returnTo = safeReturnTo(c, c.req.query("return_to")) ?? "/";
    if (!session) return c.redirect(`/auth/sign_in?return_to=${encodeURIComponent(returnTo)}`, 303);
    const outdated = await outdatedAgreements(c.var.ctx, session.accountId);
    if (outdated.length === 0) return c.redirect(returnTo, 303);
    const docs = await Promise.all(outdated.map((k) => currentTerms(c.var.ctx, k)));
    const body = html`<p class="notice">The ${outdated.map((k) => TITLES[k].toLowerCase()).join(" and the ")} of this server changed. Please read the new version and agree to keep using your account on the web.</p>
${docs.map((d) => html`<h2>${TITLES[d.kind]} (since ${dateOf(d.effectiveAt)})</h2>${termsHtml(d.text)}`)}
<form method="post" action="/auth/agree">
${csrfField(session.csrfToken)}
<input type="hidden" name="return_to" value="${returnTo}">
<button type="submit">I agree</button>
</form>
<p><small>If you do not agree, you can <a href="/auth/sign_out">sign out</a> and ask the admins to close your account.</small></p>`;
    return page(c, { title: "New terms", body, signedInAs: session.username });
  });

  app.post("/auth/agree", async (c) => {
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const returnTo = safeReturnTo(c, form.params.return_to) ?? "/";
    if (!form.session) return c.redirect(`/auth/sign_in?return_to=${encodeURIComponent(returnTo)}`, 303);
    await recordAgreement(c.var.ctx, form.session.accountId);
    return c.redirect(returnTo, 303);
  });

  return app;
}
