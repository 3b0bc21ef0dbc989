// Fixed-window request counters in the database, so that every web process counts into the
// same numbers. One statement per request increments all the counters it matches and returns
// them; windows are aligned to the epoch (as rack-attack's are), so the reset time is the same
// in every process.
import { and, desc, eq, gte, lt, sql } from "drizzle-orm";
import { rateLimitCounters } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import type { RateLimitRule } from "./rate-limit-rules.ts";

export type CountedRequest = { rule: RateLimitRule; subject: string };

export type Decision = {
  rule: RateLimitRule;
  subject: string;
  limit: number;
  count: number;
  remaining: number;
  resetAt: Date;
  allowed: boolean;
};

export const effectiveLimit = (ctx: Ctx, rule: RateLimitRule) => Math.max(1, Math.round(rule.limit * ctx.config.rateLimitMultiplier));

function windowOf(rule: RateLimitRule, now: number) {
  const periodMs = rule.periodSeconds * 1000;
  const start = Math.floor(now / periodMs) * periodMs;
  return { start: new Date(start), end: new Date(start + periodMs) };
}

/** Counts one request against each (rule, subject) and says, for each, whether it is allowed. */
export async function countRequest(ctx: Ctx, counted: CountedRequest[], now: number): Promise<Decision[]> {
  if (!counted.length) return [];
  const rows = counted.map(({ rule, subject }) => {
    const w = windowOf(rule, now);
    return { rule: rule.name, subject, windowStart: w.start, windowEnd: w.end, count: 1 };
  });
  const result = await ctx.db
    .insert(rateLimitCounters)
    .values(rows)
    .onConflictDoUpdate({
      target: [rateLimitCounters.rule, rateLimitCounters.subject, rateLimitCounters.windowStart],
      set: { count: sql`${rateLimitCounters.count} + 1` },
    })
    .returning({ rule: rateLimitCounters.rule, subject: rateLimitCounters.subject, count: rateLimitCounters.count });
  const counts = new Map(result.map((r) => [`${r.rule}\n${r.subject}`, r.count]));
  return counted.map(({ rule, subject }) => {
    const limit = effectiveLimit(ctx, rule);
    const count = counts.get(`${rule.name}\n${subject}`) ?? 1;
    return { rule, subject, limit, count, remaining: Math.max(0, limit - count), resetAt: windowOf(rule, now).end, allowed: count <= limit };
  });
}

/** Deletes counters whose window has ended (they hold client addresses: keep them no longer). */
export async function purgeRateLimitCounters(ctx: Ctx, now: number = Date.now()): Promise<number> {
  const gone = await ctx.db.delete(rateLimitCounters).where(lt(rateLimitCounters.windowEnd, new Date(now))).returning({ rule: rateLimitCounters.rule });
  return gone.length;
}

export type CounterView = { rule: string; subject: string; count: number; limit: number | null; windowStart: Date; windowEnd: Date };

/**
 * The counters of windows still open, busiest first: what the limiter sees of each client.
 * Admins read it (CLI `ip counters`); scraping detection can build on it.
 */
export async function currentCounters(ctx: Ctx, rules: readonly RateLimitRule[], opts: { now?: number; top?: number; rule?: string } = {}): Promise<CounterView[]> {
  const now = new Date(opts.now ?? Date.now());
  const rows = await ctx.db
    .select()
    .from(rateLimitCounters)
    .where(and(gte(rateLimitCounters.windowEnd, now), opts.rule ? eq(rateLimitCounters.rule, opts.rule) : undefined))
    .orderBy(desc(rateLimitCounters.count))
    .limit(opts.top ?? 50);
  const byName = new Map(rules.map((r) => [r.name, r]));
  return rows.map((r) => {
    const rule = byName.get(r.rule);
    return { rule: r.rule, subject: r.subject, count: r.count, limit: rule ? effectiveLimit(ctx, rule) : null, windowStart: r.windowStart, windowEnd: r.windowEnd };
  });
}
