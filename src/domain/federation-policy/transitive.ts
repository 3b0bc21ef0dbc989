// Transitive defederation, the part that needs no network: which servers we exchange data with,
// which of the domains a server federates with we suspend, the verdict that evidence supports,
// and re-judging stored evidence after our own rules changed. Fetching and reading other
// servers' documents is in src/federation/policy-scan/; what a verdict does to a server's
// standing is decided in standing.ts.
import { and, eq, inArray, isNotNull, isNull, or, sql } from "drizzle-orm";
import {
  accounts,
  blocklistEntries,
  blocklistSubscriptions,
  domainAllows,
  domainBlocks,
  followRequests,
  follows,
  serverScans,
  type ScanEvidence,
  type ScanVerdict,
} from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { sha256Hex } from "./digest.ts";
import { domainAndParents, effectiveRule, forgetStandings, normalizeDomain } from "./standing.ts";

/** Sources whose answer lists every server they federate with: only these can prove "clean". */
export const COMPLETE_SOURCES: ReadonlySet<string> = new Set(["peers", "misskey", "lemmy"]);

/** Starts the note of a listing we stopped reading early (too long): it cannot prove "clean". */
export const PARTIAL_NOTE = "partial:";

/**
 * federates: a source shows them federating with a domain we suspend; clean: a complete list
 * (peers, Misskey's or Lemmy's instance list) was read and showed none; unknown: anything else,
 * since a refused or failed read proves nothing.
 */
export function verdictFrom(evidence: readonly ScanEvidence[]): ScanVerdict {
  if (evidence.some((e) => e.found.length > 0)) return "federates";
  if (evidence.some((e) => COMPLETE_SOURCES.has(e.source) && e.status === 200 && !e.note?.startsWith(PARTIAL_NOTE))) return "clean";
  return "unknown";
}

const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * Which of `domains` we suspend (our own rule or a subscribed list, after every override). A
 * peers list can hold tens of thousands of names, so one batched query first finds the few
 * names any rule mentions, and only those are weighed one by one.
 */
export async function suspendedAmong(ctx: Ctx, domains: readonly string[]): Promise<string[]> {
  const wanted = [...new Set(domains.map(normalizeDomain).filter((d) => d.length > 0 && d.length < 254))];
  const names = new Map<string, string[]>(wanted.map((d) => [d, domainAndParents(d)]));
  const allNames = [...new Set([...names.values()].flat())];
  const ruled = new Set<string>();
  for (const part of chunks(allNames)) {
    for (const r of await ctx.db.select({ d: domainBlocks.domain }).from(domainBlocks).where(inArray(domainBlocks.domain, part))) ruled.add(r.d);
    const byDigest = new Map(part.map((n) => [sha256Hex(n), n]));
    const listed = await ctx.db
      .select({ digest: blocklistEntries.digest })
      .from(blocklistEntries)
      .innerJoin(blocklistSubscriptions, eq(blocklistSubscriptions.id, blocklistEntries.subscriptionId))
      .where(and(inArray(blocklistEntries.digest, [...byDigest.keys()]), eq(blocklistEntries.state, "active"), eq(blocklistSubscriptions.enabled, true)));
    for (const r of listed) ruled.add(byDigest.get(r.digest)!);
  }
  const out: string[] = [];
  for (const [domain, chain] of names) {
    if (!chain.some((n) => ruled.has(n))) continue;
    if ((await effectiveRule(ctx, domain))?.severity === "suspend") out.push(domain);
  }
  return out.sort();
}

/** A server we exchange data with, and where to reach it (the origin of an actor we know there). */
export type Partner = { domain: string; origin: string };

/**
 * Every server we exchange data with: the servers of remote accounts that follow, are followed
 * by, or asked to follow (or were asked by) a local account, and the servers in domain_allows.
 */
export async function exchangePartners(ctx: Ctx): Promise<Partner[]> {
  const local = sql`(select id from ${accounts} where ${accounts.domain} is null)`;
  const remoteIds = (t: typeof follows | typeof followRequests) => [
    ctx.db.select({ id: t.accountId }).from(t).where(sql`${t.targetAccountId} in ${local}`),
    ctx.db.select({ id: t.targetAccountId }).from(t).where(sql`${t.accountId} in ${local}`),
  ];
  const idSets = await Promise.all([...remoteIds(follows), ...remoteIds(followRequests)]);
  const ids = [...new Set(idSets.flat().map((r) => r.id))];
  const out = new Map<string, Partner>();
  for (const part of chunks(ids)) {
    const rows = await ctx.db
      .select({ domain: accounts.domain, uri: accounts.uri })
      .from(accounts)
      .where(and(inArray(accounts.id, part), isNotNull(accounts.domain), isNull(accounts.suspendedAt)));
    for (const r of rows) {
      const domain = normalizeDomain(r.domain!);
      if (out.has(domain)) continue;
      try {
        out.set(domain, { domain, origin: new URL(r.uri).origin });
      } catch {
        // an account with an unusable id: nothing to scan there
      }
    }
  }
  for (const r of await ctx.db.select({ domain: domainAllows.domain }).from(domainAllows)) {
    const domain = normalizeDomain(r.domain);
    if (!out.has(domain)) out.set(domain, { domain, origin: await originOf(ctx, domain) });
  }
  return [...out.values()].sort((a, b) => a.domain.localeCompare(b.domain));
}

/** Where a server lives: the origin of an account we know there, else https on its name. */
export async function originOf(ctx: Ctx, domain: string): Promise<string> {
  const name = normalizeDomain(domain);
  const [row] = await ctx.db
    .select({ uri: accounts.uri })
    .from(accounts)
    .where(or(eq(accounts.domain, name), sql`lower(${accounts.domain}) like ${`${name}:%`}`))
    .limit(1);
  try {
    if (row) return new URL(row.uri).origin;
  } catch {
    // fall through to the name itself
  }
  return `https://${name}`;
}

/**
 * Judges stored evidence again after our rules changed, without fetching: domains no longer
 * suspended drop out of each source's findings. Domains suspended since the last scan can only
 * be found by scanning again (the full lists are not kept). Call after changing domain rules;
 * answers the servers whose verdict changed.
 */
export async function reevaluateVerdicts(ctx: Ctx): Promise<{ domain: string; from: ScanVerdict; to: ScanVerdict }[]> {
  const rows = await ctx.db.select().from(serverScans);
  const everFound = [...new Set(rows.flatMap((r) => r.evidence.flatMap((e) => e.found)))];
  const still = new Set(await suspendedAmong(ctx, everFound));
  const changed: { domain: string; from: ScanVerdict; to: ScanVerdict }[] = [];
  for (const row of rows) {
    const evidence = row.evidence.map((e) => ({ ...e, found: e.found.filter((d) => still.has(d)) }));
    const verdict = verdictFrom(evidence);
    const same = verdict === row.verdict && evidence.every((e, i) => e.found.length === row.evidence[i]!.found.length);
    if (same) continue;
    await ctx.db.update(serverScans).set({ verdict, evidence }).where(eq(serverScans.domain, row.domain));
    if (verdict !== row.verdict) changed.push({ domain: row.domain, from: row.verdict, to: verdict });
  }
  if (changed.length) forgetStandings(ctx);
  return changed;
}
