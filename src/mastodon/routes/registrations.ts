// POST /api/v1/accounts: sign-up through an app, as Mastodon does it. The app authenticates with
// its own client_credentials token; the answer is a token for the new account, which stays
// unusable until an admin approves the account when the server requires approval.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../env.ts";
import { bodyParams, zBool } from "../params.ts";
import { forbidden } from "../errors.ts";
import { requireToken } from "../auth.ts";
import { AccountError } from "../../domain/accounts/create.ts";
import { registrationsOpen, RegistrationsClosedError, signUp } from "../../domain/accounts/signup.ts";
import { issueToken } from "../../domain/oauth/tokens.ts";
import { signUpPolicyFor } from "../../domain/abuse/ip-blocks.ts";

/** Mastodon's error codes for the `details` of a 422 on this endpoint. */
function errorCode(message: string): string {
  if (message.includes("taken")) return "ERR_TAKEN";
  if (message.includes("reserved")) return "ERR_RESERVED";
  if (message.includes("accepted")) return "ERR_ACCEPTED";
  if (message.includes("blank")) return "ERR_BLANK";
  if (message.includes("too long") || message.includes("at most")) return "ERR_TOO_LONG";
  if (message.includes("at least")) return "ERR_TOO_SHORT";
  return "ERR_INVALID";
}

function validationFailed(c: Context<AppEnv>, field: string, description: string) {
  const label = field.charAt(0).toUpperCase() + field.slice(1);
  return c.json({ error: `Validation failed: ${label} ${description}`, details: { [field]: [{ error: errorCode(description), description }] } }, 422);
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");

export function registrationsRoutes() {
  const app = new Hono<AppEnv>();

  app.post("/v1/accounts", async (c) => {
    const token = requireToken(c, "write:accounts");
    // Only an app acting for itself signs people up; a person's token is not a sign-up form.
    if (token.accountId || !token.appId) throw forbidden("This method requires an app token (client_credentials)");
    if (!registrationsOpen(c.var.ctx)) throw forbidden("Registrations are closed on this server");
    const ipPolicy = await signUpPolicyFor(c.var.ctx, c.var.clientAddress);
    if (ipPolicy === "blocked") throw forbidden("Sign-ups from your network are not allowed on this server");
    const p = await bodyParams(c);
    for (const field of ["username", "email", "password"] as const) {
      if (!str(p[field])) return validationFailed(c, field, "can't be blank");
    }
    const agreement = zBool.safeParse(p.agreement);
    try {
      const { accountId } = await signUp(c.var.ctx, {
        username: str(p.username),
        email: str(p.email),
        password: str(p.password),
        agreement: agreement.success && agreement.data,
        reason: str(p.reason) || null,
        locale: str(p.locale) || null,
        needsApproval: ipPolicy === "needs_approval",
        address: c.var.clientAddress,
      });
      const t = await issueToken(c.var.ctx, { appId: token.appId, accountId, scopes: [...token.scopes], withRefresh: true });
      c.header("Cache-Control", "no-store");
      return c.json({
        access_token: t.accessToken,
        token_type: "Bearer",
        scope: t.scopes,
        created_at: Math.floor(t.createdAt.getTime() / 1000),
        refresh_token: t.refreshToken,
      });
    } catch (e) {
      if (e instanceof RegistrationsClosedError) throw forbidden(e.message);
      if (e instanceof AccountError) return validationFailed(c, e.field, e.message);
      throw e;
    }
  });

  return app;
}
