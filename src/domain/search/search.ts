// Search over what this server already knows. It narrows candidates the way Mastodon does
// (people who opted in to discovery; posts you wrote, favourited, bookmarked or were mentioned in,
// and public posts of people who opted in to indexing); the audience gate then checks every
// status and account that the caller serialises.
import { and, asc, desc, eq, exists, gt, ilike, inArray, isNull, lt, notInArray, or, sql, type SQL } from "drizzle-orm";
import { accounts, blocks, bookmarks, favourites, follows, mentions, mutes, statuses, statusTags, tags, users } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { notByLimited } from "../federation-policy/rule-effects.ts";

export type AccountRow = typeof accounts.$inferSelect;
export type StatusRow = typeof statuses.$inferSelect;
export type TagRow = typeof tags.$inferSelect;
export type Window = { limit: number; offset: number };

/** For LIKE patterns: the user's text matches literally. */
export function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** `@name`, `name@domain` or `@name@domain`; this server's own domain counts as local. */
export function parseHandle(q: string, localDomain: string): { username: string; domain: string | null } | null {
  const m = q.trim().match(/^@?([a-z0-9_][a-z0-9_.-]*)(?:@([a-z0-9.-]+(?::\d+)?))?$/i);
  if (!m) return null;
  const domain = m[2] && m[2].toLowerCase() !== localDomain.toLowerCase() ? m[2].toLowerCase() : null;
  return { username: m[1], domain };
}

function blockedEitherWay(ctx: Ctx, me: string) {
  return ctx.db
    .select({ id: blocks.targetAccountId })
    .from(blocks)
    .where(eq(blocks.accountId, me))
    .union(ctx.db.select({ id: blocks.accountId }).from(blocks).where(eq(blocks.targetAccountId, me)));
}

export async function searchAccounts(ctx: Ctx, me: string, q: string, o: Window & { following?: boolean }): Promise<AccountRow[]> {
  const handle = parseHandle(q, ctx.config.domain);
  const text = q.trim().replace(/^@/, "").toLowerCase();
  if (!text) return [];
  const followed = ctx.db.select({ id: follows.targetAccountId }).from(follows).where(eq(follows.accountId, me));
  const exact: SQL | undefined = handle
    ? and(sql`lower(${accounts.username}) = lower(${handle.username})`, handle.domain ? sql`lower(${accounts.domain}) = ${handle.domain}` : isNull(accounts.domain))
    : undefined;
  const prefix = `${likeEscape(text)}%`;
  // Only local people are found by partial names, and only those who opted in to discovery or
  // whom the searcher already follows.
  const partial = and(
    isNull(accounts.domain),
    or(ilike(accounts.username, prefix), ilike(accounts.displayName, prefix), ilike(accounts.displayName, `% ${prefix}`)),
    or(eq(accounts.discoverable, true), inArray(accounts.id, followed), eq(accounts.id, me)),
  );
  const rows = await ctx.db
    .select({ a: accounts })
    .from(accounts)
    .leftJoin(users, eq(users.accountId, accounts.id))
    .where(
      and(
        or(exact, partial),
        isNull(accounts.suspendedAt),
        // A local account that is not approved (or is disabled) is not there yet for anyone.
        or(sql`${accounts.domain} is not null`, and(eq(users.approved, true), eq(users.disabled, false))),
        notInArray(accounts.id, blockedEitherWay(ctx, me)),
        o.following ? inArray(accounts.id, followed) : undefined,
      ),
    )
    .orderBy(exact ? sql`case when ${exact} then 0 else 1 end` : sql`1`, asc(sql`lower(${accounts.username})`), asc(accounts.id))
    .limit(o.limit)
    .offset(o.offset);
  return rows.map((r) => r.a);
}

export async function searchStatuses(
  ctx: Ctx,
  me: string,
  q: string,
  o: Window & { accountId?: string; maxId?: string; minId?: string },
): Promise<StatusRow[]> {
  const words = q.trim();
  if (!words) return [];
  const pattern = `%${likeEscape(words)}%`;
  const indexable = ctx.db.select({ id: accounts.id }).from(accounts).where(eq(accounts.indexable, true));
  const hidden = blockedEitherWay(ctx, me).union(ctx.db.select({ id: mutes.targetAccountId }).from(mutes).where(eq(mutes.accountId, me)));
  const notLimited = await notByLimited(ctx, statuses.accountId);
  const rows = await ctx.db
    .select()
    .from(statuses)
    .where(
      and(
        isNull(statuses.reblogOfId),
        or(
          eq(statuses.accountId, me),
          inArray(statuses.id, ctx.db.select({ id: favourites.statusId }).from(favourites).where(eq(favourites.accountId, me))),
          inArray(statuses.id, ctx.db.select({ id: bookmarks.statusId }).from(bookmarks).where(eq(bookmarks.accountId, me))),
          inArray(statuses.id, ctx.db.select({ id: mentions.statusId }).from(mentions).where(eq(mentions.accountId, me))),
          and(eq(statuses.audience, "public"), inArray(statuses.accountId, indexable), notLimited),
        ),
        or(
          // Local posts keep what was typed; remote ones only their HTML.
          sql`(case when ${statuses.text} <> '' then ${statuses.text} else ${statuses.content} end) ilike ${pattern}`,
          ilike(statuses.spoilerText, pattern),
        ),
        notInArray(statuses.accountId, hidden),
        o.accountId ? eq(statuses.accountId, o.accountId) : undefined,
        o.maxId ? lt(statuses.id, o.maxId) : undefined,
        o.minId ? gt(statuses.id, o.minId) : undefined,
      ),
    )
    .orderBy(desc(statuses.id))
    .limit(o.limit)
    .offset(o.offset);
  return rows;
}

/** Hashtags by prefix; a tag is only listed once a public post (or one of the searcher's own) uses it. */
export async function searchTags(ctx: Ctx, me: string, q: string, o: Window): Promise<TagRow[]> {
  const name = q.trim().replace(/^#/, "");
  if (!name || !/^[\p{L}\p{N}_]+$/u.test(name)) return [];
  const used = exists(
    ctx.db
      .select({ one: sql`1` })
      .from(statusTags)
      .innerJoin(statuses, eq(statuses.id, statusTags.statusId))
      .where(and(eq(statusTags.tagId, tags.id), or(eq(statuses.audience, "public"), eq(statuses.accountId, me)))),
  );
  return ctx.db
    .select()
    .from(tags)
    .where(and(ilike(tags.name, `${likeEscape(name)}%`), used))
    .orderBy(asc(sql`length(${tags.name})`), asc(sql`lower(${tags.name})`))
    .limit(o.limit)
    .offset(o.offset);
}
