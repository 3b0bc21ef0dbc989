// How rules show on the read paths: which servers we limit (silence) right now, for public
// timelines, hashtags, search and notifications, and whose media we reject (reject_media), for
// the serializers. Each asks standing.ts about the servers concerned; nothing here decides a
// standing of its own.
import { and, eq, inArray, isNotNull, isNull, ne, notInArray, or, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { accounts, blocklistEntries, blocklistSubscriptions, circleRules, circles, domainBlocks, follows } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { serverPolicy } from "./standing.ts";
import { onDomain } from "./suspend.ts";

/**
 * Stored account domains (as in accounts.domain) that we limit (silence) now: the public
 * timelines, hashtags and search leave their posts out. Candidates come from the rules and the
 * subscribed lists; standing.ts has the last word on each. Cached with the standings.
 */
export async function limitedDomains(ctx: Ctx): Promise<string[]> {
  // "*" cannot be part of a host name, so this key never clashes with a server's standing
  const key = "standing:*limited-domains";
  const hit = ctx.cache.get(key);
  if (hit && hit.until > Date.now()) return hit.value as string[];
  const manual = await ctx.db.select({ domain: domainBlocks.domain }).from(domainBlocks).where(eq(domainBlocks.severity, "silence"));
  // a listed suspension may be capped to silence by its subscription
  const listed = await ctx.db
    .select({ domain: blocklistEntries.domain })
    .from(blocklistEntries)
    .innerJoin(blocklistSubscriptions, eq(blocklistSubscriptions.id, blocklistEntries.subscriptionId))
    .where(and(eq(blocklistEntries.state, "active"), eq(blocklistSubscriptions.enabled, true), isNotNull(blocklistEntries.domain), ne(blocklistEntries.severity, "noop")));
  // the shared rules of circles we maintain apply here too (standing.ts)
  const shared = await ctx.db
    .select({ domain: circleRules.domain })
    .from(circleRules)
    .innerJoin(circles, eq(circles.id, circleRules.circleId))
    .where(and(isNull(circles.sourceUrl), ne(circleRules.severity, "noop")));
  const rows = [...manual, ...listed, ...shared].filter((r): r is { domain: string } => !!r.domain);
  const out = new Set<string>();
  for (const { domain } of rows) {
    const stored = await ctx.db.selectDistinct({ d: accounts.domain }).from(accounts).where(onDomain(domain));
    for (const s of stored) if (s.d && (await serverPolicy(ctx, s.d)).standing === "limited") out.add(s.d);
  }
  const value = [...out];
  ctx.cache.set(key, { value, until: Date.now() + 5000 });
  return value;
}

/**
 * Accounts on servers we limit, as a subquery; null when we limit none. (Wrapped: an async
 * function that returned the query itself would run it, since queries are thenables.)
 */
async function limitedAccounts(ctx: Ctx) {
  const limited = await limitedDomains(ctx);
  return limited.length ? { q: ctx.db.select({ id: accounts.id }).from(accounts).where(inArray(accounts.domain, limited)) } : null;
}

/** For public timelines, hashtags and search: leaves out what accounts on limited servers wrote. */
export async function notByLimited(ctx: Ctx, accountColumn: AnyPgColumn): Promise<SQL | undefined> {
  const sub = await limitedAccounts(ctx);
  return sub ? notInArray(accountColumn, sub.q) : undefined;
}

/** For notifications (Mastodon's behaviour): from limited servers only what people `me` follows caused. */
export async function notByLimitedStrangers(ctx: Ctx, me: string, accountColumn: AnyPgColumn): Promise<SQL | undefined> {
  const sub = await limitedAccounts(ctx);
  if (!sub) return undefined;
  const followed = ctx.db.select({ id: follows.targetAccountId }).from(follows).where(eq(follows.accountId, me));
  return or(notInArray(accountColumn, sub.q), inArray(accountColumn, followed));
}

/** Which of these stored account domains we reject media from (reject_media): we neither fetch nor show it. */
export async function mediaRejected(ctx: Ctx, domains: readonly (string | null)[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const d of new Set(domains)) if (d && (await serverPolicy(ctx, d)).rejectMedia) out.add(d);
  return out;
}
