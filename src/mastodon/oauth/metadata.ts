// RFC 8414 authorization-server metadata, in the shape Mastodon (4.3+) publishes it, and the
// OpenID-style userinfo endpoint it points to (Mastodon 4.4).
import { Hono, type Context } from "hono";
import type { AppEnv } from "../env.ts";
import { ALL_SCOPES, hasScope } from "../../domain/oauth/scopes.ts";
import { resolveToken } from "../../domain/oauth/tokens.ts";
import { serializeCredentialAccount } from "../entities/account.ts";

async function userinfo(c: Context<AppEnv>) {
  const m = (c.req.header("authorization") ?? "").match(/^Bearer\s+(\S+)$/i);
  const token = m ? await resolveToken(c.var.ctx, m[1]) : null;
  if (!token?.accountId) return c.json({ error: "invalid_token", error_description: "The access token is invalid" }, 401);
  if (!(token.scopes.has("profile") || hasScope(token.scopes, "read:accounts"))) {
    return c.json({ error: "insufficient_scope", error_description: "This needs the profile scope" }, 403);
  }
  const acc = await serializeCredentialAccount(c.var.ctx, token.accountId);
  if (!acc) return c.json({ error: "invalid_token", error_description: "The access token is invalid" }, 401);
  c.header("Cache-Control", "no-store");
  return c.json({
    iss: `${c.var.ctx.config.origin}/`,
    sub: acc.uri,
    name: acc.display_name,
    preferred_username: acc.username,
    profile: acc.url,
    picture: acc.avatar,
  });
}

export function metadataRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/.well-known/oauth-authorization-server", (c) => {
    const o = c.var.ctx.config.origin;
    c.header("Access-Control-Allow-Origin", "*");
    return c.json({
      issuer: `${o}/`,
      service_documentation: "https://docs.joinmastodon.org/",
      authorization_endpoint: `${o}/oauth/authorize`,
      token_endpoint: `${o}/oauth/token`,
      app_registration_endpoint: `${o}/api/v1/apps`,
      revocation_endpoint: `${o}/oauth/revoke`,
      userinfo_endpoint: `${o}/oauth/userinfo`,
      scopes_supported: [...ALL_SCOPES],
      response_types_supported: ["code"],
      response_modes_supported: ["query"],
      code_challenge_methods_supported: ["S256"],
      grant_types_supported: ["authorization_code", "client_credentials", "refresh_token"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    });
  });

  app.get("/oauth/userinfo", userinfo);
  app.post("/oauth/userinfo", userinfo);
  return app;
}
