// Circle documents: a Caracol circle as published at /circles/{id}
//   {"type": "CaracolCircle", "id", "name", "description", "members": [domains],
//    "rules": [{"domain", "severity", "reject_media", "reject_reports", "comment"}], "updated"}
// and an Akkoma server's NodeInfo, whose `metadata.localBubbleInstances` names the servers in
// its bubble (members only; a bubble shares no rules).
import { sha256Hex } from "../digest.ts";
import { canaryError, canaryReason } from "./canary.ts";
import { listDomain } from "./domain.ts";
import { emptyReport, MAX_ROWS, parseBool, parseSeverity, refuse, type ParseReport } from "./types.ts";

type Obj = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" ? v : "");
const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);

export function isCircleDocument(doc: unknown): boolean {
  return isObj(doc) && (doc.type === "CaracolCircle" || (isObj(doc.metadata) && Array.isArray(doc.metadata.localBubbleInstances)));
}

function members(report: ParseReport, raw: unknown[]): string[] | null {
  const out = new Set<string>();
  for (const [i, m] of raw.entries()) {
    const parsed = listDomain(str(m));
    if ("reason" in parsed) report.rejected.push({ line: i + 1, text: `member ${JSON.stringify(m)}`, reason: parsed.reason });
    else out.add(parsed.domain);
  }
  return [...out];
}

export function parseCircle(doc: unknown): ParseReport {
  const report = emptyReport("caracol-circle");
  if (!isObj(doc)) return refuse(report, "Refused: a circle document is a JSON object; nothing was applied.");
  if (doc.type !== "CaracolCircle") {
    const bubble = isObj(doc.metadata) ? doc.metadata.localBubbleInstances : undefined;
    if (!Array.isArray(bubble)) {
      return refuse(report, 'Refused: neither a circle document ("type": "CaracolCircle") nor a NodeInfo document with metadata.localBubbleInstances; nothing was applied.');
    }
    if (bubble.length > MAX_ROWS) return refuse(report, `Refused: the bubble has ${bubble.length} members, more than the ${MAX_ROWS} accepted.`);
    const name = isObj(doc.metadata) ? str(doc.metadata.nodeName) : "";
    report.circle = { source: "akkoma-bubble", name: name ? `${name} bubble` : null, description: "", members: members(report, bubble) ?? [] };
    return report;
  }
  const rawMembers = Array.isArray(doc.members) ? doc.members : [];
  const rules = Array.isArray(doc.rules) ? (doc.rules as unknown[]) : [];
  if (rawMembers.length + rules.length > MAX_ROWS) return refuse(report, `Refused: the circle has more than ${MAX_ROWS} members and rules; nothing was applied.`);
  for (const [i, r] of rules.entries()) {
    const n = i + 1;
    const rule = isObj(r) ? r : {};
    const raw = str(rule.domain);
    const parsed = listDomain(raw);
    const canary = canaryReason("domain" in parsed ? parsed.domain : raw.toLowerCase(), `${raw} ${str(rule.comment)}`);
    if (canary) return refuse(report, canaryError(n, JSON.stringify(r), canary));
    if ("reason" in parsed) {
      report.rejected.push({ line: n, text: `rule ${JSON.stringify(r).slice(0, 200)}`, reason: parsed.reason });
      continue;
    }
    const severity = parseSeverity(rule.severity);
    if (!severity) {
      report.rejected.push({ line: n, text: `rule ${JSON.stringify(r).slice(0, 200)}`, reason: `unknown severity ${JSON.stringify(rule.severity)}` });
      continue;
    }
    report.entries.push({
      domain: parsed.domain,
      digest: sha256Hex(parsed.domain),
      severity,
      rejectMedia: parseBool(rule.reject_media as boolean) ?? false,
      rejectReports: parseBool(rule.reject_reports as boolean) ?? false,
      publicComment: str(rule.comment).trim() || null,
    });
  }
  report.circle = { source: "caracol", name: str(doc.name).trim() || null, description: str(doc.description), members: members(report, rawMembers) ?? [] };
  return report;
}
