// Consent-aware delivery: an activity that carries someone else's content (a boost of their
// post, a reply that names and quotes their thread) goes only where that someone's server
// would send it too.
//
// - A local author's content: our own standing with each server already decides (the outbox
//   never sends to a server we suspend or have not approved), so nothing more is needed here.
// - A remote author's content: the blocks their server publishes, as the transitive scanner
//   stored them in server_scans.published_blocks (domains, or "sha256:<hex>" of a domain for
//   the obfuscated ones). A recipient server whose host, or a parent domain of it, is listed
//   there gets nothing that carries that author's content.
//
// Severity: published_blocks holds suspensions only. The scanner keeps Mastodon's
// /api/v1/instance/domain_blocks entries with severity "suspend", Pleroma/Akkoma's
// mrf_simple.reject and our own published rules with severity "suspend", and drops silence /
// limit entries: a server that only limits another still delivers to it, and so do we.
// A server never scanned (or scanned before it published anything) has no row: we cannot know
// its blocks and deliver as usual.
import { inArray } from "drizzle-orm";
import { accounts, serverScans } from "../../db/schema/index.ts";
import type { Ctx } from "../../domain/context.ts";
import { sha256Hex } from "../../domain/federation-policy/digest.ts";
import { domainAndParents, normalizeDomain } from "../../domain/federation-policy/standing.ts";
import type { Delivery } from "./recipients.ts";

/** A delivery left out because an author whose content it carries is on a server that blocks it. */
export type Withheld = { inbox: string; actorId: string; why: string };

type Blocker = { domain: string; blocks: Set<string> };

/** The published blocks of the servers of these accounts (local ones have none to read). */
async function blockersOf(ctx: Ctx, authorIds: readonly (string | null | undefined)[]): Promise<Blocker[]> {
  const ids = [...new Set(authorIds.filter((x): x is string => !!x))];
  if (ids.length === 0) return [];
  const rows = await ctx.db.select({ domain: accounts.domain }).from(accounts).where(inArray(accounts.id, ids));
  const domains = [...new Set(rows.flatMap((r) => (r.domain ? [normalizeDomain(r.domain)] : [])))];
  const out: Blocker[] = [];
  for (const domain of domains) {
    // the most specific scanned name wins (a server's scan row is keyed by its own host)
    const names = domainAndParents(domain);
    const scans = await ctx.db.select({ domain: serverScans.domain, blocks: serverScans.publishedBlocks }).from(serverScans).where(inArray(serverScans.domain, names));
    const scan = scans.filter((s) => s.blocks !== null).sort((a, b) => b.domain.length - a.domain.length)[0];
    if (scan?.blocks?.length) out.push({ domain, blocks: new Set(scan.blocks.map((b) => b.toLowerCase())) });
  }
  return out;
}

function blockedBy(blockers: readonly Blocker[], host: string): string | null {
  for (const b of blockers) {
    for (const name of domainAndParents(host)) {
      if (b.blocks.has(name) || b.blocks.has(`sha256:${sha256Hex(name)}`)) return `${b.domain} publishes a suspension of ${name}, and this carries content from ${b.domain}`;
    }
  }
  return null;
}

/**
 * Splits deliveries into those the authors' servers allow and those withheld. `authorIds` are
 * the accounts whose content the activity carries (the boosted post's author, the author of the
 * post replied to); the sender's own content needs no check here.
 */
export async function honourAuthorsBlocks(
  ctx: Ctx,
  authorIds: readonly (string | null | undefined)[],
  deliveries: readonly Delivery[],
): Promise<{ deliveries: Delivery[]; withheld: Withheld[] }> {
  const blockers = await blockersOf(ctx, authorIds);
  if (blockers.length === 0) return { deliveries: [...deliveries], withheld: [] };
  const kept: Delivery[] = [];
  const withheld: Withheld[] = [];
  for (const d of deliveries) {
    const why = blockedBy(blockers, d.inbox.host) ?? blockedBy(blockers, d.actorId.host);
    if (why) withheld.push({ inbox: d.inbox.href, actorId: d.actorId.href, why });
    else kept.push(d);
  }
  return { deliveries: kept, withheld };
}
