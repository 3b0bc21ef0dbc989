// Our domain rules as others may see them (/api/v1/instance/domain_blocks, NodeInfo): suspend
// and silence only, each with its digest, obfuscated where the admin asked for it. Private
// comments never leave this module.
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import { blocklistEntries, blocklistSubscriptions, domainBlocks } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { sha256Hex } from "./digest.ts";
import { cappedSeverity } from "./standing.ts";

export type PublicDomainRule = { domain: string; digest: string; severity: "silence" | "suspend"; comment: string | null };

/**
 * Hides the middle of each label with `*`, keeping the dots and about a quarter of the name at
 * each end: enough for the people the block protects to recognise it, not enough to link it.
 */
export function obfuscateDomain(domain: string): string {
  const keep = Math.floor(domain.length / 4);
  return [...domain].map((ch, i) => (ch !== "." && i > keep && i < domain.length - keep - 1 ? "*" : ch)).join("");
}

export async function publicDomainRules(ctx: Ctx): Promise<PublicDomainRule[]> {
  const out = new Map<string, PublicDomainRule>();
  const manual = await ctx.db.select().from(domainBlocks).where(inArray(domainBlocks.severity, ["suspend", "silence"]));
  for (const r of manual) {
    out.set(r.domain, {
      domain: r.obfuscate ? obfuscateDomain(r.domain) : r.domain,
      digest: sha256Hex(r.domain),
      severity: r.severity as "silence" | "suspend",
      comment: r.publicComment,
    });
  }
  // Rules that came from lists others maintain are published obfuscated: the list's
  // maintainers chose where to publish them, not us.
  const listed = await ctx.db
    .select({ domain: blocklistEntries.domain, severity: blocklistEntries.severity, cap: blocklistSubscriptions.severityCap, comment: blocklistEntries.publicComment })
    .from(blocklistEntries)
    .innerJoin(blocklistSubscriptions, eq(blocklistSubscriptions.id, blocklistEntries.subscriptionId))
    .where(and(eq(blocklistEntries.state, "active"), eq(blocklistSubscriptions.enabled, true), isNotNull(blocklistEntries.domain)));
  for (const r of listed) {
    const severity = cappedSeverity(r.severity, r.cap);
    if (severity === "noop" || !r.domain || out.has(r.domain)) continue;
    out.set(r.domain, { domain: obfuscateDomain(r.domain), digest: sha256Hex(r.domain), severity, comment: r.comment });
  }
  return [...out.values()].sort((a, b) => a.digest.localeCompare(b.digest));
}
