// What each reader makes of one source: the servers it shows them federating with (before we
// look at which of those we suspend), the blocks they publish, and what they declare.
export type ScanSource = "nodeinfo" | "peers" | "domain_blocks" | "misskey" | "lemmy";

export type Reading = {
  source: ScanSource;
  url: string;
  status: number | null;
  note?: string;
  /** servers this source shows them exchanging data with */
  federatesWith: string[];
  /** servers they say they suspend / reject: domains, or "sha256:<hex>" for obfuscated ones */
  blocks: string[];
  /** their declared policy (NodeInfo only) */
  policy?: Record<string, unknown>;
  /** NodeInfo software.name, lower case */
  software?: string;
};

export function emptyReading(source: ScanSource, fetched: { url: string; status: number | null; note?: string }, note?: string): Reading {
  return { source, url: fetched.url, status: fetched.status, note: note ?? fetched.note, federatesWith: [], blocks: [] };
}

/** A published block as we store it: the name, or the digest when the name was obfuscated. */
export function blockEntry(domain: unknown, digest: unknown): string | null {
  if (typeof domain === "string" && domain && !domain.includes("*")) return domain.trim().toLowerCase();
  if (typeof digest === "string" && /^[0-9a-f]{64}$/i.test(digest)) return `sha256:${digest.toLowerCase()}`;
  return null;
}
