// Blocking (Mastodon's BlockService): the block cuts every tie both ways at once, follows and
// pending requests, and clears each side's home feed of the other.
import { and, eq, inArray } from "drizzle-orm";
import { accounts, blocks, homeFeed, notifications, statuses } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import type { Db } from "../../db/client.ts";
import { newId } from "../../lib/id.ts";
import { pageBy, finishPage, type PageParams } from "../../db/paginate.ts";
import { unmergeFromHome } from "../timelines/fanout.ts";
import { RelationshipError } from "./errors.ts";
import { deleteFollow, deleteFollowRequest } from "./graph.ts";
import { relationshipTarget } from "./follow.ts";
import type { AccountPageRow } from "./requests.ts";

/** Removes from `readerId`'s home feed the boosts (by anyone) of `authorId`'s statuses. */
async function unmergeBoostsOf(db: Db, readerId: string, authorId: string): Promise<void> {
  const authored = db.select({ id: statuses.id }).from(statuses).where(eq(statuses.accountId, authorId));
  const boosts = db.select({ id: statuses.id }).from(statuses).where(inArray(statuses.reblogOfId, authored));
  await db.delete(homeFeed).where(and(eq(homeFeed.accountId, readerId), inArray(homeFeed.statusId, boosts)));
}

export async function block(ctx: Ctx, meId: string, targetId: string): Promise<void> {
  if (meId === targetId) throw new RelationshipError("self", "You cannot block yourself");
  await relationshipTarget(ctx, targetId);
  const blockId = newId();
  const created = await ctx.db.transaction(async (tx) => {
    const inserted = await tx.insert(blocks).values({ id: blockId, accountId: meId, targetAccountId: targetId }).onConflictDoNothing().returning({ id: blocks.id });
    await deleteFollow(tx, meId, targetId);
    await deleteFollow(tx, targetId, meId);
    await deleteFollowRequest(tx, meId, targetId);
    await deleteFollowRequest(tx, targetId, meId);
    // Their past notifications to me would keep showing them; Mastodon clears them too.
    await tx.delete(notifications).where(and(eq(notifications.accountId, meId), eq(notifications.fromAccountId, targetId)));
    return inserted.length > 0;
  });
  await unmergeFromHome(ctx, meId, targetId);
  await unmergeFromHome(ctx, targetId, meId);
  await unmergeBoostsOf(ctx.db, meId, targetId);
  await unmergeBoostsOf(ctx.db, targetId, meId);
  if (created) await ctx.events.emit({ type: "block.created", blockId, accountId: meId, targetAccountId: targetId, uri: null });
}

export async function unblock(ctx: Ctx, meId: string, targetId: string): Promise<void> {
  await relationshipTarget(ctx, targetId);
  const [gone] = await ctx.db
    .delete(blocks)
    .where(and(eq(blocks.accountId, meId), eq(blocks.targetAccountId, targetId)))
    .returning({ id: blocks.id, uri: blocks.uri });
  if (gone) await ctx.events.emit({ type: "block.deleted", blockId: gone.id, accountId: meId, targetAccountId: targetId, uri: gone.uri });
}

export async function blockPage(ctx: Ctx, meId: string, page: PageParams): Promise<AccountPageRow[]> {
  const p = pageBy(blocks.id, page);
  const rows = await ctx.db
    .select({ cursor: blocks.id, account: accounts })
    .from(blocks)
    .innerJoin(accounts, eq(accounts.id, blocks.targetAccountId))
    .where(and(eq(blocks.accountId, meId), p.where))
    .orderBy(p.orderBy)
    .limit(page.limit);
  return finishPage(rows, p.ascending);
}

