// Blocklist parsing: bytes in, a report out (entries, warnings, rejected lines, or an error that
// refuses the whole list). Pure: no database, no network.
import type { ListFormat } from "../../../db/schema/index.ts";
import { parseCircle } from "./circle.ts";
import { parseMastodonCsv } from "./csv.ts";
import { detectFormat } from "./detect.ts";
import { parseFires } from "./fires.ts";
import { parseGotosocialJson, parseMastodonApi } from "./json-lists.ts";
import { parsePlain } from "./plain.ts";
import { dedupe, emptyReport, refuse, type ParseReport } from "./types.ts";

export type { CircleInfo, ListEntry, ParseReport, RejectedLine } from "./types.ts";
export { MAX_ROWS } from "./types.ts";
export { listDomain } from "./domain.ts";

export function parseBlocklist(bytes: Uint8Array, format: ListFormat = "auto"): ParseReport {
  const named = format === "auto" ? "plain" : format;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return refuse(emptyReport(named), "Refused: the list is not valid UTF-8 text (save it as UTF-8 and try again); nothing was applied.");
  }
  if (text.includes("\u0000")) return refuse(emptyReport(named), "Refused: the list contains NUL bytes, so it is not a text list; nothing was applied.");
  const detected = detectFormat(text);
  if (format === "auto" && "error" in detected) return refuse(emptyReport(named), detected.error);
  const resolved = format === "auto" ? (detected as { format: Exclude<ListFormat, "auto"> }).format : format;
  let json: unknown = "json" in detected ? detected.json : undefined;
  if (resolved !== "mastodon-csv" && resolved !== "plain" && json === undefined) {
    try {
      json = JSON.parse(text);
    } catch (e) {
      return refuse(emptyReport(resolved), `Refused: not valid JSON (${(e as Error).message}); nothing was applied.`);
    }
  }
  const report = (() => {
    switch (resolved) {
      case "mastodon-csv":
        return parseMastodonCsv(text);
      case "plain":
        return parsePlain(text);
      case "gotosocial-json":
        return parseGotosocialJson(json);
      case "mastodon-api":
        return parseMastodonApi(json);
      case "fires":
        return parseFires(json);
      case "caracol-circle":
        return parseCircle(json);
    }
  })();
  return report.error ? report : dedupe(report);
}

/** One line for people: counts, and the error when the list was refused. */
export function summarizeReport(r: ParseReport): string {
  if (r.error) return r.error;
  const bits = [`${r.entries.length} entries (${r.format})`];
  if (r.circle) bits.push(`${r.circle.members.length} members`);
  if (r.rejected.length) bits.push(`${r.rejected.length} lines rejected`);
  if (r.warnings.length) bits.push(`${r.warnings.length} warnings`);
  return bits.join(", ");
}
