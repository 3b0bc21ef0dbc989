// Caracol's admin API for client apps (not part of Mastodon's):
//
// GET  /api/v1/caracol/admin/apps              (admin:read)  every registered app:
//   [{ id, name, website, redirect_uris: [], scopes: [], created_at, live_tokens, people,
//      blocked: bool, reason }]   (reason: why it is blocked or allowed)
// POST /api/v1/caracol/admin/apps/:id/block    (admin:write) blocks it and revokes all its tokens
// POST /api/v1/caracol/admin/apps/:id/unblock  (admin:write) removes the rule for this app
// POST /api/v1/caracol/admin/apps/:id/allow    (admin:write) allows it (allow-list mode, Meta list)
// The POSTs answer the app as in the list, plus `revoked_tokens` for a block.
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { requireAdmin } from "./admin.ts";
import { notFound } from "../errors.ts";
import { zId } from "../params.ts";
import { appById, appRedirectUris, appScopes } from "../../domain/oauth/apps.ts";
import { allowApp, appStanding, appUsage, blockApp, listAppsWithStanding, unblockApp, type AppOverview } from "../../domain/oauth/app-policy.ts";

export function adminAppEntity({ app, usage, standing }: AppOverview) {
  return {
    id: app.id,
    name: app.name,
    website: app.website,
    redirect_uris: appRedirectUris(app),
    scopes: appScopes(app),
    created_at: app.createdAt.toISOString(),
    live_tokens: usage.tokens,
    people: usage.people,
    blocked: standing.blocked,
    reason: standing.reason,
  };
}

export function adminAppsRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/v1/caracol/admin/apps", async (c) => {
    await requireAdmin(c, "admin:read");
    return c.json((await listAppsWithStanding(c.var.ctx)).map(adminAppEntity));
  });

  for (const action of ["block", "unblock", "allow"] as const) {
    app.post(`/v1/caracol/admin/apps/:id/${action}`, async (c) => {
      await requireAdmin(c, "admin:write");
      const id = c.req.param("id");
      const row = zId.safeParse(id).success ? await appById(c.var.ctx, id) : null;
      if (!row) throw notFound();
      let revoked = 0;
      if (action === "block") revoked = await blockApp(c.var.ctx, id);
      else if (action === "unblock") await unblockApp(c.var.ctx, id);
      else await allowApp(c.var.ctx, id);
      const overview = { app: row, usage: await appUsage(c.var.ctx, id), standing: await appStanding(c.var.ctx, row) };
      return c.json({ ...adminAppEntity(overview), ...(action === "block" ? { revoked_tokens: revoked } : {}) });
    });
  }

  return app;
}
