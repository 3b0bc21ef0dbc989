// What admins and people see of transitive defederation: the scanned servers with their
// evidence and standing, per-server overrides, a dry run of a policy change, and the plain
// sentence shown to someone whose follower is on a server we restrict or block.
import { eq, inArray } from "drizzle-orm";
import { accounts, serverScans, transitiveOverrides, TRANSITIVE_OVERRIDES, type ScanEvidence, type ScanVerdict } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import type { ServerStanding } from "../audience/viewer.ts";
import { getSetting, type SettingValue } from "../instance/settings.ts";
import { forgetStandings, normalizeDomain, serverPolicy } from "./standing.ts";

export type OverrideAction = (typeof TRANSITIVE_OVERRIDES)[number];
export type TransitivePolicy = SettingValue<"transitivePolicy">;

export function isOverrideAction(s: string): s is OverrideAction {
  return (TRANSITIVE_OVERRIDES as readonly string[]).includes(s);
}

export type ScannedServer = {
  domain: string;
  verdict: ScanVerdict;
  evidence: ScanEvidence[];
  publishedBlocks: string[] | null;
  publishedPolicy: Record<string, unknown> | null;
  scannedAt: Date | null;
  override: { action: OverrideAction; comment: string | null } | null;
  /** what the transitive policy does to this server: the override, else the instance setting */
  action: OverrideAction | TransitivePolicy;
  standing: ServerStanding;
  reasons: string[];
};

async function describe(ctx: Ctx, row: typeof serverScans.$inferSelect, override: typeof transitiveOverrides.$inferSelect | undefined, policy: TransitivePolicy): Promise<ScannedServer> {
  const p = await serverPolicy(ctx, row.domain);
  return {
    domain: row.domain,
    verdict: row.verdict,
    evidence: row.evidence,
    publishedBlocks: row.publishedBlocks,
    publishedPolicy: row.publishedPolicy,
    scannedAt: row.scannedAt,
    override: override ? { action: override.action, comment: override.comment } : null,
    action: override?.action ?? policy,
    standing: p.standing,
    reasons: p.reasons,
  };
}

/** Every scanned server, those found federating with a suspended domain first. */
export async function scannedServers(ctx: Ctx): Promise<ScannedServer[]> {
  const [rows, overrides, policy] = await Promise.all([ctx.db.select().from(serverScans), ctx.db.select().from(transitiveOverrides), getSetting(ctx, "transitivePolicy")]);
  const byDomain = new Map(overrides.map((o) => [o.domain, o]));
  const order: Record<ScanVerdict, number> = { federates: 0, unknown: 1, clean: 2 };
  rows.sort((a, b) => order[a.verdict] - order[b.verdict] || a.domain.localeCompare(b.domain));
  const out: ScannedServer[] = [];
  for (const r of rows) out.push(await describe(ctx, r, byDomain.get(r.domain), policy));
  return out;
}

export async function scannedServer(ctx: Ctx, domain: string): Promise<ScannedServer | null> {
  const name = normalizeDomain(domain);
  const [row] = await ctx.db.select().from(serverScans).where(eq(serverScans.domain, name));
  if (!row) return null;
  const [override] = await ctx.db.select().from(transitiveOverrides).where(eq(transitiveOverrides.domain, name));
  return describe(ctx, row, override, await getSetting(ctx, "transitivePolicy"));
}

export async function currentOverride(ctx: Ctx, domain: string) {
  const [row] = await ctx.db.select().from(transitiveOverrides).where(eq(transitiveOverrides.domain, normalizeDomain(domain)));
  return row ?? null;
}

export async function setOverride(ctx: Ctx, domain: string, action: OverrideAction, comment: string | null): Promise<void> {
  const name = normalizeDomain(domain);
  await ctx.db
    .insert(transitiveOverrides)
    .values({ domain: name, action, comment })
    .onConflictDoUpdate({ target: transitiveOverrides.domain, set: { action, comment } });
  forgetStandings(ctx);
}

export async function clearOverride(ctx: Ctx, domain: string): Promise<boolean> {
  const gone = await ctx.db.delete(transitiveOverrides).where(eq(transitiveOverrides.domain, normalizeDomain(domain))).returning();
  forgetStandings(ctx);
  return gone.length > 0;
}

/**
 * The servers whose standing a new transitive policy would change, computed by the same code
 * that decides standings, on a copy of the context whose settings cache already holds the new
 * value: nothing is written.
 */
export async function policyChangePlan(ctx: Ctx, next: TransitivePolicy): Promise<{ domain: string; from: ServerStanding; to: ServerStanding }[]> {
  const dry: Ctx = { ...ctx, cache: new Map([["setting:transitivePolicy", { value: next, until: Date.now() + 60_000 }]]) };
  const rows = await ctx.db.select({ domain: serverScans.domain }).from(serverScans).where(eq(serverScans.verdict, "federates"));
  const out: { domain: string; from: ServerStanding; to: ServerStanding }[] = [];
  for (const { domain } of rows) {
    const [from, to] = [(await serverPolicy(ctx, domain)).standing, (await serverPolicy(dry, domain)).standing];
    if (from !== to) out.push({ domain, from, to });
  }
  return out.sort((a, b) => a.domain.localeCompare(b.domain));
}

/** Whether the transitive policy (not some other rule) narrows this server. */
async function transitivelyNarrowed(ctx: Ctx, domain: string): Promise<boolean> {
  const [scan] = await ctx.db.select({ verdict: serverScans.verdict }).from(serverScans).where(eq(serverScans.domain, domain));
  if (scan?.verdict !== "federates") return false;
  const action = (await currentOverride(ctx, domain))?.action ?? (await getSetting(ctx, "transitivePolicy"));
  return action === "restrict" || action === "block";
}

const SHARES = "Their server shares data with servers this instance blocks";

/** The sentence for someone whose (would-be) follower is on `domain`; null when nothing is held back. */
export async function serverNotice(ctx: Ctx, domain: string): Promise<string | null> {
  const name = normalizeDomain(domain);
  const { standing } = await serverPolicy(ctx, name);
  if (standing === "allowed") return null;
  if (standing === "limited") return "This instance limits their server: its posts are kept out of public timelines here. Your posts still reach them.";
  if (standing === "pending") return "Their server is waiting for approval by this instance's admins, so none of your posts will reach them until it is approved.";
  const transitive = await transitivelyNarrowed(ctx, name);
  if (standing === "restricted") {
    return transitive
      ? `${SHARES}, so your followers-only posts will not reach them; public posts will.`
      : "This instance restricts their server, so your followers-only posts will not reach them; public posts will.";
  }
  return transitive ? `${SHARES}, so none of your posts will reach them.` : "This instance does not exchange posts with their server, so none of your posts will reach them.";
}

/** serverNotice for each remote account among `accountIds` whose server holds posts back. */
export async function serverNoticesFor(ctx: Ctx, accountIds: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!accountIds.length) return out;
  const rows = await ctx.db.select({ id: accounts.id, domain: accounts.domain }).from(accounts).where(inArray(accounts.id, [...new Set(accountIds)]));
  const byDomain = new Map<string, string | null>();
  for (const r of rows) {
    if (!r.domain) continue;
    const name = normalizeDomain(r.domain);
    if (!byDomain.has(name)) byDomain.set(name, await serverNotice(ctx, name));
    const notice = byDomain.get(name);
    if (notice) out.set(r.id, notice);
  }
  return out;
}
