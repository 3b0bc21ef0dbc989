// IP blocks: address ranges refused sign-up (or everything). The rules are the admin's
// (ip_blocks) and the active entries of subscribed lists (ip-lists.ts); every request asks
// ipBlockFor, so the rules in force are held per process, indexed by prefix length, for a
// short while. A change clears this process's copy; other processes see it within CACHE_MS.
import { and, asc, eq } from "drizzle-orm";
import { IP_BLOCK_SEVERITIES, ipBlocklistEntries, ipBlocklistSubscriptions, ipBlocks, type IpBlockSeverity } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { newId } from "../../lib/id.ts";
import { formatRange, parseIp, parseRange, rangeOf } from "../../lib/ip.ts";

export type IpBlock = typeof ipBlocks.$inferSelect;
/** A rule in force: an admin's block, or an active entry of a subscribed list (subscriptionId set). */
export type IpRule = Pick<IpBlock, "range" | "severity" | "comment" | "expiresAt" | "subscriptionId">;

export class IpBlockError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

const CACHE_KEY = "abuse:ip-blocks";
const CACHE_MS = 30_000;
const MAX_COMMENT = 1000;

const strength = (s: IpBlockSeverity) => IP_BLOCK_SEVERITIES.indexOf(s);

export function isSeverity(s: unknown): s is IpBlockSeverity {
  return typeof s === "string" && (IP_BLOCK_SEVERITIES as readonly string[]).includes(s);
}

/** The canonical form of a range as an admin typed it, or an IpBlockError. */
export function canonicalRange(text: string): string {
  const r = parseRange(text);
  if (!r) throw new IpBlockError("ip", "is not an IP address or CIDR range");
  // A block of all addresses would lock the admin out too; refuse it outright.
  if (r.prefix === 0) throw new IpBlockError("ip", "covers every address");
  return formatRange(r);
}

export type IpBlockInput = { range: string; severity: string; comment?: string | null; expiresAt?: Date | null };

function checked(input: IpBlockInput) {
  if (!isSeverity(input.severity)) throw new IpBlockError("severity", `must be one of ${IP_BLOCK_SEVERITIES.join(", ")}`);
  const comment = (input.comment ?? "").trim();
  if (comment.length > MAX_COMMENT) throw new IpBlockError("comment", `must be at most ${MAX_COMMENT} characters`);
  return { range: canonicalRange(input.range), severity: input.severity, comment, expiresAt: input.expiresAt ?? null };
}

/** Drops this process's copy of the rules (after any change to blocks or list entries). */
export function forgetIpBlocks(ctx: Ctx) {
  ctx.cache.delete(CACHE_KEY);
}
const changed = forgetIpBlocks;

export async function createIpBlock(ctx: Ctx, input: IpBlockInput): Promise<IpBlock> {
  const v = checked(input);
  const [row] = await ctx.db.insert(ipBlocks).values({ id: newId(), ...v }).onConflictDoNothing().returning();
  if (!row) throw new IpBlockError("ip", "is already blocked");
  changed(ctx);
  return row;
}

/** Sets a range's rule whether or not one exists (CLI and imports). */
export async function upsertIpBlock(ctx: Ctx, input: IpBlockInput): Promise<IpBlock> {
  const v = checked(input);
  const [row] = await ctx.db
    .insert(ipBlocks)
    .values({ id: newId(), ...v })
    .onConflictDoUpdate({ target: ipBlocks.range, set: { severity: v.severity, comment: v.comment, expiresAt: v.expiresAt, subscriptionId: null } })
    .returning();
  changed(ctx);
  return row;
}

export async function updateIpBlock(ctx: Ctx, id: string, patch: Partial<IpBlockInput>): Promise<IpBlock | null> {
  const [old] = await ctx.db.select().from(ipBlocks).where(eq(ipBlocks.id, id));
  if (!old) return null;
  const v = checked({
    range: patch.range ?? old.range,
    severity: patch.severity ?? old.severity,
    comment: patch.comment === undefined ? old.comment : patch.comment,
    expiresAt: patch.expiresAt === undefined ? old.expiresAt : patch.expiresAt,
  });
  if (v.range !== old.range) {
    const [clash] = await ctx.db.select({ id: ipBlocks.id }).from(ipBlocks).where(eq(ipBlocks.range, v.range));
    if (clash) throw new IpBlockError("ip", "is already blocked");
  }
  const [row] = await ctx.db.update(ipBlocks).set(v).where(eq(ipBlocks.id, id)).returning();
  changed(ctx);
  return row ?? null;
}

export async function deleteIpBlock(ctx: Ctx, id: string): Promise<boolean> {
  const gone = await ctx.db.delete(ipBlocks).where(eq(ipBlocks.id, id)).returning({ id: ipBlocks.id });
  changed(ctx);
  return gone.length > 0;
}

export async function ipBlockByRange(ctx: Ctx, range: string): Promise<IpBlock | null> {
  const [row] = await ctx.db.select().from(ipBlocks).where(eq(ipBlocks.range, canonicalRange(range)));
  return row ?? null;
}

export async function listIpBlocks(ctx: Ctx): Promise<IpBlock[]> {
  return ctx.db.select().from(ipBlocks).orderBy(asc(ipBlocks.id));
}

type Index = { v4: Map<number, Map<bigint, IpRule[]>>; v6: Map<number, Map<bigint, IpRule[]>> };

async function loadIndex(ctx: Ctx, now: number): Promise<Index> {
  const hit = ctx.cache.get(CACHE_KEY);
  if (hit && hit.until > now) return hit.value as Index;
  const own: IpRule[] = await ctx.db.select().from(ipBlocks);
  const listed: IpRule[] = (
    await ctx.db
      .select({ range: ipBlocklistEntries.range, severity: ipBlocklistEntries.severity, comment: ipBlocklistEntries.comment, subscriptionId: ipBlocklistEntries.subscriptionId })
      .from(ipBlocklistEntries)
      .innerJoin(ipBlocklistSubscriptions, eq(ipBlocklistSubscriptions.id, ipBlocklistEntries.subscriptionId))
      .where(and(eq(ipBlocklistEntries.state, "active"), eq(ipBlocklistSubscriptions.enabled, true)))
  ).map((e) => ({ ...e, expiresAt: null }));
  // The admin's own rule for a range wins over what lists say about exactly that range.
  const ownRanges = new Set(own.map((b) => b.range));
  const index: Index = { v4: new Map(), v6: new Map() };
  for (const b of [...own, ...listed.filter((e) => !ownRanges.has(e.range))]) {
    const r = parseRange(b.range);
    if (!r) continue;
    const byPrefix = r.version === 4 ? index.v4 : index.v6;
    const bases = byPrefix.get(r.prefix) ?? new Map<bigint, IpRule[]>();
    byPrefix.set(r.prefix, bases);
    bases.set(r.base, [...(bases.get(r.base) ?? []), b]);
  }
  ctx.cache.set(CACHE_KEY, { value: index, until: now + CACHE_MS });
  return index;
}

/** The strictest unexpired block whose range holds the address, or null. */
export async function ipBlockFor(ctx: Ctx, address: string | null, now: number = Date.now()): Promise<IpRule | null> {
  const addr = address ? parseIp(address) : null;
  if (!addr) return null;
  const index = await loadIndex(ctx, now);
  let best: IpRule | null = null;
  for (const [prefix, bases] of addr.version === 4 ? index.v4 : index.v6) {
    for (const b of bases.get(rangeOf(addr, prefix).base) ?? []) {
      if (b.expiresAt && b.expiresAt.getTime() <= now) continue;
      if (!best || strength(b.severity) > strength(best.severity)) best = b;
    }
  }
  return best;
}

export type SignUpPolicy = "allowed" | "needs_approval" | "blocked";

/** What the client's address allows for a new sign-up (the web form and the API ask this). */
export async function signUpPolicyFor(ctx: Ctx, address: string | null, now: number = Date.now()): Promise<SignUpPolicy> {
  const block = await ipBlockFor(ctx, address, now);
  if (!block) return "allowed";
  return block.severity === "sign_up_requires_approval" ? "needs_approval" : "blocked";
}
