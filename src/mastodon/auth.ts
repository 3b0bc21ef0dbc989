import type { Context, MiddlewareHandler } from "hono";
import { resolveToken } from "../domain/oauth/tokens.ts";
import { hasScope, type Scope } from "../domain/oauth/scopes.ts";
import { ANONYMOUS, type Viewer } from "../domain/audience/viewer.ts";
import type { AppEnv } from "./env.ts";
import { forbidden, unauthorized } from "./errors.ts";

/** Reads `Authorization: Bearer` (or `access_token` in the query, as some apps still do). */
export const bearerAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const m = header.match(/^Bearer\s+(\S+)$/i);
  const raw = m?.[1] ?? c.req.query("access_token");
  c.set("token", null);
  c.set("viewer", ANONYMOUS);
  if (raw) {
    const info = await resolveToken(c.var.ctx, raw);
    if (!info) throw unauthorized();
    c.set("token", info);
    // The narrowing rides on the viewer, so the gate enforces it on every read path.
    if (info.accountId) c.set("viewer", { kind: "local", accountId: info.accountId, scopes: info.scopes, ...(info.narrowed ? { narrowed: info.narrowed } : {}) });
  }
  await next();
};

/** The signed-in account behind the token, with the scope required; else 401/403. */
export function requireUser(c: Context<AppEnv>, scope: Scope): { accountId: string; viewer: Viewer } {
  const token = c.var.token;
  if (!token) throw unauthorized("The access token is invalid");
  if (!token.accountId) throw unauthorized("This method requires an authenticated user");
  if (!hasScope(token.scopes, scope)) throw forbidden();
  return { accountId: token.accountId, viewer: c.var.viewer };
}

/**
 * For reads that anonymous clients may make: checks the scope when a token is present.
 * The returned viewer is what the audience gate is asked about.
 */
export function optionalUser(c: Context<AppEnv>, scope: Scope): Viewer {
  const token = c.var.token;
  if (token?.accountId && !hasScope(token.scopes, scope)) throw forbidden();
  return c.var.viewer;
}

/** A token of any kind (an app's client_credentials token counts). */
export function requireToken(c: Context<AppEnv>, scope?: Scope) {
  const token = c.var.token;
  if (!token) throw unauthorized();
  if (scope && !hasScope(token.scopes, scope)) throw forbidden();
  return token;
}
