// Lemmy: GET /api/v3/federated_instances answers {federated_instances: {linked, allowed,
// blocked}}; entries are Instance objects with a `domain` (very old versions: plain strings).
// `linked` is every server it federates with; `blocked` are its blocks.
import type { Ctx } from "../../domain/context.ts";
import { getJson, hostList, type ScanOptions } from "./http.ts";
import { emptyReading, type Reading } from "./reading.ts";

export function parseLemmy(doc: unknown): { linked: string[]; blocked: string[] } | null {
  const fi = (doc as { federated_instances?: unknown })?.federated_instances;
  if (!fi || typeof fi !== "object" || !Array.isArray((fi as { linked?: unknown }).linked)) return null;
  const { linked, blocked } = fi as { linked: unknown; blocked?: unknown };
  const blocks = hostList(blocked);
  return { linked: hostList(linked).filter((d) => !blocks.includes(d)), blocked: blocks };
}

export async function readLemmy(ctx: Ctx, origin: string, opts: ScanOptions = {}): Promise<Reading> {
  const res = await getJson(ctx, `${origin}/api/v3/federated_instances`, opts);
  if (res.json === undefined) return emptyReading("lemmy", res);
  const parsed = parseLemmy(res.json);
  if (!parsed) return emptyReading("lemmy", res, "no federated_instances.linked list");
  return { ...emptyReading("lemmy", res), federatesWith: parsed.linked, blocks: parsed.blocked };
}
