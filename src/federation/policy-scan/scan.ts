// Scanning a server for transitive defederation: read what it publishes (NodeInfo, then the
// instance lists its software offers), keep what it shows it federates with minus what it
// says it blocks, and check those against the domains we suspend. One server_scans row per
// server holds the evidence, its dates and the verdict; standing.ts turns the verdict into a
// standing according to the transitive policy.
import { serverScans, type ScanEvidence, type ScanVerdict } from "../../db/schema/index.ts";
import type { Ctx } from "../../domain/context.ts";
import { sha256Hex } from "../../domain/federation-policy/digest.ts";
import { effectiveRule, forgetStandings, normalizeDomain } from "../../domain/federation-policy/standing.ts";
import { exchangePartners, originOf, suspendedAmong, verdictFrom } from "../../domain/federation-policy/transitive.ts";
import type { ScanOptions } from "./http.ts";
import { readNodeInfo } from "./nodeinfo.ts";
import { readDomainBlocks, readPeers } from "./mastodon.ts";
import { MISSKEY_FAMILY, readMisskey } from "./misskey.ts";
import { readLemmy } from "./lemmy.ts";
import type { Reading } from "./reading.ts";

export type ScanResult = {
  domain: string;
  verdict: ScanVerdict;
  evidence: ScanEvidence[];
  publishedBlocks: string[];
  publishedPolicy: Record<string, unknown>;
  scannedAt: Date;
};

/** The readers worth asking, by the software NodeInfo names (Mastodon's API when unknown). */
async function otherSources(ctx: Ctx, origin: string, software: string | undefined, opts: ScanOptions): Promise<Reading[]> {
  if (software && MISSKEY_FAMILY.has(software)) return [await readMisskey(ctx, origin, opts)];
  if (software === "lemmy") return [await readLemmy(ctx, origin, opts)];
  return Promise.all([readPeers(ctx, origin, opts), readDomainBlocks(ctx, origin, opts)]);
}

/** A server that blocks a domain (by name, a parent's name, or digest) does not federate with it. */
function blockedBy(blocks: readonly string[]): (domain: string) => boolean {
  const set = new Set(blocks);
  return (domain) => {
    const parts = domain.split(".");
    for (let i = 0; i < parts.length; i++) {
      const name = parts.slice(i).join(".");
      if (set.has(name) || set.has(`sha256:${sha256Hex(name)}`)) return true;
    }
    return false;
  };
}

/** Scans one server now (on demand or when due) and stores the result. */
export async function scanServer(ctx: Ctx, domain: string, opts: ScanOptions & { origin?: string } = {}): Promise<ScanResult> {
  const name = normalizeDomain(domain);
  const origin = opts.origin ?? (await originOf(ctx, name));
  const nodeinfo = await readNodeInfo(ctx, origin, opts);
  const readings = [nodeinfo, ...(await otherSources(ctx, origin, nodeinfo.software, opts))];
  const publishedBlocks = [...new Set(readings.flatMap((r) => r.blocks))].sort();
  const theyBlock = blockedBy(publishedBlocks);
  const at = new Date();
  const evidence: ScanEvidence[] = [];
  for (const r of readings) {
    const candidates = r.federatesWith.filter((d) => d !== name && !theyBlock(d));
    const item: ScanEvidence = { source: r.source, url: r.url, status: r.status, at: at.toISOString(), found: await suspendedAmong(ctx, candidates) };
    const note = r.note ?? (r.status === 200 && r.source !== "domain_blocks" ? `${candidates.length} servers listed` : undefined);
    if (note) item.note = note;
    evidence.push(item);
  }
  const verdict = verdictFrom(evidence);
  const publishedPolicy = { ...(nodeinfo.software ? { software: nodeinfo.software } : {}), ...(nodeinfo.policy ?? {}) };
  const row = { domain: name, verdict, evidence, publishedBlocks, publishedPolicy, scannedAt: at };
  await ctx.db.insert(serverScans).values(row).onConflictDoUpdate({ target: serverScans.domain, set: row });
  forgetStandings(ctx);
  return row;
}

/**
 * Scans every server we exchange data with whose last scan is older than `olderThanHours` (or
 * that was never scanned). Servers we suspend are not contacted.
 */
export async function scanDueServers(ctx: Ctx, opts: ScanOptions & { olderThanHours: number; signal?: AbortSignal }): Promise<ScanResult[]> {
  const cutoff = new Date(Date.now() - opts.olderThanHours * 3600_000);
  const scanned = new Map(
    (await ctx.db.select({ d: serverScans.domain, at: serverScans.scannedAt }).from(serverScans)).map((r) => [r.d, r.at]),
  );
  const out: ScanResult[] = [];
  for (const p of await exchangePartners(ctx)) {
    if (opts.signal?.aborted) break;
    const last = scanned.get(p.domain);
    if (last && last >= cutoff) continue;
    if ((await effectiveRule(ctx, p.domain))?.severity === "suspend") continue;
    out.push(await scanServer(ctx, p.domain, { ...opts, origin: p.origin }));
  }
  return out;
}
