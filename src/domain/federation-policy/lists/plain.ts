// Plain text lists (Seirdy's FediNuke.txt and the like): one domain per line, `#` starts a
// comment. Every entry is a suspension; there is nowhere to say otherwise.
import { sha256Hex } from "../digest.ts";
import { canaryError, canaryReason } from "./canary.ts";
import { listDomain } from "./domain.ts";
import { emptyReport, MAX_ROWS, refuse, type ParseReport } from "./types.ts";

export function parsePlain(text: string): ParseReport {
  const report = emptyReport("plain");
  const lines = text.split(/\r\n|\n|\r/);
  const rows = lines.map((l, i) => ({ line: i + 1, text: l, value: l.replace(/(^|\s)#.*$/, "").trim() })).filter((r) => r.value !== "");
  if (rows.length > MAX_ROWS) return refuse(report, `Refused: the list has ${rows.length} rows, more than the ${MAX_ROWS} accepted; nothing was applied.`);
  for (const r of rows) {
    const parsed = listDomain(r.value);
    const canary = canaryReason("domain" in parsed ? parsed.domain : r.value.toLowerCase(), r.text);
    if (canary) return refuse(report, canaryError(r.line, r.text, canary));
    if ("reason" in parsed) {
      report.rejected.push({ line: r.line, text: r.text, reason: parsed.reason });
      continue;
    }
    report.entries.push({ domain: parsed.domain, digest: sha256Hex(parsed.domain), severity: "suspend", rejectMedia: false, rejectReports: false, publicComment: null });
  }
  if (!rows.length) report.warnings.push("the list is empty");
  return report;
}
