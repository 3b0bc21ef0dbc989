// The sign-up page. The rules (registration mode, checks, admin notifications) live in
// domain/accounts/signup.ts; this only renders the form and the outcome.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../mastodon/env.ts";
import { AccountError } from "../domain/accounts/create.ts";
import { MAX_REASON, RegistrationsClosedError, signUp } from "../domain/accounts/signup.ts";
import type { WebSession } from "../domain/accounts/sessions.ts";
import { errorPage, html, page } from "./html.ts";
import { csrfField, csrfTokenFor, currentSession, readForm, startSession, str } from "./session.ts";
import { zBool } from "../mastodon/params.ts";
import { signUpPolicyFor } from "../domain/abuse/ip-blocks.ts";

type Values = { username: string; email: string; reason: string };

const FIELD_LABELS: Record<string, string> = {
  username: "Username",
  email: "E-mail address",
  password: "Password",
  agreement: "Agreement",
  reason: "Reason",
};

function closedPage(c: Context<AppEnv>) {
  return errorPage(c, 403, "Sign-ups are closed", `${c.var.ctx.config.instanceName} is not accepting new accounts at the moment.`);
}

function blockedPage(c: Context<AppEnv>) {
  return errorPage(c, 403, "Sign-ups are not possible from here", `${c.var.ctx.config.instanceName} does not accept new accounts from your network.`);
}

function signUpPage(c: Context<AppEnv>, session: WebSession | null, values: Values, error?: { field: string; message: string }, status = 200) {
  const approval = c.var.ctx.config.registrations === "approval";
  const describe = (field: string) => (error?.field === field ? html` aria-describedby="signup-error" aria-invalid="true"` : "");
  const body = html`
${error ? html`<p class="error" role="alert" id="signup-error">${FIELD_LABELS[error.field] ?? error.field} ${error.message}.</p>` : ""}
${approval ? html`<p class="notice">The moderators of this server review every sign-up. You can sign in once yours is approved.</p>` : ""}
<form method="post" action="/auth/sign_up">
${csrfField(csrfTokenFor(c, session))}
<label for="username">Username</label>
<input type="text" id="username" name="username" value="${values.username}" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="30" required${describe("username")}>
<label for="email">E-mail address</label>
<input type="email" id="email" name="email" value="${values.email}" autocomplete="email" required${describe("email")}>
<label for="password">Password (at least 8 characters)</label>
<input type="password" id="password" name="password" autocomplete="new-password" minlength="8" required${describe("password")}>
${approval ? html`<label for="reason">Why do you want to join?</label>
<textarea id="reason" name="reason" rows="3" maxlength="${MAX_REASON}"${describe("reason")}>${values.reason}</textarea>` : ""}
<label class="check"><input type="checkbox" name="agreement" value="1" required${describe("agreement")}>
<span>I have read and agree to the <a href="/terms">terms</a> and the <a href="/privacy">privacy policy</a>.</span></label>
<button type="submit">Sign up</button>
</form>
<p>Already have an account? <a href="/auth/sign_in">Sign in</a>.</p>`;
  return page(c, { title: "Sign up", body, signedInAs: session?.username }, status);
}

export function signUpRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/auth/sign_up", async (c) => {
    if (c.var.ctx.config.registrations === "closed") return closedPage(c);
    if ((await signUpPolicyFor(c.var.ctx, c.var.clientAddress)) === "blocked") return blockedPage(c);
    return signUpPage(c, await currentSession(c), { username: "", email: "", reason: "" });
  });

  app.post("/auth/sign_up", async (c) => {
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const p = form.params;
    const values: Values = { username: str(p.username).slice(0, 100), email: str(p.email).slice(0, 320), reason: str(p.reason).slice(0, MAX_REASON + 1) };
    const agreement = zBool.safeParse(p.agreement);
    const ipPolicy = await signUpPolicyFor(c.var.ctx, c.var.clientAddress);
    if (ipPolicy === "blocked") return blockedPage(c);
    try {
      const { accountId, approved } = await signUp(c.var.ctx, {
        ...values,
        needsApproval: ipPolicy === "needs_approval",
        address: c.var.clientAddress,
        password: str(p.password),
        agreement: agreement.success && agreement.data,
        locale: null,
      });
      if (approved) {
        await startSession(c, accountId);
        return c.redirect("/", 303);
      }
      const body = html`<p class="notice" role="status">Thank you, @${values.username}. Your sign-up is waiting for approval by the moderators of this server. You will be able to sign in once it is approved.</p>
<p><a href="/">Back to the home page</a></p>`;
      return page(c, { title: "Almost there", body });
    } catch (e) {
      if (e instanceof RegistrationsClosedError) return closedPage(c);
      if (e instanceof AccountError) return signUpPage(c, form.session, values, { field: e.field, message: e.message }, 422);
      throw e;
    }
  });

  return app;
}
