// How we stand with a remote server. The federation-policy work (allow-lists, approval first,
// transitive defederation) will refine this; today a suspended domain (or a parent of it) is
// "blocked" and everything else "allowed".
import { inArray } from "drizzle-orm";
import { domainBlocks } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import type { ServerStanding } from "../audience/viewer.ts";

/** `a.b.example.com` -> ["a.b.example.com", "b.example.com", "example.com"] (ports dropped). */
export function domainAndParents(host: string): string[] {
  const name = host.toLowerCase().replace(/:\d+$/, "").replace(/\.$/, "");
  const parts = name.split(".");
  const out: string[] = [];
  for (let i = 0; i < parts.length - 1 || (i === 0 && parts.length === 1); i++) out.push(parts.slice(i).join("."));
  return out;
}

const TTL_MS = 5000;

export async function serverStanding(ctx: Ctx, host: string): Promise<ServerStanding> {
  const key = `standing:${host.toLowerCase()}`;
  const hit = ctx.cache.get(key);
  if (hit && hit.until > Date.now()) return hit.value as ServerStanding;
  const rows = await ctx.db.select({ severity: domainBlocks.severity }).from(domainBlocks).where(inArray(domainBlocks.domain, domainAndParents(host)));
  const standing: ServerStanding = rows.some((r) => r.severity === "suspend") ? "blocked" : rows.some((r) => r.severity === "silence") ? "limited" : "allowed";
  ctx.cache.set(key, { value: standing, until: Date.now() + TTL_MS });
  return standing;
}

export function forgetStandings(ctx: Ctx): void {
  for (const k of ctx.cache.keys()) if (k.startsWith("standing:")) ctx.cache.delete(k);
}
