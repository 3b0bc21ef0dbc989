// Caracol's API for the apps a person authorized (not part of Mastodon's):
//
// GET    /api/v1/caracol/authorized_apps          (read:accounts) the apps holding a live token:
//   [{ id, name, website, scopes: [], narrowed: { no_direct, no_others_followers_only },
//      created_at, last_used_at|null, expires_at|null }]
//   last_used_at is kept to the hour. With several tokens, the widest one is described.
// DELETE /api/v1/caracol/authorized_apps/:app_id  (write:accounts) revokes all of one's tokens
//   for that app at once; answers {} (also when there was nothing to revoke).
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { requireUser } from "../auth.ts";
import { notFound } from "../errors.ts";
import { zId } from "../params.ts";
import { authorizedApps, revokeAppTokens, type AuthorizedApp } from "../../domain/oauth/app-policy.ts";

export function authorizedAppEntity(a: AuthorizedApp) {
  return {
    id: a.app.id,
    name: a.app.name,
    website: a.app.website,
    scopes: a.scopes,
    narrowed: { no_direct: a.narrowed.noDirect, no_others_followers_only: a.narrowed.noOthersFollowersOnly },
    created_at: a.createdAt.toISOString(),
    last_used_at: a.lastUsedAt?.toISOString() ?? null,
    expires_at: a.expiresAt?.toISOString() ?? null,
  };
}

export function authorizedAppsRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/v1/caracol/authorized_apps", async (c) => {
    const { accountId } = requireUser(c, "read:accounts");
    return c.json((await authorizedApps(c.var.ctx, accountId)).map(authorizedAppEntity));
  });

  app.delete("/v1/caracol/authorized_apps/:app_id", async (c) => {
    const { accountId } = requireUser(c, "write:accounts");
    const id = c.req.param("app_id");
    if (!zId.safeParse(id).success) throw notFound();
    await revokeAppTokens(c.var.ctx, id, accountId);
    return c.json({});
  });

  return app;
}
