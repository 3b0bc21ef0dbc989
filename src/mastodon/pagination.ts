// Mastodon's pagination: max_id / since_id / min_id / limit, and a Link header with next and prev.
import type { Context } from "hono";
import { z } from "zod";
import { validate, zId, zInt } from "./params.ts";

export type Page = { maxId?: string; sinceId?: string; minId?: string; limit: number };

export function parsePage(c: Context, defaultLimit = 20, maxLimit = 40): Page {
  const q = c.req.query();
  const schema = z.object({
    max_id: zId.optional(),
    since_id: zId.optional(),
    min_id: zId.optional(),
    limit: zInt(1, 1000).optional(),
  });
  const p = validate(schema, { max_id: q.max_id || undefined, since_id: q.since_id || undefined, min_id: q.min_id || undefined, limit: q.limit || undefined });
  return { maxId: p.max_id, sinceId: p.since_id, minId: p.min_id, limit: Math.min(p.limit ?? defaultLimit, maxLimit) };
}

/** Sets the Link header from the first and last cursor of a page (ids sorted newest first). */
export function setLinkHeader(c: Context, cursors: { newest?: string; oldest?: string }) {
  if (!cursors.newest || !cursors.oldest) return;
  const url = new URL(c.req.url);
  const base = `${c.var.ctx.config.origin}${url.pathname}`;
  const keep = new URLSearchParams(url.searchParams);
  for (const k of ["max_id", "since_id", "min_id"]) keep.delete(k);
  const next = new URLSearchParams(keep);
  next.set("max_id", cursors.oldest);
  const prev = new URLSearchParams(keep);
  prev.set("min_id", cursors.newest);
  c.header("Link", `<${base}?${next}>; rel="next", <${base}?${prev}>; rel="prev"`);
}
