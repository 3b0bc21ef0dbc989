// Data minimisation: client addresses and user agents are kept CARACOL_IP_RETENTION_HOURS at
// most. This is the one place that knows every column holding them; the retention test
// searches every column of every table, so a new place that stores an address without being
// listed here makes that test fail.
import { and, isNotNull, lt, or } from "drizzle-orm";
import { serverAddresses, signIns } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { purgeRateLimitCounters } from "../abuse/rate-limit.ts";
import { purgeDetectionData } from "../abuse/detection/records.ts";
import { SIGN_IN_HISTORY_DAYS } from "./sign-ins.ts";

export type PurgeReport = { signIns: number; expiredSignIns: number; rateLimitCounters: number; serverAddresses: number; accessRecords: number };

/**
 * Nulls addresses and user agents older than the window (the rows stay: the sign-in history
 * keeps when and how), and drops rate-limit counters whose window has ended (their subject may
 * be an address), and remote servers' addresses not seen within the window (a server that is
 * active keeps refreshing its own; a suspension acts on what is current), and scraping
 * detection's records and alerts about addresses. With a window of 0
 * nothing of people was stored, and anything left from before is cleared.
 */
export async function purgeAddresses(ctx: Ctx, now: number = Date.now()): Promise<PurgeReport> {
  const cutoff = new Date(now - ctx.config.ipRetentionHours * 3600_000);
  const cleared = await ctx.db
    .update(signIns)
    .set({ ip: null, userAgent: null })
    .where(and(lt(signIns.at, cutoff), or(isNotNull(signIns.ip), isNotNull(signIns.userAgent))))
    .returning({ id: signIns.id });
  // the history itself is kept for SIGN_IN_HISTORY_DAYS, what the settings page shows
  const expired = await ctx.db.delete(signIns).where(lt(signIns.at, new Date(now - SIGN_IN_HISTORY_DAYS * 86400_000))).returning({ id: signIns.id });
  const counters = await purgeRateLimitCounters(ctx, now);
  const servers = await ctx.db.delete(serverAddresses).where(lt(serverAddresses.lastSeenAt, cutoff)).returning({ a: serverAddresses.address });
  // scraping detection keeps reads (with their /64) and alerts about addresses: same window
  const detection = await purgeDetectionData(ctx, now);
  return { signIns: cleared.length, expiredSignIns: expired.length, rateLimitCounters: counters, serverAddresses: servers.length, accessRecords: detection.reads };
}
