// Like, Misskey's reaction Like (`_misskey_reaction`) and Pleroma's EmojiReact, all kept as a
// favourite (there is no reactions table yet; the emoji is dropped). Only for posts we have and
// that the liker may see by the gate: a like of a post someone cannot see would tell them it
// exists, and notify its author from a stranger.
import type { EmojiReact, Like } from "@fedify/vocab";
import { and, eq, sql } from "drizzle-orm";
import { favourites, statuses } from "../../db/schema/index.ts";
import { newId } from "../../lib/id.ts";
import { notify } from "../../domain/notifications/notify.ts";
import { canViewStatusRow } from "../../domain/audience/facts.ts";
import { classify, ignore, quiet, remoteViewerOf, sender, statusByUri, type InboxCtx } from "./common.ts";

export async function onLike(ictx: InboxCtx, activity: Like | EmojiReact): Promise<void> {
  const c = await classify(ictx, activity, "Like", "EmojiReact");
  if (!c) return;
  const ctx = ictx.data;
  const status = await statusByUri(ctx, c.object);
  if (!status || status.reblogOfId) return ignore(c, "a post we do not have");
  const liker = await sender(ictx, c);
  if (!liker) return;
  if (!(await canViewStatusRow(ctx, await remoteViewerOf(ctx, liker), status))) return ignore(c, "the liker may not see the post");
  const inserted = await ctx.db
    .insert(favourites)
    .values({ id: newId(), accountId: liker.id, statusId: status.id })
    .onConflictDoNothing()
    .returning({ id: favourites.id });
  if (inserted.length === 0) return;
  await ctx.db.update(statuses).set({ favouritesCount: sql`${statuses.favouritesCount} + 1` }).where(eq(statuses.id, status.id));
  await notify(quiet(ctx), { accountId: status.accountId, fromAccountId: liker.id, type: "favourite", statusId: status.id });
}

/** Undo of a Like or EmojiReact. */
export async function removeLike(ictx: InboxCtx, accountId: string, statusUri: string | null): Promise<boolean> {
  const ctx = ictx.data;
  const status = await statusByUri(ctx, statusUri);
  if (!status) return false;
  const removed = await ctx.db
    .delete(favourites)
    .where(and(eq(favourites.accountId, accountId), eq(favourites.statusId, status.id)))
    .returning({ id: favourites.id });
  if (removed.length === 0) return false;
  await ctx.db.update(statuses).set({ favouritesCount: sql`greatest(${statuses.favouritesCount} - 1, 0)` }).where(eq(statuses.id, status.id));
  return true;
}
