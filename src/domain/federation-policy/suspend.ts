// What suspending a domain does to what we hold about it, and what lifting it gives back.
//
// Suspension severs every follow and follow request between local accounts and the domain's
// accounts, purges their cached posts (and with them, through the foreign keys: media rows,
// mentions, tags, favourites, bookmarks, pins, home feed entries and notifications about them)
// and marks those accounts suspended. Nothing is sent to the domain: we stop talking to it, we
// do not tell it so (Mastodon does the same). The account rows stay, so that blocks, mentions in
// local posts and their ids stay coherent, and so that lifting the rule can unsuspend them.
//
// The accounts are stamped with the rule's creation time (as Mastodon does): lifting unsuspends
// exactly those, never an account that was suspended for another reason (a Delete of itself).
import { and, eq, inArray, isNotNull, isNull, or, sql, type SQL } from "drizzle-orm";
import { accounts, favourites, followRequests, follows, listAccounts, mediaAttachments, notifications, statuses } from "../../db/schema/index.ts";
import type { Db } from "../../db/client.ts";
import type { Ctx } from "../context.ts";
import { deleteFollow } from "../follows/graph.ts";
import { purgeStatusesOf } from "../statuses/purge.ts";

const IP_LITERAL = /^(\d+\.\d+\.\d+\.\d+|\[.*\])$/;

/**
 * Remote accounts on `domain` or any of its subdomains. Stored domains may carry a port
 * (`host:port`), which rules ignore.
 */
export function onDomain(domain: string): SQL {
  const host = sql`lower(regexp_replace(${accounts.domain}, ':[0-9]+$', ''))`;
  if (IP_LITERAL.test(domain)) return and(isNotNull(accounts.domain), sql`${host} = ${domain}`)!;
  const suffix = "%." + domain.replaceAll("\\", "\\\\").replaceAll("_", "\\_").replaceAll("%", "\\%");
  return and(isNotNull(accounts.domain), sql`(${host} = ${domain} or ${host} like ${suffix})`)!;
}

export type PurgeCounts = {
  /** remote accounts there that are not suspended yet */
  accounts: number;
  /** their follows of local accounts */
  followsFromThem: number;
  /** local accounts' follows of them */
  followsToThem: number;
  /** pending requests either way */
  followRequests: number;
  /** their posts (and boosts) we hold */
  statuses: number;
  media: number;
  /** notifications they caused */
  notifications: number;
  /** boosts of their posts by others (local accounts included) */
  boostsOfThem: number;
};

async function count(q: Promise<{ n: number }[]>): Promise<number> {
  return Number((await q)[0]?.n ?? 0);
}

/** What suspending `domain` would remove, counted (planRule shows it before anything changes). */
export async function countPurge(ctx: Ctx, domain: string): Promise<PurgeCounts> {
  const db = ctx.db;
  const ids = db.select({ id: accounts.id }).from(accounts).where(onDomain(domain));
  const n = sql<number>`count(*)::int`;
  const authored = db.select({ id: statuses.id }).from(statuses).where(inArray(statuses.accountId, ids));
  return {
    accounts: await count(db.select({ n }).from(accounts).where(and(onDomain(domain), isNull(accounts.suspendedAt)))),
    followsFromThem: await count(db.select({ n }).from(follows).where(inArray(follows.accountId, ids))),
    followsToThem: await count(db.select({ n }).from(follows).where(inArray(follows.targetAccountId, ids))),
    followRequests: await count(db.select({ n }).from(followRequests).where(or(inArray(followRequests.accountId, ids), inArray(followRequests.targetAccountId, ids)))),
    statuses: await count(db.select({ n }).from(statuses).where(inArray(statuses.accountId, ids))),
    media: await count(db.select({ n }).from(mediaAttachments).where(inArray(mediaAttachments.accountId, ids))),
    notifications: await count(db.select({ n }).from(notifications).where(inArray(notifications.fromAccountId, ids))),
    boostsOfThem: await count(
      db.select({ n }).from(statuses).where(and(isNotNull(statuses.reblogOfId), inArray(statuses.reblogOfId, authored), sql`not ${inArray(statuses.accountId, ids)}`)),
    ),
  };
}

/** Severs, purges and marks suspended; `stamp` is the rule's creation time. Sends nothing. */
export async function suspendDomain(ctx: Ctx, domain: string, stamp: Date): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    const ids = (await db.select({ id: accounts.id }).from(accounts).where(onDomain(domain))).map((r) => r.id);
    if (ids.length === 0) return;
    // deleteFollow keeps the local accounts' follower and following counts right
    const pairs = await db
      .select({ a: follows.accountId, t: follows.targetAccountId })
      .from(follows)
      .where(or(inArray(follows.accountId, ids), inArray(follows.targetAccountId, ids)));
    for (const p of pairs) await deleteFollow(db, p.a, p.t);
    await db.delete(followRequests).where(or(inArray(followRequests.accountId, ids), inArray(followRequests.targetAccountId, ids)));
    await db.delete(listAccounts).where(inArray(listAccounts.accountId, ids));
    await db.delete(notifications).where(inArray(notifications.fromAccountId, ids));

    // Counters on posts that stay (ours and other servers'): their favourites and boosts go.
    const liked = await db.delete(favourites).where(inArray(favourites.accountId, ids)).returning({ statusId: favourites.statusId });
    for (const l of liked) {
      await db.update(statuses).set({ favouritesCount: sql`greatest(${statuses.favouritesCount} - 1, 0)` }).where(eq(statuses.id, l.statusId));
    }
    const theirBoosts = await db
      .select({ of: statuses.reblogOfId })
      .from(statuses)
      .where(and(inArray(statuses.accountId, ids), isNotNull(statuses.reblogOfId)));
    for (const b of theirBoosts) {
      await db.update(statuses).set({ reblogsCount: sql`greatest(${statuses.reblogsCount} - 1, 0)` }).where(eq(statuses.id, b.of!));
    }

    // Their posts go, and the boosts of them by others with them (and the boosters' counts).
    await purgeStatusesOf(db, ids);
    await db
      .update(accounts)
      .set({ suspendedAt: stamp, statusesCount: 0, followersCount: 0, followingCount: 0 })
      .where(and(inArray(accounts.id, ids), isNull(accounts.suspendedAt)));
  });
}

/** The accounts a suspension stamped, by domain, for lifting. */
export async function stampedDomains(ctx: Ctx, domain: string, stamp: Date): Promise<{ domain: string; n: number }[]> {
  const rows = await ctx.db
    .select({ domain: accounts.domain, n: sql<number>`count(*)::int` })
    .from(accounts)
    .where(and(onDomain(domain), eq(accounts.suspendedAt, stamp)))
    .groupBy(accounts.domain);
  return rows.map((r) => ({ domain: r.domain!, n: Number(r.n) }));
}

/** Unsuspends the accounts `stamp` marked on these exact stored domains. */
export async function unsuspendAccounts(ctx: Ctx, storedDomains: string[], stamp: Date): Promise<number> {
  if (storedDomains.length === 0) return 0;
  const done = await ctx.db
    .update(accounts)
    .set({ suspendedAt: null })
    .where(and(inArray(accounts.domain, storedDomains), eq(accounts.suspendedAt, stamp)))
    .returning({ id: accounts.id });
  return done.length;
}
