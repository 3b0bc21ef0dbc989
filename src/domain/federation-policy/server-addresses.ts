// The addresses remote servers were seen on, so that suspending a domain can also block them
// (`domain block D --severity suspend --block-addresses`). Only requests whose HTTP signature
// verified are recorded (see src/federation/server-address-hook.ts): an unverified claim would
// let anyone file their own address under another server's name, or push that server's real
// addresses out of the short list kept here. These are servers' addresses, not people's.
import { and, desc, eq, inArray, like, or, sql } from "drizzle-orm";
import { serverAddresses } from "../../db/schema/index.ts";
import { formatIp, parseIp, parseRange, rangeContains, type IpRange } from "../../lib/ip.ts";
import type { Ctx } from "../context.ts";
import { ipBlockByRange, upsertIpBlock } from "../abuse/ip-blocks.ts";

/** Addresses kept per domain, the most recently seen. */
export const ADDRESSES_PER_DOMAIN = 5;
/** A pair seen again within this time is not written again (one write per inbox POST otherwise). */
const REFRESH_MS = 10 * 60_000;

export async function recordServerAddress(ctx: Ctx, domain: string, address: string | null, now = new Date()): Promise<void> {
  const ip = address ? parseIp(address) : null;
  if (!ip) return;
  const host = domain.toLowerCase();
  const text = formatIp(ip);
  // A trusted proxy's own address is everybody's address: never file it under one server.
  const proxies = ctx.config.trustedProxies.map((r) => parseRange(r)).filter((r): r is IpRange => r !== null);
  if (proxies.some((r) => rangeContains(r, ip))) return;
  const cacheKey = `server-address:${host}:${text}`;
  const hit = ctx.cache.get(cacheKey);
  if (hit && hit.until > now.getTime()) return;
  await ctx.db
    .insert(serverAddresses)
    .values({ domain: host, address: text, lastSeenAt: now })
    .onConflictDoUpdate({ target: [serverAddresses.domain, serverAddresses.address], set: { lastSeenAt: now } });
  const stale = await ctx.db
    .select({ address: serverAddresses.address })
    .from(serverAddresses)
    .where(eq(serverAddresses.domain, host))
    .orderBy(desc(serverAddresses.lastSeenAt))
    .offset(ADDRESSES_PER_DOMAIN);
  if (stale.length) await ctx.db.delete(serverAddresses).where(and(eq(serverAddresses.domain, host), inArray(serverAddresses.address, stale.map((s) => s.address))));
  ctx.cache.set(cacheKey, { value: true, until: now.getTime() + REFRESH_MS });
}

/** The addresses seen for a domain and its subdomains (a rule covers subdomains), newest first. */
export async function serverAddressesOf(ctx: Ctx, domain: string) {
  const host = domain.toLowerCase();
  return ctx.db
    .select()
    .from(serverAddresses)
    .where(or(eq(serverAddresses.domain, host), like(serverAddresses.domain, `%.${host.replace(/[\\%_]/g, "\\$&")}`)))
    .orderBy(desc(serverAddresses.lastSeenAt));
}

/**
 * Loopback and private ranges: behind a reverse proxy that is not configured as trusted, every
 * request seems to come from the proxy, and blocking it would lock everyone out. Allowed only
 * where private addresses are (CARACOL_ALLOW_PRIVATE_ADDRESS, tests on loopback).
 */
const INTERNAL = ["127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10", "::1/128", "fc00::/7", "fe80::/10"]
  .map((r) => parseRange(r))
  .filter((r): r is IpRange => r !== null);

function isInternal(address: string): boolean {
  const ip = parseIp(address);
  return !ip || INTERNAL.some((r) => rangeContains(r, ip));
}

export type AddressBlockPlan = { block: { address: string; range: string; domain: string }[]; skip: { address: string; reason: string }[] };

/**
 * What blocking a domain's addresses would do. An address also seen for a server outside the
 * domain (shared hosting, a NAT, a relay host) or already blocked is left alone and said so.
 */
export async function planAddressBlocks(ctx: Ctx, domain: string): Promise<AddressBlockPlan> {
  const host = domain.toLowerCase();
  const own = await serverAddressesOf(ctx, host);
  const plan: AddressBlockPlan = { block: [], skip: [] };
  if (!own.length) return plan;
  const shared = await ctx.db
    .select({ address: serverAddresses.address, domain: serverAddresses.domain })
    .from(serverAddresses)
    .where(and(inArray(serverAddresses.address, [...new Set(own.map((a) => a.address))]), sql`${serverAddresses.domain} <> ${host} and ${serverAddresses.domain} not like ${`%.${host}`}`));
  for (const a of own) {
    if (plan.block.some((b) => b.address === a.address) || plan.skip.some((s) => s.address === a.address)) continue;
    const others = shared.filter((s) => s.address === a.address).map((s) => s.domain);
    const range = `${a.address}/${a.address.includes(":") ? 128 : 32}`;
    if (isInternal(a.address) && !ctx.config.allowPrivateAddress) plan.skip.push({ address: a.address, reason: "a loopback or private address (a proxy of ours?)" });
    else if (others.length) plan.skip.push({ address: a.address, reason: `also used by ${others.join(", ")}` });
    else if (await ipBlockByRange(ctx, range)) plan.skip.push({ address: a.address, reason: "already has an IP block" });
    else plan.block.push({ address: a.address, range, domain: a.domain });
  }
  return plan;
}

export function addressPlanLines(domain: string, plan: AddressBlockPlan): string[] {
  if (!plan.block.length && !plan.skip.length) return [`block no addresses: no verified request from ${domain} was seen yet`];
  return [
    ...plan.block.map((b) => `block ${b.range} (no_access; seen for ${b.domain})`),
    ...plan.skip.map((s) => `leave ${s.address} alone: ${s.reason}`),
  ];
}

export async function applyAddressBlocks(ctx: Ctx, domain: string, plan: AddressBlockPlan): Promise<string[]> {
  for (const b of plan.block) await upsertIpBlock(ctx, { range: b.range, severity: "no_access", comment: `server address of ${domain} (suspended)` });
  return plan.block.map((b) => b.range);
}
