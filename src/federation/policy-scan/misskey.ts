// Misskey and its forks: POST /api/federation/instances (no credential needed) lists the
// servers it knows as FederationInstance objects; `federating: true` keeps those with
// followers or followees there, `blocked: true` those the admin blocks. Pages hold at most 100.
// A server Misskey marks isBlocked, or isSuspended (delivery stopped), is not counted as one it
// federates with.
import type { Ctx } from "../../domain/context.ts";
import { PARTIAL_NOTE } from "../../domain/federation-policy/transitive.ts";
import { getJson, type ScanOptions } from "./http.ts";
import { emptyReading, type Reading } from "./reading.ts";

export const MISSKEY_FAMILY = new Set(["misskey", "sharkey", "firefish", "calckey", "foundkey", "iceshrimp", "cherrypick", "catodon", "meisskey"]);
const PAGE = 100;
const MAX_PAGES = 30;

type Instance = { host: string; isBlocked?: boolean; isSuspended?: boolean };

export function parseMisskeyInstances(doc: unknown): Instance[] | null {
  if (!Array.isArray(doc)) return null;
  const out: Instance[] = [];
  for (const i of doc) {
    if (!i || typeof i !== "object" || typeof (i as Instance).host !== "string") return null;
    out.push(i as Instance);
  }
  return out;
}

async function pages(ctx: Ctx, url: string, filter: Record<string, boolean>, opts: ScanOptions) {
  const all: Instance[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await getJson(ctx, url, { ...opts, method: "POST", body: { ...filter, limit: PAGE, offset: page * PAGE } });
    if (res.json === undefined) return { res, all, complete: false };
    const list = parseMisskeyInstances(res.json);
    if (!list) return { res: { ...res, note: "not a list of instances" }, all, complete: false };
    all.push(...list);
    if (list.length < PAGE) return { res, all, complete: true };
  }
  return { res: { url, status: 200, note: `${PARTIAL_NOTE} stopped after ${MAX_PAGES * PAGE} servers` }, all, complete: false };
}

export async function readMisskey(ctx: Ctx, origin: string, opts: ScanOptions = {}): Promise<Reading> {
  const url = `${origin}/api/federation/instances`;
  const federating = await pages(ctx, url, { federating: true }, opts);
  const blocked = await pages(ctx, url, { blocked: true }, opts);
  const reading = emptyReading("misskey", federating.res);
  if (!federating.complete && federating.all.length === 0) return reading;
  reading.federatesWith = federating.all.filter((i) => !i.isBlocked && !i.isSuspended).map((i) => i.host.toLowerCase());
  reading.blocks = blocked.all.map((i) => i.host.toLowerCase());
  return reading;
}
