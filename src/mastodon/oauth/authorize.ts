// GET /oauth/authorize shows the consent page; POST records the decision. Consent is asked
// every time: an app never gets a token silently.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../env.ts";
import { queryParams } from "../params.ts";
import { describeScope, isNarrowingScope, narrowingOfScopes } from "../../domain/oauth/scopes.ts";
import { createAuthorizationCode } from "../../domain/oauth/codes.ts";
import type { WebSession } from "../../domain/accounts/sessions.ts";
import { errorPage, html, page } from "../../web/html.ts";
import { agreementDetour } from "../../web/terms.ts";
import { outdatedAgreements } from "../../domain/instance/terms.ts";
import { csrfField, currentSession, readForm, str } from "../../web/session.ts";
import { parseAuthorizeRequest, redirectWith, type AuthorizeRequest, type ParsedRequest } from "./authorize-request.ts";

/** Answers a request that failed the checks: our own page, or a redirect to the verified URI. */
function rejectRequest(c: Context<AppEnv>, parsed: Exclude<ParsedRequest, { ok: true }>): Response {
  if ("fatal" in parsed) return errorPage(c, 400, "This authorization request cannot be completed", parsed.fatal);
  const target = redirectWith(parsed.redirectUri, { error: parsed.error, error_description: parsed.description, state: parsed.state });
  if (!target) return errorPage(c, 400, "This authorization request cannot be completed", parsed.description);
  return c.redirect(target, 302);
}

function websiteLink(website: string | null) {
  if (!website || !/^https?:\/\//i.test(website)) return "";
  return html` (<a href="${website}" rel="noopener noreferrer nofollow">${website}</a>)`;
}

/** Lifetimes a person may pick for a token, in days; the instance's own limit caps them. */
const EXPIRY_CHOICES = [1, 7, 30, 90] as const;

function expiryChoices(c: Context<AppEnv>) {
  const cap = c.var.ctx.config.accessTokenTtlDays;
  const days = EXPIRY_CHOICES.filter((d) => cap === 0 || d < cap);
  const never = cap === 0 ? "Until I revoke it" : `As long as this server allows (${cap} days)`;
  return html`<label for="expires_in_days">How long may the app use your account?</label>
<select id="expires_in_days" name="expires_in_days">
<option value="" selected>${never}</option>
${days.map((d) => html`<option value="${String(d)}">${d === 1 ? "1 day" : `${d} days`}</option>`)}
</select>`;
}

/** What the person may take away from a token that reads posts, and the app's own narrowing. */
function narrowingChoices(req: AuthorizeRequest) {
  if (!req.scopes.some((s) => s === "read" || s.startsWith("read:"))) return "";
  const asked = narrowingOfScopes(req.scopes);
  const box = (name: string, label: string, forced: boolean) =>
    forced
      ? html`<p class="notice">${label}: the app itself asked for this limit.</p>`
      : html`<label class="check"><input type="checkbox" name="${name}" value="1"> <span>${label}</span></label>`;
  return html`<fieldset><legend>Limit what this app can read</legend>
${box("narrow_no_direct", "Do not let this app read my direct messages", asked.noDirect)}
${box("narrow_no_private", "Do not let this app read followers-only posts of people I follow", asked.noOthersFollowersOnly)}
</fieldset>`;
}

function consentPage(c: Context<AppEnv>, session: WebSession, req: AuthorizeRequest): Response {
  const { app } = req;
  const granting = req.scopes.filter((s) => !isNarrowingScope(s));
  const limits = req.scopes.filter(isNarrowingScope);
  const hidden = (name: string, value: string | null) => (value ? html`<input type="hidden" name="${name}" value="${value}">` : "");
  const destination = redirectWith(req.redirectUri, {}) ?? null;
  const body = html`
<p><strong>${app.name}</strong>${websiteLink(app.website)} asks to use your account <strong>@${session.username}</strong> with these permissions:</p>
<ul>${granting.map((s) => html`<li>${describeScope(s)} <small>(<code>${s}</code>)</small></li>`)}</ul>
${limits.length ? html`<p>The app asks to be limited:</p><ul>${limits.map((s) => html`<li>${describeScope(s)} <small>(<code>${s}</code>)</small></li>`)}</ul>` : ""}
<p class="warning" role="note">Authorizing gives this app a token that can do everything these permissions allow, until you revoke it. It can read and act on anything they cover, including what only your followers or you can see. Authorize only apps you trust.</p>
<p class="warning" role="note">Some crawlers, relays, bridges and archiving services ask people to hand over a token ("token donation"). Whoever holds the token gets everything it allows: your direct messages and the followers-only posts other people shared with you, not just your own posts. Those people did not agree to that. Do not give a token, or this authorization, to a service that collects posts.</p>
<p>${destination ? html`After your decision you will be sent to <code>${destination}</code>.` : "After you authorize, you will be shown a code to copy into the app."}</p>
<form method="post" action="/oauth/authorize">
${csrfField(session.csrfToken)}
${hidden("client_id", app.clientId)}
${hidden("redirect_uri", req.redirectUri)}
${hidden("response_type", "code")}
${hidden("scope", req.scopes.join(" "))}
${hidden("state", req.state)}
${hidden("code_challenge", req.codeChallenge)}
${hidden("code_challenge_method", req.codeChallenge ? "S256" : null)}
${hidden("lang", req.lang ?? null)}
${narrowingChoices(req)}
${expiryChoices(c)}
<p><small>You can see and revoke the apps you authorized at any time on <a href="/settings/apps">your apps page</a>.</small></p>
<button type="submit" name="decision" value="approve">Authorize</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>
<p><small>Not @${session.username}? <a href="/auth/sign_out">Sign out</a> first.</small></p>`;
  return page(c, { title: `Authorize ${app.name}?`, body, lang: req.lang, signedInAs: session.username });
}

/** The authorize URL as it came, minus force_login, so that signing in leads back to consent. */
function returnPath(c: Context<AppEnv>): string {
  const url = new URL(c.req.url);
  url.searchParams.delete("force_login");
  return url.pathname + url.search;
}

export function authorizeRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/oauth/authorize", async (c) => {
    const params = queryParams(c);
    const parsed = await parseAuthorizeRequest(c.var.ctx, params);
    if (!parsed.ok) return rejectRequest(c, parsed);
    const session = await currentSession(c);
    const force = ["true", "1"].includes(str(params.force_login));
    // force_login lets someone pick another account; the sign-in page replaces the session.
    if (!session || force) return c.redirect(`/auth/sign_in?return_to=${encodeURIComponent(returnPath(c))}`, 302);
    // New terms are agreed to before a new app gets access; existing tokens keep working.
    const detour = await agreementDetour(c, session.accountId, returnPath(c));
    if (detour !== returnPath(c)) return c.redirect(detour, 302);
    return consentPage(c, session, parsed.req);
  });

  app.post("/oauth/authorize", async (c) => {
    const form = await readForm(c);
    if (form instanceof Response) return form;
    if (!form.session) return errorPage(c, 403, "Not signed in", "Sign in first, then authorize the app again.");
    const parsed = await parseAuthorizeRequest(c.var.ctx, form.params);
    if (!parsed.ok) return rejectRequest(c, parsed);
    const req = parsed.req;
    const decision = str(form.params.decision);
    if (decision === "deny") {
      const target = redirectWith(req.redirectUri, { error: "access_denied", error_description: "The resource owner denied the request.", state: req.state });
      if (!target) return errorPage(c, 200, "Authorization denied", `${req.app.name} was not given access to your account.`);
      return c.redirect(target, 302);
    }
    if (decision !== "approve") return errorPage(c, 400, "No decision", "Choose Authorize or Deny.");
    if ((await outdatedAgreements(c.var.ctx, form.session.accountId)).length) {
      return errorPage(c, 403, "New terms", "The terms of this server changed: agree to them first, then authorize the app again.");
    }
    const days = str(form.params.expires_in_days);
    if (days && !(EXPIRY_CHOICES as readonly number[]).includes(Number(days))) return errorPage(c, 400, "Unknown lifetime", "Choose one of the lifetimes offered.");
    const code = await createAuthorizationCode(c.var.ctx, {
      appId: req.app.id,
      accountId: form.session.accountId,
      scopes: req.scopes,
      redirectUri: req.redirectUri,
      codeChallenge: req.codeChallenge,
      narrowed: { noDirect: str(form.params.narrow_no_direct) === "1", noOthersFollowersOnly: str(form.params.narrow_no_private) === "1" },
      grantTtlDays: days ? Number(days) : null,
    });
    const target = redirectWith(req.redirectUri, { code, state: req.state });
    if (target) return c.redirect(target, 302);
    const body = html`<p>Copy this code and paste it into ${req.app.name}:</p>
<p><code id="code">${code}</code></p>
<p><small>It works once, within ten minutes.</small></p>`;
    return page(c, { title: "Authorization code", body, lang: req.lang, signedInAs: form.session.username });
  });

  return app;
}
