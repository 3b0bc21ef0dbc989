// The access log detection reads: one narrow row per recorded request, written once, deleted
// after the longest rule window and never kept past CARACOL_IP_RETENTION_HOURS.
import { and, asc, desc, eq, gte, lt, or, sql } from "drizzle-orm";
import { accessRecords, detectionAlerts, throttledClients } from "../../../db/schema/index.ts";
import type { Ctx } from "../../context.ts";
import { parseIp, formatRange, rangeOf } from "../../../lib/ip.ts";
import type { Read } from "./classify.ts";
import { effectiveRules, type ClientKeyKind, type RecordedRead } from "./rules.ts";

/** Who made a request, as far as detection needs to know. */
export type Client = { ip: string | null; tokenId: string | null; accountId: string | null; server: string | null };

export type ClientKey = { kind: ClientKeyKind; value: string };

/** Addresses are kept only when the instance keeps addresses at all. */
const keepsAddresses = (ctx: Ctx) => ctx.config.ipRetentionHours > 0;

export async function recordRead(ctx: Ctx, client: Client, read: Read, at: Date): Promise<void> {
  await ctx.db.insert(accessRecords).values({
    at,
    ip: keepsAddresses(ctx) ? client.ip : null,
    tokenId: client.tokenId,
    accountId: client.accountId,
    server: client.server,
    kind: read.kind,
    target: read.target,
    cursor: read.cursor,
  });
}

/** The keys a client is known by, strongest evidence of a person first. */
export function clientKeys(c: Client): ClientKey[] {
  const keys: ClientKey[] = [];
  if (c.accountId) keys.push({ kind: "account", value: c.accountId });
  if (c.tokenId) keys.push({ kind: "token", value: c.tokenId });
  if (c.server) keys.push({ kind: "server", value: c.server });
  if (c.ip) keys.push({ kind: "ip", value: c.ip });
  return keys;
}

const COLUMN = { ip: accessRecords.ip, token: accessRecords.tokenId, account: accessRecords.accountId, server: accessRecords.server } as const;

/** The longest window of any rule that reads this kind of key, in ms. */
export function longestWindowMs(ctx: Ctx, kind: ClientKeyKind): number {
  const minutes = Math.max(0, ...effectiveRules(ctx.config.detectionRules).filter((r) => r.keys.includes(kind)).map((r) => r.windowMinutes));
  return minutes * 60_000;
}

/** Most reads loaded per evaluation: more than any threshold needs. */
const MAX_READS = 5000;

/** A client's reads inside the longest window, oldest first. */
export async function recentReads(ctx: Ctx, key: ClientKey, now: number): Promise<RecordedRead[]> {
  const since = new Date(now - longestWindowMs(ctx, key.kind));
  if (key.kind === "range") {
    return ctx.db
      .select({ at: accessRecords.at, kind: accessRecords.kind, target: accessRecords.target, cursor: accessRecords.cursor })
      .from(accessRecords)
      .where(and(eq(accessRecords.kind, "sign_up"), eq(accessRecords.target, key.value), gte(accessRecords.at, since)))
      .orderBy(asc(accessRecords.at))
      .limit(MAX_READS);
  }
  const col = COLUMN[key.kind];
  const rows = await ctx.db
    .select({ at: accessRecords.at, kind: accessRecords.kind, target: accessRecords.target, cursor: accessRecords.cursor })
    .from(accessRecords)
    .where(and(eq(col, key.value), gte(accessRecords.at, since)))
    .orderBy(desc(accessRecords.at))
    .limit(MAX_READS);
  return rows.reverse();
}

/** The latest address (client key) a token, account or server was seen from, for block-range. */
export async function lastAddressOf(ctx: Ctx, key: ClientKey): Promise<string | null> {
  if (key.kind === "ip") return key.value;
  if (key.kind === "range") return null;
  const [row] = await ctx.db
    .select({ ip: accessRecords.ip })
    .from(accessRecords)
    .where(and(eq(COLUMN[key.kind], key.value), sql`${accessRecords.ip} is not null`))
    .orderBy(desc(accessRecords.at))
    .limit(1);
  return row?.ip ?? null;
}

/** The /24 (IPv4) or /48 (IPv6) a sign-up came from: the range the sign-up rule counts by. */
export function signUpRange(address: string | null): string | null {
  const a = address ? parseIp(address) : null;
  return a ? formatRange(rangeOf(a, a.version === 4 ? 24 : 48)) : null;
}

/**
 * Deletes reads older than the longest rule window (a day for sign-ups), everything older than
 * the address retention window, alerts about an address or range not seen within it, and ended
 * throttles. Called by the detection purge job and the address-retention purge.
 */
export async function purgeDetectionData(ctx: Ctx, now: number = Date.now()): Promise<{ reads: number; alerts: number; throttles: number }> {
  const retention = ctx.config.ipRetentionHours * 3600_000;
  const readsBefore = new Date(now - Math.min(retention, Math.max(longestWindowMs(ctx, "ip"), longestWindowMs(ctx, "token"), longestWindowMs(ctx, "account"), longestWindowMs(ctx, "server"))));
  const signUpsBefore = new Date(now - Math.min(retention, longestWindowMs(ctx, "range")));
  const retentionCutoff = new Date(now - retention);
  const reads = await ctx.db
    .delete(accessRecords)
    .where(
      or(
        lt(accessRecords.at, retentionCutoff),
        and(eq(accessRecords.kind, "sign_up"), lt(accessRecords.at, signUpsBefore)),
        and(sql`${accessRecords.kind} <> 'sign_up'`, lt(accessRecords.at, readsBefore)),
      ),
    )
    .returning({ at: accessRecords.at });
  const alerts = await ctx.db
    .delete(detectionAlerts)
    .where(and(sql`${detectionAlerts.keyKind} in ('ip', 'range')`, lt(detectionAlerts.lastSeenAt, retentionCutoff)))
    .returning({ id: detectionAlerts.id });
  const throttles = await ctx.db.delete(throttledClients).where(or(lt(throttledClients.until, new Date(now)), lt(throttledClients.createdAt, retentionCutoff))).returning({ key: throttledClients.key });
  return { reads: reads.length, alerts: alerts.length, throttles: throttles.length };
}
