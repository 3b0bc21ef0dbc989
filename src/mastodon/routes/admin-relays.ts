// Relays in the admin API (a Caracol extension; Mastodon manages relays in its web admin only):
// GET/POST /api/v1/caracol/admin/relays, DELETE /api/v1/caracol/admin/relays/:id. Admins only,
// with admin:read / admin:write. Joining and leaving are queued for the outbox, as from the CLI.
import { Hono } from "hono";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { relays } from "../../db/schema/index.ts";
import { bodyParams, validate } from "../params.ts";
import { notFound, unprocessable } from "../errors.ts";
import { requireAdmin } from "./admin.ts";
import { addRelay, listRelays, relayByInbox, RelayError, removeRelay, checkRelayUrl, type Relay } from "../../federation/relays.ts";
import { serverStanding } from "../../domain/federation-policy/standing.ts";
import { exchangesWith } from "../../federation/outbox/recipients.ts";

const entity = (r: Relay) => ({ id: r.id, inbox_url: r.inboxUrl, actor_uri: r.actorUri, state: r.state, created_at: r.createdAt.toISOString() });

export function adminRelaysRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/v1/caracol/admin/relays", async (c) => {
    await requireAdmin(c, "admin:read");
    return c.json((await listRelays(c.var.ctx)).map(entity));
  });

  app.post("/v1/caracol/admin/relays", async (c) => {
    await requireAdmin(c, "admin:write");
    const p = validate(z.object({ inbox_url: z.string().min(1).max(2000) }), await bodyParams(c));
    const ctx = c.var.ctx;
    try {
      const url = checkRelayUrl(ctx, p.inbox_url);
      const existing = await relayByInbox(ctx, url);
      if (existing && existing.state !== "rejected") return c.json(entity(existing));
      const host = new URL(url).host;
      if (!exchangesWith(await serverStanding(ctx, host))) throw new RelayError(`we do not exchange data with ${host}`);
      return c.json(entity(await addRelay(ctx, url)));
    } catch (e) {
      if (e instanceof RelayError) throw unprocessable(e.message, { inbox_url: [{ error: "ERR_INVALID", description: e.message }] });
      throw e;
    }
  });

  app.delete("/v1/caracol/admin/relays/:id", async (c) => {
    await requireAdmin(c, "admin:write");
    const id = c.req.param("id");
    const [relay] = /^\d{1,19}$/.test(id) ? await c.var.ctx.db.select().from(relays).where(eq(relays.id, id)) : [];
    if (!relay) throw notFound();
    await removeRelay(c.var.ctx, relay);
    return c.json({});
  });

  return app;
}
