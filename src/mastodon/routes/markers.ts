// Read positions in the home and notifications timelines, synced between a person's apps.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { requireUser } from "../auth.ts";
import { bodyParams, queryParams, validate, zArray, zId } from "../params.ts";
import { markersToMastodon } from "../entities/marker.ts";
import { getMarkers, MARKER_TIMELINES, setMarkers } from "../../domain/timelines/markers.ts";

const one = z.object({ last_read_id: zId }).optional();
const postSchema = z.object({ home: one, notifications: one });

export function markersRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/v1/markers", async (c) => {
    const { accountId } = requireUser(c, "read:statuses");
    const { timeline } = validate(z.object({ timeline: zArray(z.string()).optional() }), queryParams(c));
    // Unknown timeline names are ignored, as Mastodon does.
    const wanted = MARKER_TIMELINES.filter((t) => timeline?.includes(t));
    return c.json(markersToMastodon(await getMarkers(c.var.ctx, accountId, wanted)));
  });

  app.post("/v1/markers", async (c) => {
    const { accountId } = requireUser(c, "write:statuses");
    const p = validate(postSchema, await bodyParams(c));
    const rows = await setMarkers(c.var.ctx, accountId, { home: p.home?.last_read_id, notifications: p.notifications?.last_read_id });
    return c.json(markersToMastodon(rows));
  });

  return app;
}
