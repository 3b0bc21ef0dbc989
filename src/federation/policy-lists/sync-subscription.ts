// Fetch, parse, plan and (when asked) apply a subscribed list; the scheduled job that does it
// for every enabled subscription whose refresh_hours have passed.
import { and, eq } from "drizzle-orm";
import { blocklistSubscriptions } from "../../db/schema/index.ts";
import type { Ctx } from "../../domain/context.ts";
import type { ListFormat } from "../../db/schema/index.ts";
import { parseBlocklist, type ParseReport } from "../../domain/federation-policy/lists/index.ts";
import { getSubscription, type Subscription } from "../../domain/federation-policy/subscriptions.ts";
import { applySync, mismatch, planSync, recordFailure, recordNotModified, type SyncPlan } from "../../domain/federation-policy/sync.ts";
import type { ScheduledJob } from "../../server/jobs.ts";
import { appLogger } from "../../lib/logging.ts";
import { fetchListSource, ListFetchError } from "./fetch-list.ts";

export type SyncOutcome = "applied" | "planned" | "not-modified" | "failed";
export type SyncResult = { subscription: Subscription; outcome: SyncOutcome; report: ParseReport | null; plan: SyncPlan | null; error: string | null };

/**
 * Syncs one subscription. With apply=false it only plans (nothing is written, not even the
 * fetch time), so an admin can see what the list would do first.
 */
export async function syncSubscription(ctx: Ctx, id: string, opts: { apply: boolean }): Promise<SyncResult> {
  const sub = await getSubscription(ctx, id);
  const fail = async (error: string, report: ParseReport | null): Promise<SyncResult> => {
    if (opts.apply) await recordFailure(ctx, sub, error, report);
    return { subscription: await getSubscription(ctx, id), outcome: "failed", report, plan: null, error };
  };
  let fetched;
  try {
    fetched = await fetchListSource(ctx, sub.source, sub.etag);
  } catch (e) {
    if (!(e instanceof ListFetchError)) throw e;
    return fail(e.message, null);
  }
  if (fetched.notModified) {
    if (opts.apply) await recordNotModified(ctx, sub);
    return { subscription: await getSubscription(ctx, id), outcome: "not-modified", report: null, plan: null, error: null };
  }
  const report = parseBlocklist(fetched.bytes, sub.format);
  const problem = mismatch(sub, report);
  if (problem) return fail(problem, report);
  if (!opts.apply) return { subscription: sub, outcome: "planned", report, plan: await planSync(ctx, sub, report), error: null };
  const plan = await applySync(ctx, sub, report, fetched.etag);
  return { subscription: await getSubscription(ctx, id), outcome: "applied", report, plan, error: null };
}

/** What a list would do before subscribing to it: fetched and planned, nothing stored. */
export async function previewSource(
  ctx: Ctx,
  v: { source: string; format: ListFormat; severityCap: Subscription["severityCap"]; excludedDomains: string[]; reviewNewEntries: boolean; circle?: boolean },
): Promise<{ report: ParseReport | null; plan: SyncPlan | null; error: string | null }> {
  let fetched;
  try {
    fetched = await fetchListSource(ctx, v.source, null);
  } catch (e) {
    if (!(e instanceof ListFetchError)) throw e;
    return { report: null, plan: null, error: e.message };
  }
  if (fetched.notModified) throw new Error("unreachable: no etag was sent");
  const report = parseBlocklist(fetched.bytes, v.format);
  const view = { id: "", severityCap: v.severityCap, excludedDomains: v.excludedDomains, reviewNewEntries: v.reviewNewEntries, circleId: null };
  const problem = report.error ?? (v.circle && !report.circle ? "not a circle document (CaracolCircle or an Akkoma NodeInfo)" : null);
  if (problem) return { report, plan: null, error: problem };
  return { report, plan: await planSync(ctx, view, report), error: null };
}

/** Syncs (and applies) every enabled subscription that is due. */
export async function syncDueSubscriptions(ctx: Ctx, now = new Date()): Promise<SyncResult[]> {
  const subs = await ctx.db.select().from(blocklistSubscriptions).where(and(eq(blocklistSubscriptions.enabled, true)));
  const due = subs.filter((s) => !s.lastFetchedAt || now.getTime() - s.lastFetchedAt.getTime() >= s.refreshHours * 3600_000);
  const out: SyncResult[] = [];
  for (const s of due) {
    const r = await syncSubscription(ctx, s.id, { apply: true });
    if (r.error) appLogger.warn("Blocklist {name} ({source}) not synced: {error}", { name: s.name, source: s.source, error: r.error });
    else if (r.plan?.newlySuspended.length) {
      appLogger.info("Blocklist {name} newly suspends {domains}", { name: s.name, domains: r.plan.newlySuspended.join(", ") });
    }
    out.push(r);
  }
  return out;
}

export const blocklistSubscriptionsJob: ScheduledJob = {
  name: "blocklist-subscriptions",
  everyMs: 15 * 60_000,
  run: async (ctx) => {
    await syncDueSubscriptions(ctx);
  },
};
