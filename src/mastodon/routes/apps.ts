// App registration (POST /api/v1/apps) and GET /api/v1/apps/verify_credentials.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { bodyParams, validate } from "../params.ts";
import { notFound, unprocessable } from "../errors.ts";
import { requireToken } from "../auth.ts";
import { appById, appRedirectUris, appScopes, redirectUriProblem, registerApp, splitRedirectUris, type AppRow } from "../../domain/oauth/apps.ts";
import { parseScopes } from "../../domain/oauth/scopes.ts";
import { registrationRefusal } from "../../domain/oauth/app-policy.ts";

const createSchema = z.object({
  client_name: z.string().trim().min(1, "can't be blank").max(60, "is too long (at most 60 characters)"),
  redirect_uris: z.union([z.string().max(4000), z.array(z.string().max(2000)).max(20)], "can't be blank"),
  scopes: z.string().max(2000).optional(),
  website: z.string().max(2000).nullish(),
});

/** Mastodon's Application entity; the vapid key is empty until Web Push exists. */
export function applicationEntity(app: AppRow) {
  const uris = appRedirectUris(app);
  return {
    id: app.id,
    name: app.name,
    website: app.website,
    scopes: appScopes(app),
    redirect_uri: uris.join("\n"),
    redirect_uris: uris,
    vapid_key: "",
  };
}

function checkWebsite(website: string | null | undefined): string | null {
  const w = website?.trim();
  if (!w) return null;
  let url: URL | null = null;
  try {
    url = new URL(w);
  } catch {
    /* reported below */
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || !url.hostname) throw unprocessable("website is not a valid http(s) URL");
  // The normalised form percent-encodes what a URI may not contain, quotes and brackets included.
  return url.href;
}

export function appsRoutes() {
  const app = new Hono<AppEnv>();

  app.post("/v1/apps", async (c) => {
    const p = validate(createSchema, await bodyParams(c));
    const uris = splitRedirectUris(p.redirect_uris);
    if (uris.length === 0) throw unprocessable("redirect_uris can't be blank");
    if (uris.length > 20) throw unprocessable("redirect_uris has too many entries (at most 20)");
    for (const uri of uris) {
      const problem = redirectUriProblem(uri);
      if (problem) throw unprocessable(`redirect_uris ${problem}`);
    }
    const scopes = parseScopes(p.scopes ?? null, "read");
    if (!scopes) throw unprocessable("scopes contains an unknown scope");
    const website = checkWebsite(p.website);
    const refusal = await registrationRefusal(c.var.ctx, { name: p.client_name, redirectUris: uris });
    if (refusal) throw unprocessable(refusal);
    const { app: row, clientSecret } = await registerApp(c.var.ctx, {
      name: p.client_name,
      redirectUris: uris,
      scopes,
      website,
      ownerAccountId: c.var.token?.accountId ?? null,
    });
    c.header("Cache-Control", "no-store");
    return c.json({ ...applicationEntity(row), client_id: row.clientId, client_secret: clientSecret, client_secret_expires_at: 0 });
  });

  app.get("/v1/apps/verify_credentials", async (c) => {
    const token = requireToken(c);
    const row = token.appId ? await appById(c.var.ctx, token.appId) : null;
    if (!row) throw notFound();
    return c.json(applicationEntity(row));
  });

  return app;
}
