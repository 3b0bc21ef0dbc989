// Blocklist subscriptions: lists others maintain, at a URL or in a file, that we follow. Here:
// creating, changing and removing them, and the admin's review of drafts. Fetching and
// applying a list is in ./sync.ts (plan, apply) and src/federation/policy-lists/ (network).
// How an entry weighs against other sources (priority, cap, exclusions) is standing.ts's job.
import path from "node:path";
import { and, asc, count, eq, inArray, isNotNull } from "drizzle-orm";
import { z } from "zod";
import { blocklistEntries, blocklistSubscriptions, circleRules, circles, DOMAIN_BLOCK_SEVERITIES, LIST_FORMATS, statuses } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { newId } from "../../lib/id.ts";
import { sha256Hex } from "./digest.ts";
import { listDomain } from "./lists/index.ts";
import { cappedSeverity, forgetStandings } from "./standing.ts";
import { listRulesChanged } from "./list-suspensions.ts";

export type Subscription = typeof blocklistSubscriptions.$inferSelect;
export type ListEntryRow = typeof blocklistEntries.$inferSelect;

export class SubscriptionError extends Error {
  readonly code: "invalid" | "not_found" | "conflict";
  constructor(code: SubscriptionError["code"], message: string) {
    super(message);
    this.code = code;
  }
}

/** An https URL, or an absolute file path; http only where private addresses are allowed (tests). */
export function checkSource(ctx: Ctx, raw: string): string {
  const s = String(raw ?? "").trim();
  if (s.startsWith("/")) {
    if (!path.isAbsolute(s) || path.normalize(s) !== s) throw new SubscriptionError("invalid", `not a clean absolute file path: ${s}`);
    return s;
  }
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    throw new SubscriptionError("invalid", `the source must be an https URL or an absolute file path, not ${JSON.stringify(s)}`);
  }
  const httpOk = url.protocol === "http:" && ctx.config.allowPrivateAddress;
  if (url.protocol !== "https:" && !httpOk) throw new SubscriptionError("invalid", `the source must be an https URL (got ${url.protocol})`);
  if (url.username || url.password) throw new SubscriptionError("invalid", "URLs with credentials are not accepted");
  url.hash = "";
  return url.href;
}

function checkExcluded(list: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of list) {
    if (!raw.trim()) continue;
    const d = listDomain(raw);
    if ("reason" in d) throw new SubscriptionError("invalid", `excluded domain ${JSON.stringify(raw)}: ${d.reason}`);
    out.add(d.domain);
  }
  return [...out].sort();
}

export const subscriptionInput = z.object({
  name: z.string().trim().min(1).max(200),
  source: z.string().min(1).max(2000),
  format: z.enum(LIST_FORMATS).default("auto"),
  priority: z.number().int().min(0).max(1_000_000).default(100),
  severityCap: z.enum(DOMAIN_BLOCK_SEVERITIES).default("suspend"),
  excludedDomains: z.array(z.string().max(253)).max(10_000).default([]),
  reviewNewEntries: z.boolean().default(false),
  refreshHours: z.number().int().min(1).max(24 * 365).default(24),
  enabled: z.boolean().default(true),
});
export type SubscriptionInput = z.input<typeof subscriptionInput>;

function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) throw new SubscriptionError("invalid", r.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; "));
  return r.data;
}

/** Validated values for a new subscription (also used to preview one before creating it). */
export function checkSubscriptionInput(ctx: Ctx, input: SubscriptionInput) {
  const v = parseInput(subscriptionInput, input);
  return { ...v, source: checkSource(ctx, v.source), excludedDomains: checkExcluded(v.excludedDomains) };
}

export async function createSubscription(ctx: Ctx, input: SubscriptionInput, circleId: string | null = null): Promise<Subscription> {
  const v = checkSubscriptionInput(ctx, input);
  const [dup] = await ctx.db.select({ id: blocklistSubscriptions.id }).from(blocklistSubscriptions).where(eq(blocklistSubscriptions.source, v.source));
  if (dup) throw new SubscriptionError("conflict", `already subscribed to ${v.source} (subscription ${dup.id})`);
  const [row] = await ctx.db.insert(blocklistSubscriptions).values({ id: newId(), ...v, circleId }).returning();
  await listRulesChanged(ctx);
  return row!;
}

export async function listSubscriptions(ctx: Ctx): Promise<Subscription[]> {
  return ctx.db.select().from(blocklistSubscriptions).orderBy(asc(blocklistSubscriptions.priority), asc(blocklistSubscriptions.id));
}

export async function getSubscription(ctx: Ctx, id: string): Promise<Subscription> {
  const [row] = /^\d{1,19}$/.test(id) ? await ctx.db.select().from(blocklistSubscriptions).where(eq(blocklistSubscriptions.id, id)) : [];
  if (!row) throw new SubscriptionError("not_found", `no subscription ${id}`);
  return row;
}

const patchInput = subscriptionInput.omit({ source: true, format: true }).partial().extend({ format: z.enum(LIST_FORMATS).optional() });
export type SubscriptionPatch = z.input<typeof patchInput>;

/** Changes settings (not the source: that is another subscription). New caps, priorities and
 * exclusions take effect at once: standing.ts applies them when it evaluates. */
export async function updateSubscription(ctx: Ctx, id: string, patch: SubscriptionPatch): Promise<Subscription> {
  const before = await getSubscription(ctx, id);
  const v = parseInput(patchInput, patch);
  const values = { ...v, ...(v.excludedDomains ? { excludedDomains: checkExcluded(v.excludedDomains) } : {}) };
  if (before.circleId && v.format && v.format !== "caracol-circle") throw new SubscriptionError("invalid", "a circle's subscription reads circle documents only");
  // A new format means the next fetch must not be skipped as "not modified".
  const [row] = await ctx.db.update(blocklistSubscriptions).set({ ...values, ...(v.format ? { etag: null } : {}) }).where(eq(blocklistSubscriptions.id, id)).returning();
  await listRulesChanged(ctx);
  return row!;
}

/** Removes the subscription and its entries; a circle mirrored through it goes with it. */
export async function deleteSubscription(ctx: Ctx, id: string): Promise<Subscription> {
  const sub = await getSubscription(ctx, id);
  if (sub.circleId) {
    const [used] = await ctx.db.select({ n: count() }).from(statuses).where(eq(statuses.circleId, sub.circleId));
    if (used && used.n > 0) throw new SubscriptionError("conflict", `${used.n} post(s) here are addressed to the circle this subscription mirrors; it cannot be removed while they exist`);
  }
  await ctx.db.transaction(async (tx) => {
    await tx.delete(blocklistSubscriptions).where(eq(blocklistSubscriptions.id, id));
    if (sub.circleId) {
      await tx.delete(circleRules).where(eq(circleRules.circleId, sub.circleId));
      await tx.delete(circles).where(and(eq(circles.id, sub.circleId), isNotNull(circles.sourceUrl)));
    }
  });
  await listRulesChanged(ctx);
  return sub;
}

export async function subscriptionEntries(ctx: Ctx, id: string, state?: ListEntryRow["state"]): Promise<ListEntryRow[]> {
  const where = state ? and(eq(blocklistEntries.subscriptionId, id), eq(blocklistEntries.state, state)) : eq(blocklistEntries.subscriptionId, id);
  return ctx.db.select().from(blocklistEntries).where(where).orderBy(asc(blocklistEntries.domain), asc(blocklistEntries.digest));
}

/** Drafts named by domain (or digest); all drafts when `which` is "all". */
async function draftsNamed(ctx: Ctx, sub: Subscription, which: string | "all"): Promise<ListEntryRow[]> {
  const drafts = await subscriptionEntries(ctx, sub.id, "draft");
  if (which === "all") return drafts;
  const d = listDomain(which);
  const digest = "domain" in d ? sha256Hex(d.domain) : which.toLowerCase();
  const found = drafts.filter((e) => e.digest === digest);
  if (!found.length) throw new SubscriptionError("not_found", `no draft for ${which} in subscription ${sub.id}`);
  return found;
}

/** Puts drafts in force. Returns the domains this newly suspends (for the caller to act on). */
export async function approveDrafts(ctx: Ctx, id: string, which: string | "all"): Promise<{ approved: ListEntryRow[]; newlySuspended: string[] }> {
  const sub = await getSubscription(ctx, id);
  const rows = await draftsNamed(ctx, sub, which);
  if (rows.length) await ctx.db.update(blocklistEntries).set({ state: "active" }).where(inArray(blocklistEntries.id, rows.map((r) => r.id)));
  await listRulesChanged(ctx);
  const excluded = new Set(sub.excludedDomains);
  const newlySuspended = rows
    .filter((r) => r.domain && cappedSeverity(r.severity, sub.severityCap) === "suspend" && !isExcluded(r.domain, excluded))
    .map((r) => r.domain!);
  return { approved: rows, newlySuspended };
}

/** Dismissed drafts stay dismissed on later syncs, as long as the list keeps them. */
export async function dismissDraft(ctx: Ctx, id: string, which: string): Promise<ListEntryRow[]> {
  const sub = await getSubscription(ctx, id);
  const rows = await draftsNamed(ctx, sub, which);
  await ctx.db.update(blocklistEntries).set({ state: "dismissed" }).where(inArray(blocklistEntries.id, rows.map((r) => r.id)));
  return rows;
}

/** Whether an exclusion keeps this entry out (the same rule standing.ts applies to hosts). */
export function isExcluded(domain: string, excluded: ReadonlySet<string>): boolean {
  const parts = domain.split(".");
  return parts.some((_, i) => excluded.has(parts.slice(i).join(".")));
}

/** The name of the circle a subscription mirrors, for listings. */
export async function circleNames(ctx: Ctx, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await ctx.db.select({ id: circles.id, name: circles.name }).from(circles).where(inArray(circles.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}
