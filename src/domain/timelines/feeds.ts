// Row sources for the timelines. They narrow by relationship (blocks, mutes, list membership,
// hashtags) and by listing rules; whether the viewer may see each row is still decided by the
// audience gate, which the caller applies to every row (visibleStatusPage).
import { and, eq, exists, inArray, isNotNull, isNull, notInArray, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { accounts, follows, homeFeed, listAccounts, lists, mediaAttachments, statuses, statusTags, tags } from "../../db/schema/index.ts";
import { pageBy, type PageParams } from "../../db/paginate.ts";
import type { Ctx } from "../context.ts";
import { notByLimited } from "../federation-policy/rule-effects.ts";
import { blockedOrMuted } from "../follows/mutes.ts";

export type StatusRow = typeof statuses.$inferSelect;
export type FeedRow = { status: StatusRow; cursor: string };

const inner = alias(statuses, "inner_status");

/** Leaves out posts and boosts by hidden accounts (blocked or muted), and boosts of their posts. */
function notHidden(ctx: Ctx, me: string): SQL {
  return and(
    notInArray(statuses.accountId, blockedOrMuted(ctx, me)),
    or(isNull(statuses.reblogOfId), notInArray(inner.accountId, blockedOrMuted(ctx, me))),
  )!;
}

async function run(ctx: Ctx, where: (SQL | undefined)[], page: PageParams): Promise<FeedRow[]> {
  const pg = pageBy(statuses.id, page);
  const rows = await ctx.db
    .select({ status: statuses })
    .from(statuses)
    .leftJoin(inner, eq(inner.id, statuses.reblogOfId))
    .where(and(pg.where, ...where))
    .orderBy(pg.orderBy)
    .limit(page.limit);
  return rows.map((r) => ({ status: r.status, cursor: r.status.id }));
}

/** Reads from the reader's stored feed, walking its (account, status) index newest first. */
async function runFeed(ctx: Ctx, me: string, where: (SQL | undefined)[], page: PageParams): Promise<FeedRow[]> {
  const pg = pageBy(homeFeed.statusId, page);
  const rows = await ctx.db
    .select({ status: statuses })
    .from(homeFeed)
    .innerJoin(statuses, eq(statuses.id, homeFeed.statusId))
    .leftJoin(inner, eq(inner.id, statuses.reblogOfId))
    .where(and(eq(homeFeed.accountId, me), pg.where, ...where))
    .orderBy(pg.orderBy)
    .limit(page.limit);
  return rows.map((r) => ({ status: r.status, cursor: r.status.id }));
}

/** The stored home feed, minus what the reader asked not to see there. */
export function homeRows(ctx: Ctx, me: string, page: PageParams): Promise<FeedRow[]> {
  const noBoostsFrom = ctx.db
    .select({ id: follows.targetAccountId })
    .from(follows)
    .where(and(eq(follows.accountId, me), eq(follows.showReblogs, false)));
  // Members of an exclusive list are read in that list only (Mastodon 4.2).
  const exclusiveMembers = ctx.db
    .select({ id: listAccounts.accountId })
    .from(listAccounts)
    .innerJoin(lists, eq(lists.id, listAccounts.listId))
    .where(and(eq(lists.accountId, me), eq(lists.exclusive, true)));
  return runFeed(
    ctx,
    me,
    [
      notHidden(ctx, me),
      or(isNull(statuses.reblogOfId), notInArray(statuses.accountId, noBoostsFrom)),
      or(eq(statuses.accountId, me), notInArray(statuses.accountId, exclusiveMembers)),
    ],
    page,
  );
}

/** A list's timeline: its members' posts among those that reached the owner's home feed. */
export function listRows(ctx: Ctx, list: typeof lists.$inferSelect, page: PageParams): Promise<FeedRow[]> {
  const me = list.accountId;
  const members = ctx.db.select({ id: listAccounts.accountId }).from(listAccounts).where(eq(listAccounts.listId, list.id));
  const followed = ctx.db.select({ id: follows.targetAccountId }).from(follows).where(eq(follows.accountId, me));
  const replyTo =
    list.repliesPolicy === "list" ? inArray(statuses.inReplyToAccountId, members) : list.repliesPolicy === "followed" ? inArray(statuses.inReplyToAccountId, followed) : undefined;
  return runFeed(
    ctx,
    me,
    [
      inArray(statuses.accountId, members),
      notHidden(ctx, me),
      or(
        isNull(statuses.inReplyToAccountId),
        eq(statuses.inReplyToAccountId, statuses.accountId),
        eq(statuses.inReplyToAccountId, me),
        replyTo,
      ),
    ],
    page,
  );
}

export type PublicOptions = { local?: boolean; remote?: boolean; onlyMedia?: boolean };

function publicConditions(ctx: Ctx, viewerId: string | null, o: PublicOptions): (SQL | undefined)[] {
  const origin =
    o.local && !o.remote
      ? inArray(statuses.accountId, ctx.db.select({ id: accounts.id }).from(accounts).where(isNull(accounts.domain)))
      : o.remote && !o.local
        ? inArray(statuses.accountId, ctx.db.select({ id: accounts.id }).from(accounts).where(isNotNull(accounts.domain)))
        : undefined;
  return [
    // Only the widest audience is ever listed; the gate then decides per viewer.
    eq(statuses.audience, "public"),
    isNull(statuses.reblogOfId),
    origin,
    viewerId ? notInArray(statuses.accountId, blockedOrMuted(ctx, viewerId)) : undefined,
    o.onlyMedia ? exists(ctx.db.select({ x: sql`1` }).from(mediaAttachments).where(eq(mediaAttachments.statusId, statuses.id))) : undefined,
  ];
}

/** The public timeline: public, original posts; replies only to oneself (as Mastodon). */
export async function publicRows(ctx: Ctx, viewerId: string | null, o: PublicOptions, page: PageParams): Promise<FeedRow[]> {
  return run(
    ctx,
    [
      ...publicConditions(ctx, viewerId, o),
      await notByLimited(ctx, statuses.accountId),
      or(isNull(statuses.inReplyToAccountId), eq(statuses.inReplyToAccountId, statuses.accountId)),
    ],
    page,
  );
}

export type TagQuery = { tag: string; any?: string[]; all?: string[]; none?: string[] };

function taggedWith(ctx: Ctx, names: string[]) {
  const lower = names.map((n) => n.toLowerCase());
  return ctx.db
    .select({ id: statusTags.statusId })
    .from(statusTags)
    .innerJoin(tags, eq(tags.id, statusTags.tagId))
    .where(inArray(sql`lower(${tags.name})`, lower));
}

export async function tagRows(ctx: Ctx, viewerId: string | null, q: TagQuery, o: PublicOptions, page: PageParams): Promise<FeedRow[]> {
  const conds: (SQL | undefined)[] = [inArray(statuses.id, taggedWith(ctx, [q.tag, ...(q.any ?? [])]))];
  for (const name of q.all ?? []) conds.push(inArray(statuses.id, taggedWith(ctx, [name])));
  if (q.none?.length) conds.push(notInArray(statuses.id, taggedWith(ctx, q.none)));
  // servers we limit (silence) stay out of public timelines; their followers still see them at home
  return run(ctx, [...publicConditions(ctx, viewerId, o), await notByLimited(ctx, statuses.accountId), ...conds], page);
}

