// Sign-in and sign-out pages.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../mastodon/env.ts";
import { authenticate } from "../domain/accounts/password.ts";
import { html, page, safeReturnTo } from "./html.ts";
import { csrfField, csrfTokenFor, currentSession, endSession, readForm, startSession, str } from "./session.ts";
import type { WebSession } from "../domain/accounts/sessions.ts";
import { agreementDetour } from "./terms.ts";
import { recordSignIn } from "../domain/privacy/sign-ins.ts";

const MESSAGES = {
  invalid: "The username, e-mail address or password is not right.",
  pending: "Your account is waiting for approval by the moderators of this server. You will be able to sign in once it is approved.",
  disabled: "This account cannot sign in.",
} as const;

function signInPage(
  c: Context<AppEnv>,
  opts: { session: WebSession | null; returnTo: string | null; login?: string; error?: string; status?: number },
): Response {
  const { session, returnTo } = opts;
  const signUpOpen = c.var.ctx.config.registrations !== "closed";
  const body = html`
${opts.error ? html`<p class="error" role="alert" id="signin-error">${opts.error}</p>` : ""}
${session ? html`<p class="notice">You are signed in as @${session.username}. Signing in here switches to another account.</p>` : ""}
<form method="post" action="/auth/sign_in">
${csrfField(csrfTokenFor(c, session))}
${returnTo ? html`<input type="hidden" name="return_to" value="${returnTo}">` : ""}
<label for="username">Username or e-mail address</label>
<input type="text" id="username" name="username" value="${opts.login ?? ""}" autocomplete="username" autocapitalize="none" spellcheck="false" required${opts.error ? html` aria-describedby="signin-error"` : ""}>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
${signUpOpen ? html`<p>No account yet? <a href="/auth/sign_up">Sign up</a>.</p>` : ""}`;
  return page(c, { title: "Sign in", body, signedInAs: session?.username }, opts.status ?? 200);
}

export function signInRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/auth/sign_in", async (c) => {
    const session = await currentSession(c);
    return signInPage(c, { session, returnTo: safeReturnTo(c, c.req.query("return_to")) });
  });

  app.post("/auth/sign_in", async (c) => {
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const login = str(form.params.username).slice(0, 320);
    const returnTo = safeReturnTo(c, form.params.return_to);
    const result = await authenticate(c.var.ctx, login, str(form.params.password));
    if (!result.ok) {
      const status = result.reason === "invalid" ? 401 : 403;
      return signInPage(c, { session: form.session, returnTo, login, error: MESSAGES[result.reason], status });
    }
    await startSession(c, result.accountId);
    await recordSignIn(c.var.ctx, { accountId: result.accountId, method: "web", ip: c.var.clientAddress, userAgent: c.req.header("user-agent") });
    return c.redirect(await agreementDetour(c, result.accountId, returnTo ?? "/"), 303);
  });

  app.get("/auth/sign_out", async (c) => {
    const session = await currentSession(c);
    if (!session) return c.redirect("/", 303);
    const body = html`<p>You are signed in as @${session.username}.</p>
<form method="post" action="/auth/sign_out">${csrfField(session.csrfToken)}<button type="submit">Sign out</button></form>`;
    return page(c, { title: "Sign out", body, signedInAs: session.username });
  });

  app.post("/auth/sign_out", async (c) => {
    const form = await readForm(c);
    if (form instanceof Response) return form;
    await endSession(c);
    return c.redirect("/", 303);
  });

  return app;
}
