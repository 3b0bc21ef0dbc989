// The low-level writes of the follow graph. Every follows row that appears or disappears goes
// through here, so followers_count and following_count move with it (SQL increments, never
// below zero, in the same transaction as the row).
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { accounts, followRequests, follows, notifications } from "../../db/schema/index.ts";
import { newId } from "../../lib/id.ts";

export type FollowOptions = { showReblogs: boolean; notify: boolean; languages: string[] | null };

async function adjustCounts(db: Db, followerId: string, targetId: string, delta: 1 | -1): Promise<void> {
  await db
    .update(accounts)
    .set({ followingCount: sql`greatest(${accounts.followingCount} + ${delta}, 0)` })
    .where(eq(accounts.id, followerId));
  await db
    .update(accounts)
    .set({ followersCount: sql`greatest(${accounts.followersCount} + ${delta}, 0)` })
    .where(eq(accounts.id, targetId));
}

/** Creates the follows row if absent; true when it was created. */
export async function insertFollow(db: Db, followerId: string, targetId: string, opts: FollowOptions, uri: string | null = null): Promise<boolean> {
  const created = await db
    .insert(follows)
    .values({ id: newId(), accountId: followerId, targetAccountId: targetId, uri, ...opts })
    .onConflictDoNothing()
    .returning({ id: follows.id });
  if (created.length === 0) return false;
  await adjustCounts(db, followerId, targetId, 1);
  return true;
}

/** Removes the follows row if present; true when there was one. */
export async function deleteFollow(db: Db, followerId: string, targetId: string): Promise<boolean> {
  const gone = await db
    .delete(follows)
    .where(and(eq(follows.accountId, followerId), eq(follows.targetAccountId, targetId)))
    .returning({ id: follows.id });
  if (gone.length === 0) return false;
  await adjustCounts(db, followerId, targetId, -1);
  return true;
}

/**
 * Removes a pending request and the target's 'follow_request' notification with it (Mastodon
 * destroys that notification with the request), so nothing stale stays in their list.
 */
export async function deleteFollowRequest(db: Db, requesterId: string, targetId: string): Promise<boolean> {
  const gone = await db
    .delete(followRequests)
    .where(and(eq(followRequests.accountId, requesterId), eq(followRequests.targetAccountId, targetId)))
    .returning({ id: followRequests.id });
  await db
    .delete(notifications)
    .where(and(eq(notifications.accountId, targetId), eq(notifications.fromAccountId, requesterId), eq(notifications.type, "follow_request")));
  return gone.length > 0;
}
