// IP lists as text: CSV (`ip,severity,comment,expires_at`, the shape `ip export` writes, header
// optional) or one range per line; `#` starts a comment line. Used by import and export, and
// meant for subscribed lists too.
import { IP_BLOCK_SEVERITIES, type IpBlockSeverity } from "../../db/schema/index.ts";
import { formatRange, parseRange } from "../../lib/ip.ts";
import type { IpBlock } from "./ip-blocks.ts";

export type IpListEntry = { range: string; severity: IpBlockSeverity | null; comment: string; expiresAt: Date | null };
export type IpListParse = { entries: IpListEntry[]; rejected: { line: number; text: string; reason: string }[] };

/** Splits one CSV line (RFC 4180 quoting; no quoted line breaks in these files). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur === "") quoted = true;
    else if (ch === ",") out.push(cur), (cur = "");
    else cur += ch;
  }
  out.push(cur);
  return out.map((f) => f.trim());
}

const csvField = (s: string) => (/[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s);

export function parseIpList(text: string, maxEntries = 100_000): IpListParse {
  const entries: IpListEntry[] = [];
  const rejected: IpListParse["rejected"] = [];
  const seen = new Set<string>();
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith(";")) return;
    const [first, severityText = "", comment = "", expires = ""] = csvFields(line);
    // A header row names its columns (no range is called that); skip it.
    if (/^(ip|range)$/i.test(first)) return;
    // Plain lists may carry a trailing comment after the range ("203.0.113.0/24 # spam").
    const rangeText = first.split(/\s+#|\s+/)[0];
    const range = parseRange(rangeText);
    const reject = (reason: string) => rejected.push({ line: i + 1, text: raw.slice(0, 200), reason });
    if (!range) return reject("not an IP address or CIDR range");
    if (range.prefix === 0) return reject("covers every address");
    const severity = severityText ? severityText.toLowerCase() : null;
    if (severity !== null && !(IP_BLOCK_SEVERITIES as readonly string[]).includes(severity)) return reject(`unknown severity ${severityText}`);
    const expiresAt = expires ? new Date(expires) : null;
    if (expiresAt && Number.isNaN(expiresAt.getTime())) return reject(`unreadable expiry ${expires}`);
    const canonical = formatRange(range);
    if (seen.has(canonical)) return;
    if (entries.length >= maxEntries) return reject(`more than ${maxEntries} entries`);
    seen.add(canonical);
    entries.push({ range: canonical, severity: severity as IpBlockSeverity | null, comment: comment.slice(0, 1000), expiresAt });
  });
  return { entries, rejected };
}

export function ipBlocksToCsv(blocks: IpBlock[]): string {
  const rows = blocks.map((b) => [b.range, b.severity, b.comment, b.expiresAt?.toISOString() ?? ""].map(csvField).join(","));
  return ["ip,severity,comment,expires_at", ...rows].join("\n") + "\n";
}
