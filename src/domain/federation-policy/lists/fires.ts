// FIRES (fires.fedimod.org) dataset snapshots: an OrderedCollection whose items are the
// current changes of a dataset. Recommendations about domains become entries: reject and
// drop suspend, filter silences, accept is no rule. Advisories are notices, not rules, and
// actors are not servers; both are reported and skipped. Both spellings the reference server
// has used are read: `entityKind`/`entityKey`/`recommendedPolicy` and
// `entity: {type, value}`/`recommended_policy`.
import { sha256Hex } from "../digest.ts";
import { canaryError, canaryReason } from "./canary.ts";
import { listDomain } from "./domain.ts";
import { emptyReport, MAX_ROWS, refuse, type ListEntry, type ParseReport } from "./types.ts";

type Change = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" ? v : "");
const localName = (v: unknown) => str(v).replace(/^.*[#/:]/, "");

const POLICY: Record<string, ListEntry["severity"] | null> = { reject: "suspend", drop: "suspend", filter: "silence", accept: null };

export function isFiresDocument(doc: unknown): boolean {
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return false;
  const d = doc as Record<string, unknown>;
  return JSON.stringify(d["@context"] ?? "").includes("fires.fedimod.org") || (/Collection/.test(str(d.type)) && ("dataset" in d || "fires:dataset" in d));
}

export function parseFires(doc: unknown): ParseReport {
  const report = emptyReport("fires");
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return refuse(report, "Refused: a FIRES snapshot is a JSON object (an OrderedCollection); nothing was applied.");
  const d = doc as Record<string, unknown>;
  const list = d.orderedItems ?? d.items;
  if (!Array.isArray(list)) {
    return refuse(report, "Refused: no items in this FIRES document. Subscribe to a dataset's snapshot (…/datasets/{id}/snapshot), not to its changes feed; nothing was applied.");
  }
  if (list.length > MAX_ROWS) return refuse(report, `Refused: the snapshot has ${list.length} items, more than the ${MAX_ROWS} accepted; nothing was applied.`);
  const byDigest = new Map<string, ListEntry>();
  for (const [i, c] of (list as Change[]).entries()) {
    const n = i + 1;
    const type = localName(c?.type);
    const entity = (c?.entity ?? {}) as Record<string, unknown>;
    const kind = (str(c?.entityKind) || str(entity.type)).toLowerCase();
    const key = str(c?.entityKey) || str(entity.value);
    if (type === "Retraction" || type === "Tombstone") {
      // a snapshot should not hold these, but if it does, a later retraction undoes an earlier rule
      const p = listDomain(key);
      if ("domain" in p) byDigest.delete(sha256Hex(p.domain));
      continue;
    }
    if (type === "Advisory") {
      report.warnings.push(`item ${n}: an advisory about ${key || "(unnamed)"} is a notice, not a rule; skipped`);
      continue;
    }
    if (type !== "Recommendation") {
      report.rejected.push({ line: n, text: JSON.stringify(c).slice(0, 200), reason: `unknown change type "${type}"` });
      continue;
    }
    if (kind !== "domain") {
      report.warnings.push(`item ${n}: a recommendation about an ${kind || "unknown"} entity is skipped (only domains are server rules)`);
      continue;
    }
    const parsed = listDomain(key);
    const canary = canaryReason("domain" in parsed ? parsed.domain : key.toLowerCase(), key);
    if (canary) return refuse(report, canaryError(n, key, canary));
    if ("reason" in parsed) {
      report.rejected.push({ line: n, text: key, reason: parsed.reason });
      continue;
    }
    const policy = (str(c.recommendedPolicy) || str(c.recommended_policy)).toLowerCase();
    if (!(policy in POLICY)) {
      report.rejected.push({ line: n, text: key, reason: `unknown recommended policy "${policy}"` });
      continue;
    }
    const severity = POLICY[policy];
    const digest = sha256Hex(parsed.domain);
    if (!severity) {
      byDigest.delete(digest);
      continue;
    }
    const filters = (c.recommendedFilters ?? c.recommended_filters ?? []) as unknown[];
    const rejectMedia = Array.isArray(filters) && filters.some((f) => /media/i.test(str(f)));
    const comment = str(c.summary) || str(c.content) || null;
    byDigest.set(digest, { domain: parsed.domain, digest, severity, rejectMedia, rejectReports: false, publicComment: comment });
  }
  report.entries = [...byDigest.values()];
  return report;
}
