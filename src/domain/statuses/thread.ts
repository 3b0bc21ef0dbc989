// The conversation around a post: the chain of posts it replies to, and the tree of replies
// below it. This only gathers candidate rows; the caller passes them through the audience gate
// (serializeStatuses), which decides for each one whether the viewer may see it.
import { and, inArray, isNull } from "drizzle-orm";
import { statuses } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import type { StatusRow } from "./create.ts";
import { statusById } from "./lookup.ts";

export const MAX_ANCESTORS = 40;
export const MAX_DESCENDANTS = 4000;

/** Oldest first, ending with the direct parent. */
export async function ancestorsOf(ctx: Ctx, status: StatusRow, limit = MAX_ANCESTORS): Promise<StatusRow[]> {
  const out: StatusRow[] = [];
  const seen = new Set([status.id]);
  let parentId = status.inReplyToId;
  while (parentId && out.length < limit && !seen.has(parentId)) {
    seen.add(parentId);
    const parent = await statusById(ctx, parentId);
    if (!parent) break;
    out.push(parent);
    parentId = parent.inReplyToId;
  }
  return out.reverse();
}

/** Depth-first, each post followed by its own replies, siblings oldest first (as Mastodon orders them). */
export async function descendantsOf(ctx: Ctx, status: StatusRow, limit = MAX_DESCENDANTS): Promise<StatusRow[]> {
  const children = new Map<string, StatusRow[]>();
  let frontier = [status.id];
  let total = 0;
  const seen = new Set([status.id]);
  while (frontier.length && total < limit) {
    const rows = await ctx.db
      .select()
      .from(statuses)
      .where(and(inArray(statuses.inReplyToId, frontier), isNull(statuses.reblogOfId)))
      .orderBy(statuses.id)
      .limit(limit - total);
    const next: string[] = [];
    for (const r of rows) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      total++;
      children.set(r.inReplyToId!, [...(children.get(r.inReplyToId!) ?? []), r]);
      next.push(r.id);
    }
    frontier = next;
  }
  const out: StatusRow[] = [];
  const walk = (id: string) => {
    for (const c of children.get(id) ?? []) {
      out.push(c);
      walk(c.id);
    }
  };
  walk(status.id);
  return out;
}
