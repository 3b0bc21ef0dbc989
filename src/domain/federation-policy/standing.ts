// How we stand with a remote server, computed in one place from every policy source: the
// admin's domain rules, subscribed blocklists, the federation mode (allow-list, approval
// first), circles, and transitive defederation. Every path that talks to another server (the
// inbox, signed fetches, the outbox, resolving) asks here, through serverStanding or
// serverPolicy.
import { and, eq, inArray, isNull } from "drizzle-orm";
import {
  blocklistEntries,
  blocklistSubscriptions,
  circleMembers,
  circleRules,
  circles,
  domainAllows,
  domainBlocks,
  serverReviews,
  serverScans,
  transitiveOverrides,
  type DomainBlockSeverity,
} from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import type { ServerStanding } from "../audience/viewer.ts";
import { getSetting } from "../instance/settings.ts";
import { sha256Hex } from "./digest.ts";

/** `a.b.example.com` -> ["a.b.example.com", "b.example.com", "example.com"] (ports dropped). */
export function domainAndParents(host: string): string[] {
  const name = normalizeDomain(host);
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name) || name.includes(":") || name.startsWith("[")) return [name];
  const parts = name.split(".");
  const out: string[] = [];
  for (let i = 0; i < parts.length - 1 || (i === 0 && parts.length === 1); i++) out.push(parts.slice(i).join("."));
  return out;
}

/** Lower case, no port, no trailing dot. */
export function normalizeDomain(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith("[")) return h.replace(/\]:\d+$/, "]");
  return h.replace(/:\d+$/, "").replace(/\.$/, "");
}

/** The rule that applies to a server after every source was weighed. */
export type ServerPolicy = {
  standing: ServerStanding;
  rejectMedia: boolean;
  rejectReports: boolean;
  /** Pleroma's followers_only: their incoming posts are stored as followers-only here */
  followersOnly: boolean;
  /** readable reasons, narrowest first, for admins and for people approving a follower */
  reasons: string[];
};

const NARROWING: readonly ServerStanding[] = ["allowed", "limited", "restricted", "pending", "blocked"];

/** The narrower of two standings. */
export function narrowerStanding(a: ServerStanding, b: ServerStanding): ServerStanding {
  return NARROWING.indexOf(a) >= NARROWING.indexOf(b) ? a : b;
}

const SEVERITY_RANK: Record<DomainBlockSeverity, number> = { noop: 0, silence: 1, suspend: 2 };

/** The milder of two severities (a subscription's cap applied to one of its entries). */
export function cappedSeverity(s: DomainBlockSeverity, cap: DomainBlockSeverity): DomainBlockSeverity {
  return SEVERITY_RANK[s] <= SEVERITY_RANK[cap] ? s : cap;
}

function fromSeverity(s: DomainBlockSeverity): ServerStanding {
  return s === "suspend" ? "blocked" : s === "silence" ? "limited" : "allowed";
}

type Rule = { severity: DomainBlockSeverity; rejectMedia: boolean; rejectReports: boolean; followersOnly: boolean; source: string };

/**
 * The domain rule in force for a host: the admin's own rule for the most specific domain wins;
 * then the rules of circles we maintain; otherwise the active subscription entry from the list
 * with the best priority, capped.
 */
export async function effectiveRule(ctx: Ctx, host: string): Promise<Rule | null> {
  const names = domainAndParents(host);
  const manual = await ctx.db.select().from(domainBlocks).where(inArray(domainBlocks.domain, names));
  if (manual.length) {
    const r = manual.sort((a, b) => b.domain.length - a.domain.length)[0]!;
    return { severity: r.severity, rejectMedia: r.rejectMedia, rejectReports: r.rejectReports, followersOnly: r.followersOnly, source: `domain rule for ${r.domain}` };
  }
  // The shared rules of circles we maintain bind us as they bind the members who subscribe.
  const shared = await ctx.db
    .select({ r: circleRules, circle: circles.name })
    .from(circleRules)
    .innerJoin(circles, eq(circles.id, circleRules.circleId))
    .where(and(inArray(circleRules.domain, names), isNull(circles.sourceUrl)));
  if (shared.length) {
    const best = shared.sort((a, b) => SEVERITY_RANK[b.r.severity] - SEVERITY_RANK[a.r.severity])[0]!;
    return { severity: best.r.severity, rejectMedia: best.r.rejectMedia, rejectReports: best.r.rejectReports, followersOnly: false, source: `circle "${best.circle}"` };
  }
  const digests = names.map(sha256Hex);
  const listed = await ctx.db
    .select({ e: blocklistEntries, priority: blocklistSubscriptions.priority, cap: blocklistSubscriptions.severityCap, name: blocklistSubscriptions.name, excluded: blocklistSubscriptions.excludedDomains })
    .from(blocklistEntries)
    .innerJoin(blocklistSubscriptions, eq(blocklistSubscriptions.id, blocklistEntries.subscriptionId))
    .where(and(inArray(blocklistEntries.digest, digests), eq(blocklistEntries.state, "active"), eq(blocklistSubscriptions.enabled, true)));
  const usable = listed.filter((r) => !r.excluded.some((x) => names.includes(normalizeDomain(x))));
  if (!usable.length) return null;
  const best = usable.sort((a, b) => a.priority - b.priority || SEVERITY_RANK[b.e.severity] - SEVERITY_RANK[a.e.severity])[0]!;
  return {
    severity: cappedSeverity(best.e.severity, best.cap),
    rejectMedia: best.e.rejectMedia,
    rejectReports: best.e.rejectReports,
    followersOnly: false,
    source: `blocklist "${best.name}"`,
  };
}

/**
 * Whether a server (or a parent domain) is in domain_allows or in one of our circles: what lets
 * it through in allow-list and approval-first modes. Exported for the mode switch's plan.
 */
export async function allowListed(ctx: Ctx, host: string): Promise<boolean> {
  const names = domainAndParents(host);
  const [allowed] = await ctx.db.select({ d: domainAllows.domain }).from(domainAllows).where(inArray(domainAllows.domain, names)).limit(1);
  const [inCircle] = allowed ? [] : await ctx.db.select({ d: circleMembers.domain }).from(circleMembers).where(inArray(circleMembers.domain, names)).limit(1);
  return !!(allowed || inCircle);
}

const TTL_MS = 5000;

export async function serverPolicy(ctx: Ctx, host: string): Promise<ServerPolicy> {
  const key = `standing:${normalizeDomain(host)}`;
  const hit = ctx.cache.get(key);
  if (hit && hit.until > Date.now()) return hit.value as ServerPolicy;
  const value = await computePolicy(ctx, host);
  ctx.cache.set(key, { value, until: Date.now() + TTL_MS });
  return value;
}

export async function serverStanding(ctx: Ctx, host: string): Promise<ServerStanding> {
  return (await serverPolicy(ctx, host)).standing;
}

async function computePolicy(ctx: Ctx, host: string): Promise<ServerPolicy> {
  const names = domainAndParents(host);
  const domain = names[0]!;
  let standing: ServerStanding = "allowed";
  const reasons: string[] = [];
  const narrow = (to: ServerStanding, why: string) => {
    if (to === "allowed") return;
    standing = narrowerStanding(standing, to);
    reasons.push(why);
  };

  const rule = await effectiveRule(ctx, host);
  if (rule) {
    narrow(fromSeverity(rule.severity), `${rule.source}: ${rule.severity}`);
    if (rule.followersOnly) narrow("restricted", `${rule.source}: followers only`);
  }

  const mode = await getSetting(ctx, "federationMode");
  if (mode !== "blocklist") {
    if (!(await allowListed(ctx, host))) {
      if (mode === "allowlist") narrow("blocked", "not on the allow-list");
      else {
        const [review] = await ctx.db.select({ state: serverReviews.state }).from(serverReviews).where(eq(serverReviews.domain, domain));
        narrow(review?.state === "rejected" ? "blocked" : "pending", review?.state === "rejected" ? "rejected by an admin" : "awaiting approval");
      }
    }
  }

  const [scan] = await ctx.db.select({ verdict: serverScans.verdict, evidence: serverScans.evidence }).from(serverScans).where(eq(serverScans.domain, domain));
  if (scan?.verdict === "federates") {
    const [override] = await ctx.db.select({ action: transitiveOverrides.action }).from(transitiveOverrides).where(eq(transitiveOverrides.domain, domain));
    const action = override?.action ?? (await getSetting(ctx, "transitivePolicy"));
    const found = [...new Set(scan.evidence.flatMap((e) => e.found))].slice(0, 5).join(", ");
    const why = `federates with a server we suspend (${found})`;
    if (action === "restrict") narrow("restricted", why);
    else if (action === "block") narrow("blocked", why);
  }

  return { standing, rejectMedia: rule?.rejectMedia ?? false, rejectReports: rule?.rejectReports ?? false, followersOnly: rule?.followersOnly ?? false, reasons };
}

/** Drops one server's cached standing (a decision made in another process may be newer). */
export function forgetStanding(ctx: Ctx, host: string): void {
  ctx.cache.delete(`standing:${normalizeDomain(host)}`);
}

/** Call after any policy change so that the next request sees it (the cache is per process). */
export function forgetStandings(ctx: Ctx): void {
  for (const k of ctx.cache.keys()) if (k.startsWith("standing:")) ctx.cache.delete(k);
}
