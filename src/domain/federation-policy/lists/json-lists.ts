// JSON lists: GoToSocial's domain-permission export (`[{"domain", "public_comment",
// "obfuscate", "private_comment"}]`) and a Mastodon server's /api/v1/instance/domain_blocks
// (`[{"domain", "digest", "severity", "comment"}]`, where obfuscated domains such as
// `exam***.com` are matched by their SHA-256 digest only).
import { sha256Hex } from "../digest.ts";
import { canaryError, canaryReason } from "./canary.ts";
import { listDomain } from "./domain.ts";
import { emptyReport, MAX_ROWS, parseBool, parseSeverity, refuse, type ListEntry, type ParseReport } from "./types.ts";

type Item = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" ? v : "");
const show = (v: unknown) => JSON.stringify(v).slice(0, 200);

function items(report: ParseReport, doc: unknown): Item[] | ParseReport {
  if (!Array.isArray(doc)) return refuse(report, "Refused: expected a JSON array of domain entries; nothing was applied.");
  if (doc.length > MAX_ROWS) return refuse(report, `Refused: the list has ${doc.length} entries, more than the ${MAX_ROWS} accepted; nothing was applied.`);
  return doc as Item[];
}

/** Shared by both shapes: an entry with a readable domain, or null after recording why not. */
function namedEntry(report: ParseReport, item: Item, n: number, severity: ListEntry["severity"], comment: string): ListEntry | "canary" | null {
  const raw = str(item.domain);
  const parsed = listDomain(raw);
  const canary = canaryReason("domain" in parsed ? parsed.domain : raw.toLowerCase(), `${raw} ${comment}`);
  if (canary) {
    Object.assign(report, refuse(report, canaryError(n, show(item), canary)));
    return "canary";
  }
  if ("reason" in parsed) {
    report.rejected.push({ line: n, text: show(item), reason: parsed.reason });
    return null;
  }
  return { domain: parsed.domain, digest: sha256Hex(parsed.domain), severity, rejectMedia: false, rejectReports: false, publicComment: comment.trim() || null };
}

export function parseGotosocialJson(doc: unknown): ParseReport {
  const report = emptyReport("gotosocial-json");
  const list = items(report, doc);
  if (!Array.isArray(list)) return list;
  for (const [i, item] of list.entries()) {
    if (!item || typeof item !== "object") {
      report.rejected.push({ line: i + 1, text: show(item), reason: "not an object" });
      continue;
    }
    // GoToSocial has blocks only; a severity field, when a tool adds one, is honoured.
    const severity = parseSeverity(item.severity);
    if (!severity) {
      report.rejected.push({ line: i + 1, text: show(item), reason: `unknown severity ${show(item.severity)}` });
      continue;
    }
    const e = namedEntry(report, item, i + 1, severity, str(item.public_comment));
    if (e === "canary") return report;
    if (!e) continue;
    e.rejectMedia = parseBool(item.reject_media as string) ?? false;
    e.rejectReports = parseBool(item.reject_reports as string) ?? false;
    report.entries.push(e);
  }
  return report;
}

export function parseMastodonApi(doc: unknown): ParseReport {
  const report = emptyReport("mastodon-api");
  const list = items(report, doc);
  if (!Array.isArray(list)) return list;
  for (const [i, item] of list.entries()) {
    const n = i + 1;
    if (!item || typeof item !== "object") {
      report.rejected.push({ line: n, text: show(item), reason: "not an object" });
      continue;
    }
    const severity = item.severity === "silence" || item.severity === "suspend" || item.severity === "noop" ? item.severity : null;
    if (!severity) {
      report.rejected.push({ line: n, text: show(item), reason: `unknown severity ${show(item.severity)}` });
      continue;
    }
    const digest = str(item.digest).toLowerCase();
    if (str(item.domain).includes("*")) {
      if (!/^[0-9a-f]{64}$/.test(digest)) {
        report.rejected.push({ line: n, text: show(item), reason: "obfuscated domain without a valid SHA-256 digest" });
        continue;
      }
      report.entries.push({ domain: null, digest, severity, rejectMedia: false, rejectReports: false, publicComment: str(item.comment).trim() || null });
      continue;
    }
    const e = namedEntry(report, item, n, severity, str(item.comment));
    if (e === "canary") return report;
    if (!e) continue;
    if (digest && digest !== e.digest) report.warnings.push(`entry ${n}: the published digest of ${e.domain} does not match its name; the name is used`);
    report.entries.push(e);
  }
  return report;
}
