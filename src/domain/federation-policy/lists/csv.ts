// Mastodon's domain-block CSV and the variants published lists use: with `#` before each
// header (Mastodon's export, IFTAS DNI, Garden Fence) or without (Oliphant's unified lists,
// Seirdy's tier0), columns in any order, extra columns (#private_comment), booleans in any
// case (false, False, FALSE), and `#domain`-only lists.
import { sha256Hex } from "../digest.ts";
import { canaryError, canaryReason } from "./canary.ts";
import { listDomain } from "./domain.ts";
import { emptyReport, MAX_ROWS, parseBool, parseSeverity, refuse, type ParseReport } from "./types.ts";

export type CsvRecord = { line: number; text: string; fields: string[] };

/** RFC 4180 records (quoted fields may hold commas, quotes and newlines), with line numbers. */
export function csvRecords(text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let startLine = 1;
  let start = 0;
  const push = (end: number) => {
    fields.push(field);
    const raw = text.slice(start, end);
    if (fields.length > 1 || fields[0]!.trim() !== "") out.push({ line: startLine, text: raw, fields });
    fields = [];
    field = "";
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else {
        if (ch === "\n") line++;
        field += ch;
      }
    } else if (ch === '"' && field.trim() === "") {
      quoted = true;
      field = "";
    } else if (ch === ",") {
      fields.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      push(i);
      if (ch === "\r" && text[i + 1] === "\n") i++;
      line++;
      startLine = line;
      start = i + 1;
    } else field += ch;
  }
  if (field !== "" || fields.length) push(text.length);
  return out;
}

const KNOWN = new Set(["domain", "severity", "reject_media", "reject_reports", "public_comment", "private_comment", "obfuscate", "comment"]);

/** The column names of a header line (`#` and case dropped), or null when it names no domain column. */
export function csvHeader(fields: string[]): string[] | null {
  const names = fields.map((f) => f.trim().replace(/^#/, "").trim().toLowerCase());
  return names.includes("domain") ? names : null;
}

export function parseMastodonCsv(text: string): ParseReport {
  const report = emptyReport("mastodon-csv");
  const records = csvRecords(text);
  if (!records.length) return { ...report, warnings: ["the list is empty"] };
  const [head, ...rows] = records;
  const columns = csvHeader(head!.fields);
  if (!columns) {
    return refuse(
      report,
      `Refused: line ${head!.line} should be a header naming the columns, such as ` +
        `#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate; found "${head!.text.slice(0, 100)}". ` +
        `Without a header the columns cannot be told apart; nothing was applied.`,
    );
  }
  if (rows.length > MAX_ROWS) return refuse(report, `Refused: the list has ${rows.length} rows, more than the ${MAX_ROWS} accepted; nothing was applied.`);
  const unknown = columns.filter((c) => c && !KNOWN.has(c));
  if (unknown.length) report.warnings.push(`columns ignored: ${unknown.join(", ")}`);
  const col = (name: string) => columns.indexOf(name);
  const [iDomain, iSeverity, iMedia, iReports] = [col("domain"), col("severity"), col("reject_media"), col("reject_reports")];
  const iComment = col("public_comment") >= 0 ? col("public_comment") : col("comment");
  for (const r of rows) {
    const rawDomain = r.fields[iDomain] ?? "";
    if (rawDomain.trim().startsWith("#")) continue; // a row someone commented out
    const parsed = listDomain(rawDomain);
    const canary = canaryReason("domain" in parsed ? parsed.domain : rawDomain.trim().toLowerCase(), r.text);
    if (canary) return refuse(report, canaryError(r.line, r.text, canary));
    if ("reason" in parsed) {
      report.rejected.push({ line: r.line, text: r.text, reason: parsed.reason });
      continue;
    }
    const severity = parseSeverity(iSeverity >= 0 ? r.fields[iSeverity] : undefined);
    if (!severity) {
      report.rejected.push({ line: r.line, text: r.text, reason: `unknown severity "${r.fields[iSeverity]}" (suspend, silence or noop)` });
      continue;
    }
    const flag = (i: number, name: string) => {
      const b = parseBool(i >= 0 ? r.fields[i] : undefined);
      if (b === null) report.warnings.push(`line ${r.line}: ${name} "${r.fields[i]}" is not true or false; taken as false`);
      return b ?? false;
    };
    const comment = iComment >= 0 ? (r.fields[iComment] ?? "").trim() : "";
    report.entries.push({
      domain: parsed.domain,
      digest: sha256Hex(parsed.domain),
      severity,
      rejectMedia: flag(iMedia, "reject_media"),
      rejectReports: flag(iReports, "reject_reports"),
      publicComment: comment || null,
      obfuscate: flag(col("obfuscate"), "obfuscate"),
    });
  }
  return report;
}
