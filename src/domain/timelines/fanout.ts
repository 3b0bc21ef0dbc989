// Home timelines are stored (fan-out on write): reading one is a single indexed query.
// Who receives a status is decided by the audience gate, never here.
import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import { accounts, follows, homeFeed, mentions, statuses } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { filterVisibleStatuses, type GateStatus } from "../audience/facts.ts";

/** Inserts a new status into the home feeds of the local accounts that may see it. */
export async function fanOutStatus(ctx: Ctx, status: GateStatus & { reblogOfId?: string | null }): Promise<void> {
  const followerRows = await ctx.db
    .select({ id: follows.accountId })
    .from(follows)
    .innerJoin(accounts, eq(accounts.id, follows.accountId))
    .where(and(eq(follows.targetAccountId, status.accountId), isNull(accounts.domain)));
  const mentionRows = await ctx.db
    .select({ id: mentions.accountId })
    .from(mentions)
    .innerJoin(accounts, eq(accounts.id, mentions.accountId))
    .where(and(eq(mentions.statusId, status.id), isNull(accounts.domain)));
  const candidates = new Set([status.accountId, ...followerRows.map((r) => r.id), ...mentionRows.map((r) => r.id)]);
  let inner: GateStatus | null = null;
  if (status.reblogOfId) {
    const [row] = await ctx.db.select().from(statuses).where(eq(statuses.id, status.reblogOfId));
    inner = row ?? null;
    if (!inner) return;
  }
  const readers: string[] = [];
  for (const id of candidates) {
    const viewer = { kind: "local" as const, accountId: id, scopes: null };
    const visible = await filterVisibleStatuses(ctx, viewer, inner ? [status, inner] : [status]);
    if (visible.length === (inner ? 2 : 1)) readers.push(id);
  }
  if (readers.length === 0) return;
  await ctx.db
    .insert(homeFeed)
    .values(readers.map((accountId) => ({ accountId, statusId: status.id })))
    .onConflictDoNothing();
}

/** After a new follow: bring the followed account's recent visible statuses into the home feed. */
export async function mergeIntoHome(ctx: Ctx, readerId: string, authorId: string, limit = 40): Promise<void> {
  const rows = await ctx.db.select().from(statuses).where(eq(statuses.accountId, authorId)).orderBy(desc(statuses.id)).limit(limit);
  const viewer = { kind: "local" as const, accountId: readerId, scopes: null };
  const visible = await filterVisibleStatuses(ctx, viewer, rows);
  const ok: string[] = [];
  for (const s of visible) {
    if (!s.reblogOfId) ok.push(s.id);
    else {
      const [inner] = await ctx.db.select().from(statuses).where(eq(statuses.id, s.reblogOfId));
      if (inner && (await filterVisibleStatuses(ctx, viewer, [inner])).length) ok.push(s.id);
    }
  }
  if (ok.length) await ctx.db.insert(homeFeed).values(ok.map((statusId) => ({ accountId: readerId, statusId }))).onConflictDoNothing();
}

/** After an unfollow or block: remove the author's statuses (and boosts) from the home feed. */
export async function unmergeFromHome(ctx: Ctx, readerId: string, authorId: string): Promise<void> {
  const authored = ctx.db.select({ id: statuses.id }).from(statuses).where(eq(statuses.accountId, authorId));
  await ctx.db.delete(homeFeed).where(and(eq(homeFeed.accountId, readerId), inArray(homeFeed.statusId, authored)));
  // Boosts by others of the author's statuses stay only if still visible; boosts of statuses by
  // blocked authors are removed by the block code itself.
}
