// Cookies and CSRF for the web pages. Signed-in forms carry the session's CSRF token; forms a
// visitor fills in before having a session (sign-in, sign-up) carry a token that must match a
// cookie of ours, so another site cannot sign someone in to an account of its choosing.
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../mastodon/env.ts";
import { createSession, destroySession, resolveSession, type WebSession } from "../domain/accounts/sessions.ts";
import { randomToken, safeEqual } from "../lib/crypto.ts";
import { bodyParams } from "../mastodon/params.ts";
import { errorPage, html } from "./html.ts";

const SESSION = "caracol_session";
const PRE_CSRF = "caracol_csrf";

/** `__Host-` cookies cannot be set by a sibling subdomain nor sent to another path's owner. */
function cookieOptions(c: Context<AppEnv>, maxAge?: number) {
  const secure = c.var.ctx.config.secureCookies;
  return { path: "/", httpOnly: true, sameSite: "Lax" as const, secure, maxAge, ...(secure ? { prefix: "host" as const } : {}) };
}

const prefixOf = (c: Context<AppEnv>) => (c.var.ctx.config.secureCookies ? ("host" as const) : undefined);

export async function currentSession(c: Context<AppEnv>): Promise<WebSession | null> {
  return resolveSession(c.var.ctx, getCookie(c, SESSION, prefixOf(c)));
}

/** Signs in: any session this browser had is ended first, so a planted session id is useless. */
export async function startSession(c: Context<AppEnv>, accountId: string): Promise<void> {
  await endSession(c);
  const s = await createSession(c.var.ctx, accountId);
  setCookie(c, SESSION, s.id, cookieOptions(c, c.var.ctx.config.sessionTtlDays * 86400));
  deleteCookie(c, PRE_CSRF, cookieOptions(c));
}

export async function endSession(c: Context<AppEnv>): Promise<void> {
  const id = getCookie(c, SESSION, prefixOf(c));
  if (id) await destroySession(c.var.ctx, id);
  if (id) deleteCookie(c, SESSION, cookieOptions(c));
}

/** The token a form on this page must send back. */
export function csrfTokenFor(c: Context<AppEnv>, session: WebSession | null): string {
  if (session) return session.csrfToken;
  const existing = getCookie(c, PRE_CSRF, prefixOf(c));
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const fresh = randomToken(32);
  setCookie(c, PRE_CSRF, fresh, cookieOptions(c, 2 * 3600));
  return fresh;
}

export type FormPost = { params: Record<string, unknown>; session: WebSession | null };

/**
 * Reads a submitted form and checks its CSRF token (and the Origin header, when a browser sent
 * one). On failure it returns the 403 page to send instead.
 */
export async function readForm(c: Context<AppEnv>): Promise<FormPost | Response> {
  const session = await currentSession(c);
  const origin = c.req.header("origin");
  const params = await bodyParams(c);
  const submitted = typeof params.authenticity_token === "string" ? params.authenticity_token : "";
  const expected = session ? session.csrfToken : getCookie(c, PRE_CSRF, prefixOf(c));
  const originOk = !origin || origin === c.var.ctx.config.origin;
  if (!originOk || !expected || !submitted || !safeEqual(submitted, expected)) {
    return errorPage(
      c,
      403,
      "Form check failed",
      "This form could not be verified: it may have expired, or it was not sent from this site. Go back, reload the page and try again.",
    );
  }
  return { params, session };
}

export const str = (v: unknown): string => (typeof v === "string" ? v : "");

export const csrfField = (token: string) => html`<input type="hidden" name="authenticity_token" value="${token}">`;
