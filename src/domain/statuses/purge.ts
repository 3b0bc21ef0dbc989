// Removing every post of some remote accounts at once: when their server is suspended
// (federation-policy/suspend.ts) and when an actor deletes itself (federation/inbox/delete.ts).
import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { accounts, statuses } from "../../db/schema/index.ts";
import type { Db } from "../../db/client.ts";

/**
 * Deletes the posts (and boosts) of `accountIds`, and the boosts of those posts by anyone, with
 * the boosters' post counts. media_attachments, mentions, status_tags, favourites, bookmarks,
 * pins, home_feed and notifications of these posts follow through ON DELETE CASCADE. Sends
 * nothing; meant for the caller's transaction.
 */
export async function purgeStatusesOf(db: Db, accountIds: string[]): Promise<void> {
  const authored = db.select({ id: statuses.id }).from(statuses).where(inArray(statuses.accountId, accountIds));
  const boosts = await db
    .delete(statuses)
    .where(and(isNotNull(statuses.reblogOfId), inArray(statuses.reblogOfId, authored)))
    .returning({ accountId: statuses.accountId });
  for (const b of boosts) {
    await db.update(accounts).set({ statusesCount: sql`greatest(${accounts.statusesCount} - 1, 0)` }).where(eq(accounts.id, b.accountId));
  }
  await db.delete(statuses).where(inArray(statuses.accountId, accountIds));
}
