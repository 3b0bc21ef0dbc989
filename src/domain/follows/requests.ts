// Pending follow requests to a locked account: listing, authorizing, rejecting
// (Mastodon's AuthorizeFollowService and RejectFollowService).
import { and, eq } from "drizzle-orm";
import { accounts, followRequests } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { pageBy, finishPage, type PageParams } from "../../db/paginate.ts";
import { mergeIntoHome } from "../timelines/fanout.ts";
import { RelationshipError } from "./errors.ts";
import { deleteFollowRequest, insertFollow } from "./graph.ts";

export type AccountPageRow = { cursor: string; account: typeof accounts.$inferSelect };

/** The accounts asking to follow me, keyed by the request row's id for pagination. */
export async function followRequestPage(ctx: Ctx, meId: string, page: PageParams): Promise<AccountPageRow[]> {
  const p = pageBy(followRequests.id, page);
  const rows = await ctx.db
    .select({ cursor: followRequests.id, account: accounts })
    .from(followRequests)
    .innerJoin(accounts, eq(accounts.id, followRequests.accountId))
    .where(and(eq(followRequests.targetAccountId, meId), p.where))
    .orderBy(p.orderBy)
    .limit(page.limit);
  return finishPage(rows, p.ascending);
}

/**
 * Turns `requesterId`'s request into a follow. As in Mastodon, nobody gets a new notification:
 * the request's own notification goes away with it.
 */
export async function authorizeFollowRequest(ctx: Ctx, meId: string, requesterId: string): Promise<void> {
  const [req] = await ctx.db
    .select()
    .from(followRequests)
    .where(and(eq(followRequests.accountId, requesterId), eq(followRequests.targetAccountId, meId)));
  if (!req) throw new RelationshipError("not_found", "Record not found");
  const created = await ctx.db.transaction(async (tx) => {
    await deleteFollowRequest(tx, requesterId, meId);
    return insertFollow(tx, requesterId, meId, { showReblogs: req.showReblogs, notify: req.notify, languages: req.languages }, req.uri);
  });
  if (created) await mergeIntoHome(ctx, requesterId, meId);
  if (created) await ctx.events.emit({ type: "follow.accepted", accountId: requesterId, targetAccountId: meId, uri: req.uri });
}

export async function rejectFollowRequest(ctx: Ctx, meId: string, requesterId: string): Promise<void> {
  const [req] = await ctx.db
    .select({ uri: followRequests.uri })
    .from(followRequests)
    .where(and(eq(followRequests.accountId, requesterId), eq(followRequests.targetAccountId, meId)));
  const removed = await ctx.db.transaction((tx) => deleteFollowRequest(tx, requesterId, meId));
  if (!removed) throw new RelationshipError("not_found", "Record not found");
  await ctx.events.emit({ type: "follow.rejected", accountId: requesterId, targetAccountId: meId, uri: req?.uri ?? null });
}
