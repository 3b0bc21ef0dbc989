// POST /oauth/token and POST /oauth/revoke. Errors are OAuth's own JSON shape (RFC 6749 5.2):
// {"error": "invalid_grant", "error_description": "..."}.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../env.ts";
import { bodyParams } from "../params.ts";
import { authenticateClient, appScopes, type AppRow } from "../../domain/oauth/apps.ts";
import { exchangeCode, GrantError } from "../../domain/oauth/codes.ts";
import { recordTokenSignIn } from "../../domain/privacy/sign-ins.ts";
import { issueToken, revokeTokenOfApp, rotateRefreshToken, type IssuedToken } from "../../domain/oauth/tokens.ts";
import { parseScopes, scopesWithin } from "../../domain/oauth/scopes.ts";
import { appStanding } from "../../domain/oauth/app-policy.ts";

type Params = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === "string" ? v : "");

function oauthError(c: Context<AppEnv>, status: 400 | 401, error: string, description: string, basic = false) {
  c.header("Cache-Control", "no-store");
  c.header("Pragma", "no-cache");
  if (status === 401 && basic) c.header("WWW-Authenticate", 'Basic realm="oauth"');
  return c.json({ error, error_description: description }, status);
}

async function readParams(c: Context<AppEnv>): Promise<Params | null> {
  try {
    return await bodyParams(c);
  } catch {
    return null;
  }
}

/** Client credentials from HTTP Basic (RFC 6749 2.3.1, form-encoded) or from the body; one way only. */
function clientCredentials(c: Context<AppEnv>, p: Params): { id: string; secret: string; basic: boolean } | "conflict" | null {
  const m = (c.req.header("authorization") ?? "").match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  if (m) {
    if (p.client_secret !== undefined) return "conflict";
    const decoded = Buffer.from(m[1], "base64").toString("utf8");
    const i = decoded.indexOf(":");
    if (i < 0) return null;
    try {
      return { id: decodeURIComponent(decoded.slice(0, i).replace(/\+/g, " ")), secret: decodeURIComponent(decoded.slice(i + 1).replace(/\+/g, " ")), basic: true };
    } catch {
      return null;
    }
  }
  const id = str(p.client_id);
  const secret = str(p.client_secret);
  return id && secret ? { id, secret, basic: false } : null;
}

async function authenticate(c: Context<AppEnv>, p: Params): Promise<AppRow | Response> {
  const cred = clientCredentials(c, p);
  if (cred === "conflict") return oauthError(c, 400, "invalid_request", "Use one client authentication method, not two");
  const app = cred ? await authenticateClient(c.var.ctx, cred.id, cred.secret) : null;
  if (!app) {
    return oauthError(c, 401, "invalid_client", "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.", cred?.basic);
  }
  const standing = await appStanding(c.var.ctx, app);
  if (standing.blocked) return oauthError(c, 401, "invalid_client", `This app may not use this server: ${standing.reason}`, cred?.basic);
  return app;
}

function tokenResponse(c: Context<AppEnv>, t: IssuedToken) {
  c.header("Cache-Control", "no-store");
  c.header("Pragma", "no-cache");
  const body: Record<string, unknown> = {
    access_token: t.accessToken,
    token_type: "Bearer",
    scope: t.scopes,
    created_at: Math.floor(t.createdAt.getTime() / 1000),
  };
  if (t.refreshToken) body.refresh_token = t.refreshToken;
  if (t.expiresAt) body.expires_in = Math.max(0, Math.floor((t.expiresAt.getTime() - Date.now()) / 1000));
  return c.json(body);
}

const GRANTS = new Set(["authorization_code", "client_credentials", "refresh_token"]);

export function tokenRoutes() {
  const app = new Hono<AppEnv>();

  app.post("/oauth/token", async (c) => {
    const p = await readParams(c);
    if (!p) return oauthError(c, 400, "invalid_request", "The request body could not be read");
    const grant = str(p.grant_type);
    if (!grant) return oauthError(c, 400, "invalid_request", "grant_type is missing");
    // The password grant would teach apps to ask for people's passwords: it is not offered.
    if (!GRANTS.has(grant)) return oauthError(c, 400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.");
    const client = await authenticate(c, p);
    if (client instanceof Response) return client;
    const ctx = c.var.ctx;

    if (grant === "authorization_code") {
      const code = str(p.code);
      const redirectUri = str(p.redirect_uri);
      if (!code || !redirectUri) return oauthError(c, 400, "invalid_request", "code and redirect_uri are required");
      try {
        const verifier = str(p.code_verifier) || undefined;
        const issued = await exchangeCode(ctx, client, { code, redirectUri, codeVerifier: verifier });
        await recordTokenSignIn(ctx, issued.id, c.var.clientAddress, c.req.header("user-agent"));
        return tokenResponse(c, issued);
      } catch (e) {
        if (e instanceof GrantError) return oauthError(c, 400, "invalid_grant", e.message);
        throw e;
      }
    }

    if (grant === "client_credentials") {
      const scopes = parseScopes(str(p.scope) || null, "read");
      if (!scopes || !scopesWithin(scopes, appScopes(client))) return oauthError(c, 400, "invalid_scope", "The requested scope is invalid, unknown, or malformed.");
      return tokenResponse(c, await issueToken(ctx, { appId: client.id, accountId: null, scopes }));
    }

    const refresh = str(p.refresh_token);
    if (!refresh) return oauthError(c, 400, "invalid_request", "refresh_token is required");
    let narrow: string[] | undefined;
    if (str(p.scope)) {
      const parsed = parseScopes(str(p.scope));
      if (!parsed) return oauthError(c, 400, "invalid_scope", "The requested scope is invalid, unknown, or malformed.");
      narrow = parsed;
    }
    const r = await rotateRefreshToken(ctx, client.id, refresh, narrow);
    if (r === "invalid") return oauthError(c, 400, "invalid_grant", "The refresh token is invalid, revoked, or was issued to another client");
    if (r === "invalid_scope") return oauthError(c, 400, "invalid_scope", "The requested scope exceeds the scope granted");
    return tokenResponse(c, r);
  });

  app.post("/oauth/revoke", async (c) => {
    const p = await readParams(c);
    if (!p) return oauthError(c, 400, "invalid_request", "The request body could not be read");
    const client = await authenticate(c, p);
    if (client instanceof Response) return client;
    const token = str(p.token);
    if (!token) return oauthError(c, 400, "invalid_request", "token is required");
    // RFC 7009 2.2: an unknown token, or one of another client, gets the same empty answer.
    await revokeTokenOfApp(c.var.ctx, client.id, token);
    return c.json({});
  });

  return app;
}
