// Mutes (with optional expiry) and the private notes people keep on accounts.
import { and, eq, gt, isNull, or } from "drizzle-orm";
import { accountNotes, accounts, blocks, follows, mutes } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { newId } from "../../lib/id.ts";
import { pageBy, finishPage, type PageParams } from "../../db/paginate.ts";
import { mergeIntoHome, unmergeFromHome } from "../timelines/fanout.ts";
import { RelationshipError } from "./errors.ts";
import { relationshipTarget } from "./follow.ts";

/** A mute counts while it has no expiry or its expiry is still ahead. */
export const activeMute = (now = new Date()) => or(isNull(mutes.expiresAt), gt(mutes.expiresAt, now));

/**
 * The accounts `me` blocks or mutes (active mutes; with `notifications`, only the mutes that hide
 * notifications too), as a subquery.
 */
export function blockedOrMuted(ctx: Ctx, me: string, opts: { notifications?: boolean } = {}) {
  return ctx.db
    .select({ id: blocks.targetAccountId })
    .from(blocks)
    .where(eq(blocks.accountId, me))
    .union(
      ctx.db
        .select({ id: mutes.targetAccountId })
        .from(mutes)
        .where(and(eq(mutes.accountId, me), opts.notifications ? eq(mutes.hideNotifications, true) : undefined, activeMute())),
    );
}

export async function mute(ctx: Ctx, meId: string, targetId: string, opts: { notifications: boolean; durationSeconds: number }): Promise<void> {
  if (meId === targetId) throw new RelationshipError("self", "You cannot mute yourself");
  await relationshipTarget(ctx, targetId);
  const expiresAt = opts.durationSeconds > 0 ? new Date(Date.now() + opts.durationSeconds * 1000) : null;
  await ctx.db
    .insert(mutes)
    .values({ id: newId(), accountId: meId, targetAccountId: targetId, hideNotifications: opts.notifications, expiresAt })
    .onConflictDoUpdate({ target: [mutes.accountId, mutes.targetAccountId], set: { hideNotifications: opts.notifications, expiresAt } });
  // As Mastodon's MuteWorker: what is already in the home feed goes too.
  await unmergeFromHome(ctx, meId, targetId);
}

export async function unmute(ctx: Ctx, meId: string, targetId: string): Promise<void> {
  await relationshipTarget(ctx, targetId);
  const gone = await ctx.db
    .delete(mutes)
    .where(and(eq(mutes.accountId, meId), eq(mutes.targetAccountId, targetId)))
    .returning({ id: mutes.id });
  if (!gone.length) return;
  const [following] = await ctx.db
    .select({ id: follows.id })
    .from(follows)
    .where(and(eq(follows.accountId, meId), eq(follows.targetAccountId, targetId)));
  if (following) await mergeIntoHome(ctx, meId, targetId);
}

export type MutePageRow = { cursor: string; expiresAt: Date | null; account: typeof accounts.$inferSelect };

export async function mutePage(ctx: Ctx, meId: string, page: PageParams): Promise<MutePageRow[]> {
  const p = pageBy(mutes.id, page);
  const rows = await ctx.db
    .select({ cursor: mutes.id, expiresAt: mutes.expiresAt, account: accounts })
    .from(mutes)
    .innerJoin(accounts, eq(accounts.id, mutes.targetAccountId))
    .where(and(eq(mutes.accountId, meId), activeMute(), p.where))
    .orderBy(p.orderBy)
    .limit(page.limit);
  return finishPage(rows, p.ascending);
}

export const MAX_NOTE = 2000;

/** Sets (or with an empty comment, removes) my private note on an account. */
export async function setAccountNote(ctx: Ctx, meId: string, targetId: string, comment: string): Promise<void> {
  await relationshipTarget(ctx, targetId);
  if (comment.trim() === "") {
    await ctx.db.delete(accountNotes).where(and(eq(accountNotes.accountId, meId), eq(accountNotes.targetAccountId, targetId)));
    return;
  }
  await ctx.db
    .insert(accountNotes)
    .values({ id: newId(), accountId: meId, targetAccountId: targetId, comment })
    .onConflictDoUpdate({ target: [accountNotes.accountId, accountNotes.targetAccountId], set: { comment } });
}
