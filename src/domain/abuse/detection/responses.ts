// What an admin can do about an alert, one command each: throttle the client, block its
// address range, suspend the account behind it, revoke its token, or resolve the alert.
import { and, eq, gt, isNull } from "drizzle-orm";
import { accessTokens, accounts, throttledClients, users } from "../../../db/schema/index.ts";
import type { Ctx } from "../../context.ts";
import { parseIp, formatRange, rangeOf } from "../../../lib/ip.ts";
import { upsertIpBlock } from "../ip-blocks.ts";
import type { RateLimitRule } from "../rate-limit-rules.ts";
import { noteResponse, type Alert } from "./alerts.ts";
import { lastAddressOf, type Client } from "./records.ts";

export class ResponseError extends Error {}

/**
 * A throttled client's own limit, on top of the ordinary ones: 30 requests per 5 minutes (scaled
 * by CARACOL_RATE_LIMIT_MULTIPLIER like every limit), enough to read a page now and then, far
 * too few to harvest.
 */
export const THROTTLE_RULE: RateLimitRule = { name: "detection/throttled", key: "ip", limit: 30, periodSeconds: 300, matches: () => true };
export const DEFAULT_THROTTLE_MINUTES = 60;

const keyText = (a: Pick<Alert, "keyKind" | "keyValue">) => `${a.keyKind}:${a.keyValue}`;
const CACHE_KEY = "detection:throttles";
const CACHE_MS = 5_000;

export async function throttle(ctx: Ctx, alert: Alert, minutes: number = DEFAULT_THROTTLE_MINUTES, now: number = Date.now()): Promise<Alert> {
  if (alert.keyKind === "range") throw new ResponseError("a sign-up range cannot be throttled; block it instead");
  // never past the address retention window: the row names the client
  const capped = Math.min(minutes, Math.max(1, ctx.config.ipRetentionHours * 60));
  const until = new Date(now + capped * 60_000);
  await ctx.db
    .insert(throttledClients)
    .values({ key: keyText(alert), until, alertId: alert.id })
    .onConflictDoUpdate({ target: throttledClients.key, set: { until, alertId: alert.id } });
  ctx.cache.delete(CACHE_KEY);
  return noteResponse(ctx, alert, `throttled for ${capped} minutes`);
}

/** The throttle that applies to a client (the first of its keys that is throttled), if any. */
export async function throttleFor(ctx: Ctx, client: Client, now: number): Promise<string | null> {
  let hit = ctx.cache.get(CACHE_KEY);
  if (!hit || hit.until <= now) {
    const rows = await ctx.db.select({ key: throttledClients.key }).from(throttledClients).where(gt(throttledClients.until, new Date(now)));
    hit = { value: new Set(rows.map((r) => r.key)), until: now + CACHE_MS };
    ctx.cache.set(CACHE_KEY, hit);
  }
  const keys = hit.value as Set<string>;
  if (!keys.size) return null;
  const candidates = [client.ip && `ip:${client.ip}`, client.tokenId && `token:${client.tokenId}`, client.accountId && `account:${client.accountId}`, client.server && `server:${client.server}`];
  return candidates.find((k): k is string => !!k && keys.has(k)) ?? null;
}

/** The range to block for an alert: its range, or the range around the client's (last) address. */
export async function rangeToBlock(ctx: Ctx, alert: Alert, prefix?: number): Promise<string> {
  if (alert.keyKind === "range") return alert.keyValue;
  const address = await lastAddressOf(ctx, { kind: alert.keyKind as "ip", value: alert.keyValue });
  const addr = address ? parseIp(address.split("/")[0]!) : null;
  if (!addr) throw new ResponseError("no address is known for this client (addresses are kept only briefly)");
  const p = prefix ?? (addr.version === 4 ? 24 : 48);
  const [min, max] = addr.version === 4 ? [8, 32] : [16, 128];
  if (!Number.isInteger(p) || p < min || p > max) throw new ResponseError(`the prefix must be between ${min} and ${max} for IPv${addr.version}`);
  // an IPv6 client key is its /64: never block less than that
  return formatRange(rangeOf(addr, addr.version === 6 ? Math.min(p, 64) : p));
}

export async function blockRange(ctx: Ctx, alert: Alert, range: string): Promise<Alert> {
  const block = await upsertIpBlock(ctx, { range, severity: "no_access", comment: `scraping alert ${alert.id} (${alert.rule})` });
  return noteResponse(ctx, alert, `blocked the range (no_access, ip block ${block.id})`);
}

/** The local account behind an alert's token or account key. */
export async function accountBehind(ctx: Ctx, alert: Alert): Promise<string | null> {
  let accountId: string | null = null;
  if (alert.keyKind === "account") accountId = alert.keyValue;
  if (alert.keyKind === "token") {
    const [t] = await ctx.db.select({ accountId: accessTokens.accountId }).from(accessTokens).where(eq(accessTokens.id, alert.keyValue));
    accountId = t?.accountId ?? null;
  }
  if (!accountId) return null;
  const [local] = await ctx.db.select({ id: users.accountId }).from(users).where(eq(users.accountId, accountId));
  return local ? accountId : null;
}

/** Suspends the local account and revokes its tokens, so that it stops reading at once. */
export async function suspendAccount(ctx: Ctx, alert: Alert, accountId: string): Promise<Alert> {
  await ctx.db.update(accounts).set({ suspendedAt: new Date() }).where(and(eq(accounts.id, accountId), isNull(accounts.suspendedAt)));
  const revoked = await ctx.db
    .update(accessTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(accessTokens.accountId, accountId), isNull(accessTokens.revokedAt)))
    .returning({ id: accessTokens.id });
  return noteResponse(ctx, alert, `suspended account ${accountId} and revoked its ${revoked.length} token(s)`);
}

export async function revokeAlertToken(ctx: Ctx, alert: Alert): Promise<Alert> {
  if (alert.keyKind !== "token") throw new ResponseError("only an alert about a token can revoke one (suspend revokes all of an account's)");
  await ctx.db.update(accessTokens).set({ revokedAt: new Date() }).where(and(eq(accessTokens.id, alert.keyValue), isNull(accessTokens.revokedAt)));
  return noteResponse(ctx, alert, `revoked token ${alert.keyValue}`);
}

export const resolveAlert = (ctx: Ctx, alert: Alert, note = "resolved") => noteResponse(ctx, alert, note, true);
