// NodeInfo: found through /.well-known/nodeinfo, then read for what servers say of their own
// federation. Three shapes are understood:
// - Caracol's `metadata.caracol` (federationMode, metaPolicy, transitivePolicy, rules, ...);
// - Akkoma/Pleroma's `metadata.federation` (MRF transparency): `mrf_simple.reject` are their
//   blocks, a non-empty `mrf_simple.accept` is an allow-list they federate with,
//   `quarantined_instances` get no private posts from them (recorded, neither block nor bond);
// - Akkoma's `metadata.localBubbleInstances`: servers they federate with closely.
import type { Ctx } from "../../domain/context.ts";
import { getJson, hostList, type ScanOptions } from "./http.ts";
import { blockEntry, emptyReading, type Reading } from "./reading.ts";

const SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/";

/** The href of the newest NodeInfo 2.x the index links to, on the same host. */
export function nodeInfoHref(index: unknown, origin: string): string | null {
  const links = (index as { links?: unknown })?.links;
  if (!Array.isArray(links)) return null;
  const candidates = links
    .filter((l): l is { rel: string; href: string } => typeof l?.rel === "string" && typeof l?.href === "string" && l.rel.startsWith(SCHEMA))
    .map((l) => ({ version: l.rel.slice(SCHEMA.length), href: l.href }))
    .filter((l) => /^2\.\d+$/.test(l.version))
    .sort((a, b) => Number(b.version.split(".")[1]) - Number(a.version.split(".")[1]));
  for (const c of candidates) {
    try {
      // A NodeInfo elsewhere would let a server make us fetch any URL in its name.
      if (new URL(c.href, origin).hostname === new URL(origin).hostname) return new URL(c.href, origin).href;
    } catch {
      // a broken link: try the next
    }
  }
  return null;
}

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** Reads a NodeInfo document (any 2.x) into a Reading without the fetch details. */
export function parseNodeInfo(doc: unknown): Pick<Reading, "federatesWith" | "blocks" | "policy" | "software"> {
  const d = obj(doc);
  const software = typeof obj(d.software).name === "string" ? String(obj(d.software).name).toLowerCase() : undefined;
  const meta = obj(d.metadata);
  const federatesWith: string[] = [];
  const blocks: string[] = [];
  const policy: Record<string, unknown> = {};

  const caracol = obj(meta.caracol);
  if (Object.keys(caracol).length) {
    policy.caracol = caracol;
    for (const r of Array.isArray(caracol.rules) ? caracol.rules : []) {
      const rule = obj(r);
      if (rule.severity !== "suspend") continue;
      const entry = blockEntry(rule.domain, rule.digest);
      if (entry) blocks.push(entry);
    }
  }

  const fed = obj(meta.federation);
  if (Object.keys(fed).length) {
    const simple = obj(fed.mrf_simple);
    // A name with `*` in it is obfuscated: our own `caracol.rules` carries its digest instead.
    blocks.push(...hostList(simple.reject).filter((d) => !d.includes("*")));
    federatesWith.push(...hostList(simple.accept));
    policy.federation = {
      mrf_policies: Array.isArray(fed.mrf_policies) ? fed.mrf_policies.filter((p) => typeof p === "string") : [],
      exclusions: fed.exclusions === true,
      quarantined_instances: hostList(fed.quarantined_instances),
      reject: hostList(simple.reject),
      accept: hostList(simple.accept),
    };
  }

  const bubble = hostList(meta.localBubbleInstances);
  if (bubble.length) {
    federatesWith.push(...bubble);
    policy.localBubbleInstances = bubble;
  }
  return { software, federatesWith: [...new Set(federatesWith)], blocks: [...new Set(blocks)], policy };
}

export async function readNodeInfo(ctx: Ctx, origin: string, opts: ScanOptions = {}): Promise<Reading> {
  const index = await getJson(ctx, `${origin}/.well-known/nodeinfo`, opts);
  if (index.json === undefined) return emptyReading("nodeinfo", index);
  const href = nodeInfoHref(index.json, origin);
  if (!href) return emptyReading("nodeinfo", index, "no NodeInfo 2.x link on this host");
  const doc = await getJson(ctx, href, opts);
  if (doc.json === undefined) return emptyReading("nodeinfo", doc);
  return { source: "nodeinfo", url: doc.url, status: doc.status, ...parseNodeInfo(doc.json) };
}
