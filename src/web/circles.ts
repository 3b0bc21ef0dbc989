// GET /circles/{id}: a circle's members and shared rules, as JSON, for the servers that
// subscribe to it. Only circles their admin published; any other id is a plain 404, the same
// for a circle that exists unpublished and one that does not exist.
import { Hono } from "hono";
import type { AppEnv } from "../mastodon/env.ts";
import { circleDocument } from "../domain/federation-policy/circles.ts";

export function circleRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/circles/:id", async (c) => {
    const doc = await circleDocument(c.var.ctx, c.req.param("id"));
    if (!doc) return c.json({ error: "Record not found" }, 404);
    c.header("cache-control", "public, max-age=300");
    return c.json(doc);
  });
  return app;
}
