// Favourites, bookmarks and pins. Each needs the post to be visible to the person acting; undoing
// one always works (so people can take back a favourite on a post they no longer see), but
// the answer is still "not found" when the post is hidden from them.
import { and, count, eq, sql } from "drizzle-orm";
import { bookmarks, favourites, pins, statuses } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { newId } from "../../lib/id.ts";
import { notify } from "../notifications/notify.ts";
import type { StatusRow } from "./create.ts";
import { invalid, notFoundError } from "./errors.ts";
import { isVisibleTo, localViewer, statusById, visibleStatus } from "./lookup.ts";

export const MAX_PINS = 5;

export async function favourite(ctx: Ctx, accountId: string, id: string): Promise<StatusRow> {
  const target = await visibleStatus(ctx, localViewer(accountId), id, true);
  const inserted = await ctx.db
    .insert(favourites)
    .values({ id: newId(), accountId, statusId: target.id })
    .onConflictDoNothing()
    .returning({ id: favourites.id });
  if (inserted.length) {
    await ctx.db
      .update(statuses)
      .set({ favouritesCount: sql`${statuses.favouritesCount} + 1` })
      .where(eq(statuses.id, target.id));
    await notify(ctx, { accountId: target.accountId, fromAccountId: accountId, type: "favourite", statusId: target.id });
    await ctx.events.emit({ type: "favourite.created", favouriteId: inserted[0].id, accountId, statusId: target.id });
  }
  return (await statusById(ctx, target.id))!;
}

/** Resolves a boost to its post, without asking the gate (undoing needs no permission). */
async function unwrapped(ctx: Ctx, id: string): Promise<StatusRow> {
  const row = await statusById(ctx, id);
  if (!row) throw notFoundError();
  if (!row.reblogOfId) return row;
  const inner = await statusById(ctx, row.reblogOfId);
  if (!inner) throw notFoundError();
  return inner;
}

async function visibleAfterUndo(ctx: Ctx, accountId: string, id: string): Promise<StatusRow> {
  const row = await statusById(ctx, id);
  if (!row || !(await isVisibleTo(ctx, localViewer(accountId), row))) throw notFoundError();
  return row;
}

export async function unfavourite(ctx: Ctx, accountId: string, id: string): Promise<StatusRow> {
  const target = await unwrapped(ctx, id);
  const removed = await ctx.db
    .delete(favourites)
    .where(and(eq(favourites.accountId, accountId), eq(favourites.statusId, target.id)))
    .returning({ id: favourites.id });
  if (removed.length) {
    await ctx.db
      .update(statuses)
      .set({ favouritesCount: sql`greatest(${statuses.favouritesCount} - 1, 0)` })
      .where(eq(statuses.id, target.id));
    await ctx.events.emit({ type: "favourite.deleted", favouriteId: removed[0].id, accountId, statusId: target.id });
  }
  return visibleAfterUndo(ctx, accountId, target.id);
}

export async function bookmark(ctx: Ctx, accountId: string, id: string): Promise<StatusRow> {
  const target = await visibleStatus(ctx, localViewer(accountId), id, true);
  await ctx.db.insert(bookmarks).values({ id: newId(), accountId, statusId: target.id }).onConflictDoNothing();
  return target;
}

export async function unbookmark(ctx: Ctx, accountId: string, id: string): Promise<StatusRow> {
  const target = await unwrapped(ctx, id);
  await ctx.db.delete(bookmarks).where(and(eq(bookmarks.accountId, accountId), eq(bookmarks.statusId, target.id)));
  return visibleAfterUndo(ctx, accountId, target.id);
}

export async function pin(ctx: Ctx, accountId: string, id: string): Promise<StatusRow> {
  const target = await visibleStatus(ctx, localViewer(accountId), id);
  if (target.reblogOfId) throw invalid("Boosts cannot be pinned");
  if (target.accountId !== accountId) throw invalid("Only your own posts can be pinned");
  if (target.audience === "direct") throw invalid("Direct posts cannot be pinned");
  const [already] = await ctx.db
    .select({ id: pins.id })
    .from(pins)
    .where(and(eq(pins.accountId, accountId), eq(pins.statusId, target.id)));
  if (already) return target;
  const [{ n }] = await ctx.db.select({ n: count() }).from(pins).where(eq(pins.accountId, accountId));
  if (n >= MAX_PINS) throw invalid("You have already pinned the maximum number of posts");
  await ctx.db.insert(pins).values({ id: newId(), accountId, statusId: target.id }).onConflictDoNothing();
  return target;
}

export async function unpin(ctx: Ctx, accountId: string, id: string): Promise<StatusRow> {
  await ctx.db.delete(pins).where(and(eq(pins.accountId, accountId), eq(pins.statusId, id)));
  return visibleAfterUndo(ctx, accountId, id);
}
