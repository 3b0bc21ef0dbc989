// Checks an authorization request (RFC 6749 4.1.1 with PKCE, RFC 7636). While the client or its
// redirect URI is in doubt, errors are shown on our own page and never redirected: sending a
// browser to an unverified URI would make us an open redirector.
import type { Ctx } from "../../domain/context.ts";
import { appByClientId, appRedirectUris, appScopes, OOB_REDIRECT, type AppRow } from "../../domain/oauth/apps.ts";
import { isCodeChallenge } from "../../domain/oauth/codes.ts";
import { appStanding } from "../../domain/oauth/app-policy.ts";
import { parseScopes, scopesWithin, type Scope } from "../../domain/oauth/scopes.ts";

export type AuthorizeRequest = {
  app: AppRow;
  redirectUri: string;
  scopes: Scope[];
  state: string | null;
  codeChallenge: string | null;
  lang: string | undefined;
};

export type ParsedRequest =
  | { ok: true; req: AuthorizeRequest }
  /** shown on our page: the client or its redirect URI is not trusted */
  | { ok: false; fatal: string }
  /** sent back to the (verified) redirect URI */
  | { ok: false; redirectUri: string; error: string; description: string; state: string | null };

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export async function parseAuthorizeRequest(ctx: Ctx, p: Record<string, unknown>): Promise<ParsedRequest> {
  const app = await appByClientId(ctx, str(p.client_id) ?? "");
  if (!app) return { ok: false, fatal: "The app asking for access is not known to this server (unknown client_id)." };
  const standing = await appStanding(ctx, app);
  if (standing.blocked) return { ok: false, fatal: `${app.name} may not use this server: ${standing.reason}.` };
  const registered = appRedirectUris(app);
  let redirectUri = str(p.redirect_uri);
  // RFC 6749 3.1.2.3: with exactly one registered URI, it may be left out.
  if (!redirectUri && registered.length === 1) redirectUri = registered[0];
  if (!redirectUri || !registered.includes(redirectUri)) {
    return { ok: false, fatal: "The redirect_uri is not one the app registered, so the request cannot be completed." };
  }
  const rawState = str(p.state);
  const state = rawState && rawState.length <= 2000 ? rawState : null;
  const fail = (error: string, description: string): ParsedRequest => ({ ok: false, redirectUri: redirectUri!, error, description, state });

  if (rawState && rawState.length > 2000) return fail("invalid_request", "state is too long");
  if (str(p.response_type) !== "code") return fail("unsupported_response_type", "Only response_type=code is supported");
  const scopes = parseScopes(str(p.scope) ?? null, "read");
  if (!scopes) return fail("invalid_scope", "The requested scope is unknown");
  if (!scopesWithin(scopes, appScopes(app))) return fail("invalid_scope", "The requested scope is not within the scopes the app registered");

  const challenge = str(p.code_challenge) || null;
  const method = str(p.code_challenge_method) || null;
  if (method && method !== "S256") return fail("invalid_request", "Only the S256 code_challenge_method is supported");
  if (challenge && !method) return fail("invalid_request", "code_challenge_method=S256 is required with a code_challenge (plain is not supported)");
  if (method && !challenge) return fail("invalid_request", "code_challenge is missing");
  if (challenge && !isCodeChallenge(challenge)) return fail("invalid_request", "code_challenge is malformed");

  const lang = str(p.lang);
  return {
    ok: true,
    req: { app, redirectUri, scopes, state, codeChallenge: challenge, lang: lang && /^[a-z]{2,3}$/.test(lang) ? lang : undefined },
  };
}

/** redirect_uri with the given parameters added to its query; for the out-of-band URI, null. */
export function redirectWith(redirectUri: string, params: Record<string, string | null>): string | null {
  if (redirectUri === OOB_REDIRECT) return null;
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v);
  return url.toString();
}
