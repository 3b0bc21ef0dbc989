// The servers we know (Mastodon's /api/v1/instance/peers): the servers of remote accounts we
// store, minus those we block or that wait for approval. Cached a minute: the list is read by
// crawlers, and each name needs its standing.
import { and, isNotNull, isNull } from "drizzle-orm";
import { accounts } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { normalizeDomain, serverStanding } from "./standing.ts";

const TTL_MS = 60_000;

export async function knownPeers(ctx: Ctx): Promise<string[]> {
  const hit = ctx.cache.get("peers");
  if (hit && hit.until > Date.now()) return hit.value as string[];
  const rows = await ctx.db.selectDistinct({ domain: accounts.domain }).from(accounts).where(and(isNotNull(accounts.domain), isNull(accounts.suspendedAt)));
  const names = [...new Set(rows.map((r) => normalizeDomain(r.domain!)))].sort();
  const out: string[] = [];
  for (const name of names) {
    const standing = await serverStanding(ctx, name);
    if (standing !== "blocked" && standing !== "pending") out.push(name);
  }
  ctx.cache.set("peers", { value: out, until: Date.now() + TTL_MS });
  return out;
}
