// Approval first: a server we do not know yet is pending. What it sends is kept aside in
// held_activities (not processed, not shown) until an admin approves it (it joins the
// allow-list and what it sent is processed, in arrival order, as if it had just arrived) or
// rejects it (what it sent is deleted, and it is told nothing). The domain decides and stores;
// how a held activity is put back through the inbox is the federation layer's (ReplayHeld).
import { getLogger } from "@logtape/logtape";
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { accounts, domainAllows, followRequests, follows, heldActivities, serverReviews } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { newId } from "../../lib/id.ts";
import { allowDomain, parseDomain } from "./allows.ts";
import { allowListed, forgetStandings, normalizeDomain } from "./standing.ts";
import { getSetting, setSetting, SETTINGS, type SettingValue } from "../instance/settings.ts";

const logger = getLogger(["caracol", "federation-policy", "approval"]);

/** What one pending server may have waiting; later activities are dropped, so it cannot fill our disk. */
export const HELD_PER_SERVER = 1000;

export type HeldActivity = typeof heldActivities.$inferSelect;
export type ServerReview = typeof serverReviews.$inferSelect;

/** Puts held activities back through the normal inbox processing, in the order given. */
export type ReplayHeld = (ctx: Ctx, held: HeldActivity[]) => Promise<void>;

export type HoldInput = {
  domain: string;
  activity: Record<string, unknown>;
  activityId: string | null;
  type: string;
  /** the local account whose personal inbox it came to; null for the shared inbox */
  inboxAccountId: string | null;
  /** local accounts it tried to reach */
  localTargets: string[];
};

/**
 * held: stored; duplicate: that activity id is already held; full: the server has
 * HELD_PER_SERVER activities waiting; rejected: the server was rejected meanwhile (dropped).
 * firstContact is true when this created the server's review (time to read its introduction).
 */
export type HoldResult = { outcome: "held" | "duplicate" | "full" | "rejected"; firstContact: boolean };

export async function holdActivity(ctx: Ctx, input: HoldInput): Promise<HoldResult> {
  const domain = parseDomain(input.domain);
  const created = await ctx.db.insert(serverReviews).values({ domain }).onConflictDoNothing().returning({ domain: serverReviews.domain });
  const firstContact = created.length > 0;
  if (!firstContact) {
    const [review] = await ctx.db.select({ state: serverReviews.state }).from(serverReviews).where(eq(serverReviews.domain, domain));
    if (review?.state === "rejected") return { outcome: "rejected", firstContact };
  }
  const [{ n }] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(heldActivities).where(eq(heldActivities.domain, domain));
  if (Number(n) >= HELD_PER_SERVER) {
    logger.warn("Dropped {type} {id} from pending server {domain}: {max} activities already wait for approval", {
      type: input.type,
      id: input.activityId,
      domain,
      max: HELD_PER_SERVER,
    });
    return { outcome: "full", firstContact };
  }
  const targets = [...new Set([...(input.inboxAccountId ? [input.inboxAccountId] : []), ...input.localTargets])];
  const inserted = await ctx.db
    .insert(heldActivities)
    .values({
      id: newId(),
      domain,
      activityId: input.activityId,
      activityType: input.type,
      activity: input.activity,
      inboxAccountId: input.inboxAccountId,
      localTargets: targets,
    })
    .onConflictDoNothing()
    .returning({ id: heldActivities.id });
  return { outcome: inserted.length ? "held" : "duplicate", firstContact };
}

export type Introduction = { text: string; contact: string };

/**
 * Records what a server says about itself. null (it published nothing usable) only notes that
 * we looked: it never erases a letter the server sent us itself.
 */
export async function recordIntroduction(ctx: Ctx, domain: string, intro: Introduction | null): Promise<void> {
  const where = eq(serverReviews.domain, parseDomain(domain));
  if (!intro) {
    await ctx.db.update(serverReviews).set({ introductionAt: new Date() }).where(and(where, isNull(serverReviews.introduction)));
    return;
  }
  await ctx.db.update(serverReviews).set({ introduction: intro.text, introductionContact: intro.contact, introductionAt: new Date() }).where(where);
}

/**
 * A letter a server sent us (POST /api/v1/caracol/introduction): kept when the server awaits
 * approval, which it may do before it sent anything else. Answers whether it was kept.
 */
export async function introduceServer(ctx: Ctx, input: string, intro: Introduction): Promise<boolean> {
  const domain = parseDomain(input);
  await ctx.db.insert(serverReviews).values({ domain }).onConflictDoNothing();
  const kept = await ctx.db
    .update(serverReviews)
    .set({ introduction: intro.text, introductionContact: intro.contact, introductionAt: new Date() })
    .where(and(eq(serverReviews.domain, domain), eq(serverReviews.state, "pending")))
    .returning({ domain: serverReviews.domain });
  return kept.length > 0;
}

export async function heldActivitiesOf(ctx: Ctx, domain: string): Promise<HeldActivity[]> {
  return ctx.db.select().from(heldActivities).where(eq(heldActivities.domain, parseDomain(domain))).orderBy(asc(heldActivities.id));
}

export type ServerUnderReview = ServerReview & {
  heldCount: number;
  /** the local accounts its held activities tried to reach */
  targets: { id: string; username: string }[];
};

/** Servers waiting for a decision (pending first), then rejected ones; each with what it sent. */
export async function serversUnderReview(ctx: Ctx, domain?: string): Promise<ServerUnderReview[]> {
  const reviews = await ctx.db
    .select()
    .from(serverReviews)
    .where(domain ? eq(serverReviews.domain, parseDomain(domain)) : undefined)
    .orderBy(sql`${serverReviews.state} = 'rejected'`, asc(serverReviews.firstSeenAt), asc(serverReviews.domain));
  if (!reviews.length) return [];
  // At most HELD_PER_SERVER rows per server: counted here rather than in SQL.
  const held = await ctx.db
    .select({ domain: heldActivities.domain, targets: heldActivities.localTargets })
    .from(heldActivities)
    .where(inArray(heldActivities.domain, reviews.map((r) => r.domain)));
  const ids = [...new Set(held.flatMap((h) => h.targets))];
  const names = ids.length
    ? await ctx.db.select({ id: accounts.id, username: accounts.username }).from(accounts).where(inArray(accounts.id, ids)).orderBy(asc(accounts.username))
    : [];
  return reviews.map((r) => {
    const mine = held.filter((h) => h.domain === r.domain);
    const reached = new Set(mine.flatMap((h) => h.targets));
    return { ...r, heldCount: mine.length, targets: names.filter((a) => reached.has(a.id)) };
  });
}

/** What approving `domain` will do, one line each (the held activities in arrival order). */
export async function approvalPlan(ctx: Ctx, input: string): Promise<string[]> {
  const domain = parseDomain(input);
  const [allowed] = await ctx.db.select().from(domainAllows).where(eq(domainAllows.domain, domain));
  const held = await heldActivitiesOf(ctx, domain);
  const [review] = await ctx.db.select().from(serverReviews).where(eq(serverReviews.domain, domain));
  const lines: string[] = [];
  if (!allowed) lines.push(`allow ${domain} (and its subdomains)`);
  if (review) lines.push(`close the review of ${domain} (${review.state})`);
  for (const h of held) lines.push(`process ${h.activityType} ${h.activityId ?? "(no id)"} received ${h.receivedAt.toISOString()}`);
  return lines;
}

/**
 * Allows the server, then replays what it sent while pending (in arrival order, through the
 * normal inbox processing) and forgets it here. Replaying again is harmless: the inbox handlers
 * change nothing twice.
 */
export async function approveServer(ctx: Ctx, input: string, replay: ReplayHeld): Promise<{ replayed: number }> {
  const domain = parseDomain(input);
  await allowDomain(ctx, domain);
  await ctx.db.delete(serverReviews).where(eq(serverReviews.domain, domain));
  forgetStandings(ctx);
  let replayed = 0;
  // Another process may still hold one more activity in the moment before it sees the
  // decision: go round until nothing is left.
  for (let round = 0; round < 5; round++) {
    const held = await heldActivitiesOf(ctx, domain);
    if (!held.length) break;
    await replay(ctx, held);
    await ctx.db.delete(heldActivities).where(inArray(heldActivities.id, held.map((h) => h.id)));
    replayed += held.length;
  }
  return { replayed };
}

/** What rejecting `domain` will do. */
export async function rejectionPlan(ctx: Ctx, input: string): Promise<string[]> {
  const domain = parseDomain(input);
  const [allowed] = await ctx.db.select().from(domainAllows).where(eq(domainAllows.domain, domain));
  const [review] = await ctx.db.select().from(serverReviews).where(eq(serverReviews.domain, domain));
  const held = await heldActivitiesOf(ctx, domain);
  const lines: string[] = [];
  if (allowed) lines.push(`remove ${domain} from the allow-list`);
  if (review?.state !== "rejected") lines.push(`reject ${domain}: nothing more is accepted from it or sent to it (it is not told)`);
  if (held.length) lines.push(`delete ${held.length} held activit${held.length === 1 ? "y" : "ies"} from ${domain} unread`);
  return lines;
}

/** Rejects the server: its held activities are deleted, nothing is sent to it, and nothing tells it so. */
export async function rejectServer(ctx: Ctx, input: string): Promise<{ dropped: number }> {
  const domain = parseDomain(input);
  await ctx.db
    .insert(serverReviews)
    .values({ domain, state: "rejected", decidedAt: new Date() })
    .onConflictDoUpdate({ target: serverReviews.domain, set: { state: "rejected", decidedAt: new Date() } });
  await ctx.db.delete(domainAllows).where(eq(domainAllows.domain, domain));
  forgetStandings(ctx);
  const dropped = await ctx.db.delete(heldActivities).where(eq(heldActivities.domain, domain)).returning({ id: heldActivities.id });
  return { dropped: dropped.length };
}

export type FederationMode = SettingValue<"federationMode">;
export const FEDERATION_MODES = SETTINGS.federationMode.unwrap().options;

/** Servers we have follows (or follow requests) with, either way: the ones people would miss. */
async function knownServers(ctx: Ctx): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const table of [follows, followRequests]) {
    for (const side of [table.accountId, table.targetAccountId]) {
      const rows = await ctx.db
        .select({ domain: accounts.domain, n: sql<number>`count(*)::int` })
        .from(table)
        .innerJoin(accounts, eq(accounts.id, side))
        .where(sql`${accounts.domain} is not null`)
        .groupBy(accounts.domain);
      for (const r of rows) {
        const d = normalizeDomain(r.domain!);
        counts.set(d, (counts.get(d) ?? 0) + Number(r.n));
      }
    }
  }
  return counts;
}

/**
 * What switching to `mode` changes: in allow-list and approval modes, each known server that is
 * neither allowed nor in a circle stops being exchanged with (refused, or held for approval).
 */
export async function federationModePlan(ctx: Ctx, mode: FederationMode): Promise<string[]> {
  const current = await getSetting(ctx, "federationMode");
  if (current === mode) return [];
  const lines = [`switch the federation mode from ${current} to ${mode}`];
  if (mode === "blocklist") {
    const [{ n }] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(serverReviews).where(eq(serverReviews.state, "pending"));
    lines.push("exchange with every server that no domain rule blocks");
    if (Number(n)) lines.push(`${n} server(s) awaiting approval keep their held activities until approved or rejected`);
    return lines;
  }
  const cut: string[] = [];
  for (const [domain, n] of [...(await knownServers(ctx))].sort(([a], [b]) => a.localeCompare(b))) {
    if (!(await allowListed(ctx, domain))) cut.push(`${domain} (${n} follow${n === 1 ? "" : "s"} or request${n === 1 ? "" : "s"})`);
  }
  for (const c of cut) lines.push(mode === "allowlist" ? `stop exchanging with ${c}` : `stop sending to ${c}, and hold what it sends until an admin approves it`);
  if (!cut.length) lines.push("no server we have follows with is cut off");
  return lines;
}

export async function setFederationMode(ctx: Ctx, mode: FederationMode): Promise<void> {
  await setSetting(ctx, "federationMode", mode);
  forgetStandings(ctx);
}
