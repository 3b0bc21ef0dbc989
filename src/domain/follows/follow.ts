// Following, unfollowing and removing a follower (Mastodon's FollowService, UnfollowService and
// RemoveFromFollowersService). Callers have already checked that the viewer may see the target.
import { and, eq, or } from "drizzle-orm";
import { accounts, blocks, followRequests, follows } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { newId } from "../../lib/id.ts";
import { accountUri } from "../accounts/urls.ts";
import { notify } from "../notifications/notify.ts";
import { mergeIntoHome, unmergeFromHome } from "../timelines/fanout.ts";
import { RelationshipError } from "./errors.ts";
import { deleteFollow, deleteFollowRequest, insertFollow, type FollowOptions } from "./graph.ts";

export type FollowInput = { reblogs?: boolean; notify?: boolean; languages?: string[] | null };

/** Loads an account that can take part in a relationship (exists and is not suspended). */
export async function relationshipTarget(ctx: Ctx, id: string) {
  const [row] = await ctx.db
    .select({ id: accounts.id, domain: accounts.domain, locked: accounts.locked, suspendedAt: accounts.suspendedAt })
    .from(accounts)
    .where(eq(accounts.id, id));
  if (!row || row.suspendedAt) throw new RelationshipError("not_found", "Record not found");
  return row;
}

/** Whether either account blocks the other (a follow is refused; the inbox answers a Follow with Reject). */
export async function blockedEitherWay(ctx: Ctx, a: string, b: string): Promise<boolean> {
  const [row] = await ctx.db
    .select({ id: blocks.id })
    .from(blocks)
    .where(or(and(eq(blocks.accountId, a), eq(blocks.targetAccountId, b)), and(eq(blocks.accountId, b), eq(blocks.targetAccountId, a))))
    .limit(1);
  return !!row;
}

function changedOptions(input: FollowInput): Partial<FollowOptions> {
  const out: Partial<FollowOptions> = {};
  if (input.reblogs !== undefined) out.showReblogs = input.reblogs;
  if (input.notify !== undefined) out.notify = input.notify;
  if (input.languages !== undefined) out.languages = input.languages && input.languages.length ? input.languages : null;
  return out;
}

/**
 * Follows `targetId`, or asks to when the account approves its followers (every local account
 * does by default, and every remote follow waits for the remote server's Accept).
 */
export async function follow(ctx: Ctx, meId: string, targetId: string, input: FollowInput = {}): Promise<"following" | "requested"> {
  if (meId === targetId) throw new RelationshipError("self", "You cannot follow yourself");
  const target = await relationshipTarget(ctx, targetId);
  if (await blockedEitherWay(ctx, meId, targetId)) throw new RelationshipError("forbidden", "This action is not allowed");
  const changes = changedOptions(input);

  // Following again only changes the options given; it is not a new follow.
  const followWhere = and(eq(follows.accountId, meId), eq(follows.targetAccountId, targetId));
  const existing = Object.keys(changes).length
    ? await ctx.db.update(follows).set(changes).where(followWhere).returning({ id: follows.id })
    : await ctx.db.select({ id: follows.id }).from(follows).where(followWhere);
  if (existing.length) return "following";
  const requestWhere = and(eq(followRequests.accountId, meId), eq(followRequests.targetAccountId, targetId));
  const pending = Object.keys(changes).length
    ? await ctx.db.update(followRequests).set(changes).where(requestWhere).returning({ id: followRequests.id })
    : await ctx.db.select({ id: followRequests.id }).from(followRequests).where(requestWhere);
  if (pending.length) return "requested";

  const opts: FollowOptions = { showReblogs: true, notify: false, languages: null, ...changes };
  if (target.locked || target.domain !== null) {
    const id = newId();
    // A request to a remote account is our Follow activity: it needs an id of its own.
    const uri = target.domain !== null ? `${accountUri(ctx.config.origin, await usernameOf(ctx, meId))}/follows/${id}` : null;
    const created = await ctx.db
      .insert(followRequests)
      .values({ id, accountId: meId, targetAccountId: targetId, uri, ...opts })
      .onConflictDoNothing()
      .returning({ id: followRequests.id });
    if (created.length) await notify(ctx, { accountId: targetId, fromAccountId: meId, type: "follow_request" });
    if (created.length && uri) await ctx.events.emit({ type: "follow.requested", accountId: meId, targetAccountId: targetId, uri });
    return "requested";
  }
  const created = await ctx.db.transaction((tx) => insertFollow(tx, meId, targetId, opts));
  if (created) {
    await notify(ctx, { accountId: targetId, fromAccountId: meId, type: "follow" });
    await mergeIntoHome(ctx, meId, targetId);
  }
  return "following";
}

async function usernameOf(ctx: Ctx, accountId: string): Promise<string> {
  const [row] = await ctx.db.select({ username: accounts.username }).from(accounts).where(eq(accounts.id, accountId));
  return row.username;
}

/** The activity id of the follow (or request) from `a` to `b`, read before the row goes. */
async function followUri(ctx: Ctx, a: string, b: string, requestToo: boolean): Promise<string | null> {
  const [f] = await ctx.db.select({ uri: follows.uri }).from(follows).where(and(eq(follows.accountId, a), eq(follows.targetAccountId, b)));
  if (f || !requestToo) return f?.uri ?? null;
  const [r] = await ctx.db.select({ uri: followRequests.uri }).from(followRequests).where(and(eq(followRequests.accountId, a), eq(followRequests.targetAccountId, b)));
  return r?.uri ?? null;
}

/** Stops following `targetId`, or withdraws a pending request. */
export async function unfollow(ctx: Ctx, meId: string, targetId: string): Promise<void> {
  await relationshipTarget(ctx, targetId);
  const uri = await followUri(ctx, meId, targetId, true);
  const [withdrawn, removed] = await ctx.db.transaction(async (tx) => [await deleteFollowRequest(tx, meId, targetId), await deleteFollow(tx, meId, targetId)]);
  if (removed) await unmergeFromHome(ctx, meId, targetId);
  if (withdrawn || removed) await ctx.events.emit({ type: "follow.undone", accountId: meId, targetAccountId: targetId, uri });
}

/** `followerId` stops following me; their access to my followers-only posts ends with it. */
export async function removeFromFollowers(ctx: Ctx, meId: string, followerId: string): Promise<void> {
  await relationshipTarget(ctx, followerId);
  const uri = await followUri(ctx, followerId, meId, false);
  const removed = await ctx.db.transaction((tx) => deleteFollow(tx, followerId, meId));
  if (removed) await unmergeFromHome(ctx, followerId, meId);
  // Mastodon tells the follower's server with a Reject of their Follow.
  if (removed) await ctx.events.emit({ type: "follow.rejected", accountId: followerId, targetAccountId: meId, uri });
}
