// Mastodon's (and Pleroma's, Akkoma's, GoToSocial's) instance API: /api/v1/instance/peers, the
// domains a server knows (Mastodon leaves out the ones it blocks), and
// /api/v1/instance/domain_blocks, its published blocks as DomainBlock entities (obfuscated
// names come with the SHA-256 of the real one). Both answer 401 or 404 when the admin keeps
// them private: that is "unknown".
import type { Ctx } from "../../domain/context.ts";
import { getJson, type ScanOptions } from "./http.ts";
import { blockEntry, emptyReading, type Reading } from "./reading.ts";

export function parsePeers(doc: unknown): string[] | null {
  if (!Array.isArray(doc) || !doc.every((d) => typeof d === "string")) return null;
  return doc.map((d) => d.trim().toLowerCase()).filter(Boolean);
}

/** Suspended entries only: a silenced server is still one they federate with. */
export function parseDomainBlocks(doc: unknown): string[] | null {
  if (!Array.isArray(doc)) return null;
  const out: string[] = [];
  for (const b of doc) {
    if (!b || typeof b !== "object") return null;
    const { domain, digest, severity } = b as Record<string, unknown>;
    if (severity !== "suspend") continue;
    const entry = blockEntry(domain, digest);
    if (entry) out.push(entry);
  }
  return out;
}

export async function readPeers(ctx: Ctx, origin: string, opts: ScanOptions = {}): Promise<Reading> {
  const res = await getJson(ctx, `${origin}/api/v1/instance/peers`, opts);
  if (res.json === undefined) return emptyReading("peers", res);
  const peers = parsePeers(res.json);
  if (!peers) return emptyReading("peers", res, "not a list of domains");
  return { ...emptyReading("peers", res), federatesWith: peers };
}

export async function readDomainBlocks(ctx: Ctx, origin: string, opts: ScanOptions = {}): Promise<Reading> {
  const res = await getJson(ctx, `${origin}/api/v1/instance/domain_blocks`, opts);
  if (res.json === undefined) return emptyReading("domain_blocks", res);
  const blocks = parseDomainBlocks(res.json);
  if (!blocks) return emptyReading("domain_blocks", res, "not a list of domain blocks");
  return { ...emptyReading("domain_blocks", res), blocks };
}
