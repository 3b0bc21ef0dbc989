// Loading a status for an action by someone: it must exist and be visible to them (the gate
// decides), else it is "not found" so that hidden posts cannot be told apart from missing ones.
import { eq } from "drizzle-orm";
import { statuses } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { filterVisibleStatuses } from "../audience/facts.ts";
import type { Viewer } from "../audience/viewer.ts";
import { isId } from "../../lib/id.ts";
import { notFoundError } from "./errors.ts";
import type { StatusRow } from "./create.ts";

export function localViewer(accountId: string): Viewer {
  return { kind: "local", accountId, scopes: null };
}

export async function statusById(ctx: Ctx, id: string): Promise<StatusRow | null> {
  if (!isId(id)) return null;
  const [row] = await ctx.db.select().from(statuses).where(eq(statuses.id, id));
  return row ?? null;
}

export async function isVisibleTo(ctx: Ctx, viewer: Viewer, row: StatusRow): Promise<boolean> {
  return (await filterVisibleStatuses(ctx, viewer, [row])).length === 1;
}

/**
 * The visible status with this id; for a boost, the boosted post when `unwrapBoost` is set
 * (acting on a boost acts on what was boosted, as Mastodon does). Throws not_found otherwise.
 */
export async function visibleStatus(ctx: Ctx, viewer: Viewer, id: string, unwrapBoost = false): Promise<StatusRow> {
  let row = await statusById(ctx, id);
  if (!row || !(await isVisibleTo(ctx, viewer, row))) throw notFoundError();
  if (unwrapBoost && row.reblogOfId) {
    row = await statusById(ctx, row.reblogOfId);
    if (!row || !(await isVisibleTo(ctx, viewer, row))) throw notFoundError();
  }
  return row;
}
