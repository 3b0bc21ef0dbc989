// Applying a parsed list to a subscription: first a plan (what would be added, changed,
// retracted), then the same plan written in one transaction. New entries are active, or
// drafts when the subscription reviews new entries; entries seen again are updated and their
// last_seen_at bumped; entries gone from the list are deleted (retracted), except dismissed
// ones, which stay dismissed in case the list brings them back. A list that failed to fetch or
// parse changes no entry: only the subscription's last_status and last_report record it.
import { and, eq, inArray, ne } from "drizzle-orm";
import { blocklistEntries, blocklistSubscriptions, circleMembers, circles, domainBlocks, type DomainBlockSeverity } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { newId } from "../../lib/id.ts";
import { sha256Hex } from "./digest.ts";
import type { ListEntry, ParseReport } from "./lists/index.ts";
import { cappedSeverity, domainAndParents, effectiveRule, forgetStandings } from "./standing.ts";
import { listRulesChanged } from "./list-suspensions.ts";
import { isExcluded, type Subscription } from "./subscriptions.ts";

type SubView = Pick<Subscription, "id" | "severityCap" | "excludedDomains" | "reviewNewEntries" | "circleId">;

export type PlannedEntry = { domain: string | null; digest: string; severity: DomainBlockSeverity; state: "active" | "draft" | "dismissed" };
export type SyncPlan = {
  add: PlannedEntry[];
  /** entries whose severity, flags or comment change */
  change: (PlannedEntry & { from: DomainBlockSeverity })[];
  /** entries no longer in the list, deleted */
  retract: PlannedEntry[];
  unchanged: number;
  /** listed entries this subscription's exclusions keep out of force */
  excluded: string[];
  /** domains the list would suspend that were not suspended by it before (after the cap) */
  newlySuspended: string[];
  /** for a circle's subscription: members joining and leaving the mirror */
  members: { add: string[]; remove: string[] } | null;
};

const CHUNK = 1000;
const chunks = <T>(xs: T[]): T[][] => Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK));
const label = (e: { domain: string | null; digest: string }) => e.domain ?? `sha256:${e.digest}`;

function excludedDigests(sub: SubView): Set<string> {
  return new Set(sub.excludedDomains.map(sha256Hex));
}

function entryExcluded(sub: SubView, e: { domain: string | null; digest: string }): boolean {
  return e.domain ? isExcluded(e.domain, new Set(sub.excludedDomains)) : excludedDigests(sub).has(e.digest);
}

/** Why this report cannot be applied to this subscription, or null. */
export function mismatch(sub: SubView, report: ParseReport): string | null {
  if (report.error) return report.error;
  if (sub.circleId && !report.circle) return "this subscription mirrors a circle, but the document is not a circle document (CaracolCircle or an Akkoma NodeInfo)";
  return null;
}

export async function planSync(ctx: Ctx, sub: SubView, report: ParseReport): Promise<SyncPlan> {
  const existing = sub.id ? await ctx.db.select().from(blocklistEntries).where(eq(blocklistEntries.subscriptionId, sub.id)) : [];
  const byDigest = new Map(existing.map((e) => [e.digest, e]));
  const seen = new Set<string>();
  const plan: SyncPlan = { add: [], change: [], retract: [], unchanged: 0, excluded: [], newlySuspended: [], members: null };
  for (const e of report.entries) {
    seen.add(e.digest);
    const old = byDigest.get(e.digest);
    const excluded = entryExcluded(sub, e);
    if (excluded) plan.excluded.push(label(e));
    const state = old ? old.state : sub.reviewNewEntries ? "draft" : "active";
    const planned = { domain: e.domain ?? old?.domain ?? null, digest: e.digest, severity: e.severity, state };
    if (!old) plan.add.push(planned);
    else if (old.severity !== e.severity || old.rejectMedia !== e.rejectMedia || old.rejectReports !== e.rejectReports || old.publicComment !== e.publicComment) {
      plan.change.push({ ...planned, from: old.severity });
    } else plan.unchanged++;
    const wasSuspending = old?.state === "active" && cappedSeverity(old.severity, sub.severityCap) === "suspend";
    if (state === "active" && planned.domain && !excluded && !wasSuspending && cappedSeverity(e.severity, sub.severityCap) === "suspend") {
      plan.newlySuspended.push(planned.domain);
    }
  }
  for (const old of existing) {
    if (!seen.has(old.digest) && old.state !== "dismissed") plan.retract.push({ domain: old.domain, digest: old.digest, severity: old.severity, state: old.state });
  }
  if (sub.circleId && report.circle) {
    const current = new Set((await ctx.db.select({ d: circleMembers.domain }).from(circleMembers).where(eq(circleMembers.circleId, sub.circleId))).map((r) => r.d));
    const next = new Set(report.circle.members);
    plan.members = { add: [...next].filter((d) => !current.has(d)), remove: [...current].filter((d) => !next.has(d)) };
  }
  return plan;
}

/** Readable lines for an admin: what a sync would do. */
export function planLines(plan: SyncPlan, limit = 50): string[] {
  const some = (xs: string[]) => (xs.length > limit ? [...xs.slice(0, limit), `... and ${xs.length - limit} more`] : xs);
  const lines: string[] = [];
  const adds = plan.add.map((e) => `add ${label(e)}: ${e.severity}${e.state === "draft" ? " (as a draft, waiting for review)" : ""}`);
  lines.push(...some(adds));
  lines.push(...some(plan.change.map((e) => `change ${label(e)}: ${e.from} -> ${e.severity}${e.from === e.severity ? " (flags or comment)" : ""}`)));
  lines.push(...some(plan.retract.map((e) => `retract ${label(e)} (${e.severity}${e.state === "draft" ? ", a draft" : ""}): gone from the list`)));
  if (plan.members) {
    lines.push(...some(plan.members.add.map((d) => `add ${d} to the circle's members`)));
    lines.push(...some(plan.members.remove.map((d) => `remove ${d} from the circle's members`)));
  }
  if (plan.excluded.length) lines.push(`keep out (excluded here): ${some(plan.excluded).join(", ")}`);
  if (plan.newlySuspended.length) lines.push(`newly suspend ${plan.newlySuspended.length} domain(s): ${some(plan.newlySuspended).join(", ")}`);
  return lines;
}

export function reportJson(report: ParseReport, plan: SyncPlan | null, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    at: new Date().toISOString(),
    format: report.format,
    error: report.error,
    entries: report.entries.length,
    members: report.circle?.members.length ?? null,
    rejected: report.rejected.slice(0, 100),
    rejectedCount: report.rejected.length,
    warnings: report.warnings.slice(0, 100),
    ...(plan
      ? { added: plan.add.length, changed: plan.change.length, retracted: plan.retract.length, excluded: plan.excluded.slice(0, 100), newlySuspended: plan.newlySuspended.slice(0, 500) }
      : {}),
    ...extra,
  };
}

/**
 * Writes the plan for `report` in one transaction, then forgets cached standings. Returns the
 * plan, with newlySuspended checked against standing.ts's effective rule (another list with a
 * better priority, or an admin rule, may decide otherwise).
 */
export async function applySync(ctx: Ctx, sub: Subscription, report: ParseReport, etag: string | null): Promise<SyncPlan> {
  const problem = mismatch(sub, report);
  if (problem) throw new Error(problem);
  const plan = await planSync(ctx, sub, report);
  const now = new Date();
  const byDigest = new Map<string, ListEntry>(report.entries.map((e) => [e.digest, e]));
  await ctx.db.transaction(async (tx) => {
    for (const part of chunks(plan.add)) {
      await tx.insert(blocklistEntries).values(
        part.map((p) => {
          const e = byDigest.get(p.digest)!;
          return { id: newId(), subscriptionId: sub.id, domain: e.domain, digest: e.digest, severity: e.severity, rejectMedia: e.rejectMedia, rejectReports: e.rejectReports, publicComment: e.publicComment, state: p.state, lastSeenAt: now };
        }),
      ).onConflictDoNothing(); // a sync running at the same moment elsewhere got there first
    }
    for (const p of plan.change) {
      const e = byDigest.get(p.digest)!;
      await tx
        .update(blocklistEntries)
        .set({ severity: e.severity, rejectMedia: e.rejectMedia, rejectReports: e.rejectReports, publicComment: e.publicComment, ...(e.domain ? { domain: e.domain } : {}) })
        .where(and(eq(blocklistEntries.subscriptionId, sub.id), eq(blocklistEntries.digest, p.digest)));
    }
    for (const part of chunks([...byDigest.keys()])) {
      await tx.update(blocklistEntries).set({ lastSeenAt: now }).where(and(eq(blocklistEntries.subscriptionId, sub.id), inArray(blocklistEntries.digest, part)));
    }
    for (const part of chunks(plan.retract.map((r) => r.digest))) {
      await tx.delete(blocklistEntries).where(and(eq(blocklistEntries.subscriptionId, sub.id), inArray(blocklistEntries.digest, part)));
    }
    if (sub.circleId && report.circle) {
      await tx.delete(circleMembers).where(eq(circleMembers.circleId, sub.circleId));
      for (const part of chunks(report.circle.members)) await tx.insert(circleMembers).values(part.map((domain) => ({ circleId: sub.circleId!, domain })));
      await tx.update(circles).set({ description: report.circle.description }).where(eq(circles.id, sub.circleId));
    }
    await tx
      .update(blocklistSubscriptions)
      .set({ etag, lastFetchedAt: now, lastStatus: "ok", lastReport: reportJson(report, plan) })
      .where(eq(blocklistSubscriptions.id, sub.id));
  });
  await listRulesChanged(ctx);
  plan.newlySuspended = await confirmSuspended(ctx, sub, plan.newlySuspended);
  return plan;
}

/**
 * Which of `domains` this list now really suspends. Only a domain that another source also
 * rules (an admin rule, or another list's entry for it or a parent) needs standing.ts's
 * verdict; asking it for every entry of a 20,000-row list would take a while.
 */
async function confirmSuspended(ctx: Ctx, sub: Subscription, domains: string[]): Promise<string[]> {
  const contested = new Set<string>();
  const byName = new Map<string, string[]>();
  for (const d of domains) for (const n of domainAndParents(d)) byName.set(n, [...(byName.get(n) ?? []), d]);
  const names = [...byName.keys()];
  for (const part of chunks(names)) {
    for (const r of await ctx.db.select({ d: domainBlocks.domain }).from(domainBlocks).where(inArray(domainBlocks.domain, part))) {
      for (const d of byName.get(r.d) ?? []) contested.add(d);
    }
    const digests = new Map(part.map((n) => [sha256Hex(n), n]));
    const others = await ctx.db
      .select({ digest: blocklistEntries.digest })
      .from(blocklistEntries)
      .where(and(inArray(blocklistEntries.digest, [...digests.keys()]), ne(blocklistEntries.subscriptionId, sub.id), eq(blocklistEntries.state, "active")));
    for (const o of others) for (const d of byName.get(digests.get(o.digest)!) ?? []) contested.add(d);
  }
  const out: string[] = [];
  for (const d of domains) if (!contested.has(d) || (await effectiveRule(ctx, d))?.severity === "suspend") out.push(d);
  return out;
}

/** A fetch or parse that failed: recorded, nothing else touched. */
export async function recordFailure(ctx: Ctx, sub: Subscription, error: string, report: ParseReport | null): Promise<void> {
  const lastReport = report ? reportJson(report, null, { error }) : { at: new Date().toISOString(), error };
  await ctx.db.update(blocklistSubscriptions).set({ lastFetchedAt: new Date(), lastStatus: `error: ${error}`.slice(0, 2000), lastReport }).where(eq(blocklistSubscriptions.id, sub.id));
}

export async function recordNotModified(ctx: Ctx, sub: Subscription): Promise<void> {
  await ctx.db.update(blocklistSubscriptions).set({ lastFetchedAt: new Date(), lastStatus: "ok" }).where(eq(blocklistSubscriptions.id, sub.id));
}
