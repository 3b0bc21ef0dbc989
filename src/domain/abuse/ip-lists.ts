// Subscribed IP lists (plain text or CSV), with the same rules as domain lists: a sync is a plan
// first (added, changed, retracted), then that plan applied in one transaction. New entries are
// active, or drafts when the subscription reviews new entries; entries seen again are updated;
// entries gone from the list are deleted (retracted), except dismissed ones, which stay
// dismissed in case the list brings them back. A list that cannot be fetched or read, or is
// longer than its cap, changes no entry: only last_status and last_report record it.
import path from "node:path";
import { and, asc, eq, inArray } from "drizzle-orm";
import { IP_BLOCK_SEVERITIES, ipBlocklistEntries, ipBlocklistSubscriptions, type IpBlockSeverity } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { newId } from "../../lib/id.ts";
import { forgetIpBlocks, isSeverity } from "./ip-blocks.ts";
import { parseIpList, type IpListParse } from "./ip-list-format.ts";

export type IpListSubscription = typeof ipBlocklistSubscriptions.$inferSelect;
export type IpListEntryRow = typeof ipBlocklistEntries.$inferSelect;

export class IpListError extends Error {}

/** Reads a list's text from its source; throws with a readable message when it cannot. */
export type IpListLoader = (source: string) => Promise<string>;

const strength = (s: IpBlockSeverity) => IP_BLOCK_SEVERITIES.indexOf(s);
const capped = (s: IpBlockSeverity, cap: IpBlockSeverity) => (strength(s) > strength(cap) ? cap : s);

export type IpListInput = { name: string; source: string; defaultSeverity?: string; severityCap?: string; reviewNewEntries?: boolean; maxEntries?: number };

export function checkSource(source: string, allowHttp: boolean): string {
  const s = source.trim();
  if (s.startsWith("/")) {
    if (path.normalize(s) !== s) throw new IpListError(`not a clean absolute file path: ${s}`);
    return s;
  }
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    throw new IpListError(`the source must be an https URL or an absolute file path, not ${JSON.stringify(s)}`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && allowHttp)) throw new IpListError(`the source must be an https URL (got ${url.protocol})`);
  if (url.username || url.password) throw new IpListError("URLs with credentials are not accepted");
  return url.href;
}

export async function subscribeIpList(ctx: Ctx, input: IpListInput): Promise<IpListSubscription> {
  const name = input.name.trim();
  if (!name || name.length > 200) throw new IpListError("a name of 1 to 200 characters is needed");
  for (const s of [input.defaultSeverity, input.severityCap]) if (s !== undefined && !isSeverity(s)) throw new IpListError(`severity must be one of ${IP_BLOCK_SEVERITIES.join(", ")}`);
  const max = input.maxEntries ?? 10_000;
  if (!Number.isInteger(max) || max < 1 || max > 1_000_000) throw new IpListError("the entry cap must be from 1 to 1000000");
  const [row] = await ctx.db
    .insert(ipBlocklistSubscriptions)
    .values({
      id: newId(),
      name,
      source: checkSource(input.source, ctx.config.allowPrivateAddress),
      defaultSeverity: (input.defaultSeverity as IpBlockSeverity | undefined) ?? "sign_up_block",
      severityCap: (input.severityCap as IpBlockSeverity | undefined) ?? "no_access",
      reviewNewEntries: input.reviewNewEntries ?? false,
      maxEntries: max,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new IpListError("that source is subscribed already");
  return row;
}

export async function ipListSubscriptions(ctx: Ctx): Promise<IpListSubscription[]> {
  return ctx.db.select().from(ipBlocklistSubscriptions).orderBy(asc(ipBlocklistSubscriptions.id));
}

export async function ipListSubscription(ctx: Ctx, id: string): Promise<IpListSubscription | null> {
  if (!/^\d{1,19}$/.test(id)) return null;
  const [row] = await ctx.db.select().from(ipBlocklistSubscriptions).where(eq(ipBlocklistSubscriptions.id, id));
  return row ?? null;
}

/** Unsubscribing retracts every entry of the list. */
export async function unsubscribeIpList(ctx: Ctx, id: string): Promise<boolean> {
  const gone = await ctx.db.delete(ipBlocklistSubscriptions).where(eq(ipBlocklistSubscriptions.id, id)).returning({ id: ipBlocklistSubscriptions.id });
  forgetIpBlocks(ctx);
  return gone.length > 0;
}

type Planned = { range: string; severity: IpBlockSeverity; comment: string; state: "active" | "draft" | "dismissed" };
export type IpListPlan = { add: Planned[]; change: (Planned & { from: IpBlockSeverity })[]; retract: Planned[]; unchanged: number; rejected: IpListParse["rejected"] };

/** Why a parsed list must not be applied, or null. */
function unusable(sub: IpListSubscription, parsed: IpListParse): string | null {
  if (parsed.rejected.some((r) => r.reason.startsWith("more than"))) return `the list has more than ${sub.maxEntries} entries (the cap of this subscription)`;
  // An error page or a different format reads as nothing but bad lines: not an empty list.
  if (!parsed.entries.length && parsed.rejected.length) return "no line of the document is an IP address or range";
  return null;
}

export async function planIpListSync(ctx: Ctx, sub: IpListSubscription, parsed: IpListParse): Promise<IpListPlan> {
  const existing = new Map((await ctx.db.select().from(ipBlocklistEntries).where(eq(ipBlocklistEntries.subscriptionId, sub.id))).map((e) => [e.range, e]));
  const plan: IpListPlan = { add: [], change: [], retract: [], unchanged: 0, rejected: parsed.rejected };
  const listed = new Set<string>();
  for (const e of parsed.entries) {
    listed.add(e.range);
    const severity = capped(e.severity ?? sub.defaultSeverity, sub.severityCap);
    const old = existing.get(e.range);
    if (!old) plan.add.push({ range: e.range, severity, comment: e.comment, state: sub.reviewNewEntries ? "draft" : "active" });
    else if (old.severity !== severity || old.comment !== e.comment) plan.change.push({ range: e.range, severity, comment: e.comment, state: old.state, from: old.severity });
    else plan.unchanged++;
  }
  for (const [range, old] of existing) {
    if (!listed.has(range) && old.state !== "dismissed") plan.retract.push({ range, severity: old.severity, comment: old.comment, state: old.state });
  }
  return plan;
}

export async function applyIpListSync(ctx: Ctx, sub: IpListSubscription, plan: IpListPlan, now = new Date()): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    if (plan.add.length) {
      await tx.insert(ipBlocklistEntries).values(plan.add.map((e) => ({ id: newId(), subscriptionId: sub.id, range: e.range, severity: e.severity, comment: e.comment, state: e.state, lastSeenAt: now })));
    }
    for (const e of plan.change) {
      await tx.update(ipBlocklistEntries).set({ severity: e.severity, comment: e.comment, lastSeenAt: now }).where(and(eq(ipBlocklistEntries.subscriptionId, sub.id), eq(ipBlocklistEntries.range, e.range)));
    }
    if (plan.retract.length) {
      await tx.delete(ipBlocklistEntries).where(and(eq(ipBlocklistEntries.subscriptionId, sub.id), inArray(ipBlocklistEntries.range, plan.retract.map((e) => e.range))));
    }
    const report = { added: plan.add.length, changed: plan.change.length, retracted: plan.retract.length, unchanged: plan.unchanged, rejected: plan.rejected.slice(0, 50) };
    await tx.update(ipBlocklistSubscriptions).set({ lastFetchedAt: now, lastStatus: "ok", lastReport: report }).where(eq(ipBlocklistSubscriptions.id, sub.id));
  });
  forgetIpBlocks(ctx);
}

export type SyncOutcome = { ok: true; plan: IpListPlan } | { ok: false; error: string };

/** Fetches and plans; applies only when `apply` is set. A failure is recorded and changes no entry. */
export async function syncIpList(ctx: Ctx, sub: IpListSubscription, load: IpListLoader, apply: boolean, now = new Date()): Promise<SyncOutcome> {
  let error: string | null;
  let parsed: IpListParse | null = null;
  try {
    parsed = parseIpList(await load(sub.source), sub.maxEntries);
    error = unusable(sub, parsed);
  } catch (e) {
    error = `could not read the list: ${(e as Error).message}`;
  }
  if (error || !parsed) {
    if (apply) await ctx.db.update(ipBlocklistSubscriptions).set({ lastFetchedAt: now, lastStatus: error }).where(eq(ipBlocklistSubscriptions.id, sub.id));
    return { ok: false, error: error ?? "unreadable" };
  }
  const plan = await planIpListSync(ctx, sub, parsed);
  if (apply) await applyIpListSync(ctx, sub, plan, now);
  return { ok: true, plan };
}

/** An admin's decision on a draft (or a change of mind about an entry). */
export async function reviewIpListEntry(ctx: Ctx, entryId: string, decision: "active" | "dismissed"): Promise<boolean> {
  if (!/^\d{1,19}$/.test(entryId)) return false;
  const done = await ctx.db.update(ipBlocklistEntries).set({ state: decision }).where(eq(ipBlocklistEntries.id, entryId)).returning({ id: ipBlocklistEntries.id });
  forgetIpBlocks(ctx);
  return done.length > 0;
}

export async function ipListEntries(ctx: Ctx, subscriptionId: string): Promise<IpListEntryRow[]> {
  return ctx.db.select().from(ipBlocklistEntries).where(eq(ipBlocklistEntries.subscriptionId, subscriptionId)).orderBy(asc(ipBlocklistEntries.range));
}

/** Subscriptions whose refresh is due. */
export async function dueIpLists(ctx: Ctx, now = Date.now()): Promise<IpListSubscription[]> {
  const subs = await ctx.db.select().from(ipBlocklistSubscriptions).where(eq(ipBlocklistSubscriptions.enabled, true));
  return subs.filter((s) => !s.lastFetchedAt || s.lastFetchedAt.getTime() + s.refreshHours * 3600_000 <= now);
}
