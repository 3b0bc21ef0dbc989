// What every blocklist parser returns, and the limits they share.
import type { DomainBlockSeverity, ListFormat } from "../../../db/schema/index.ts";

/** A list is refused whole past this many rows: nobody reviews 20,000 decisions. */
export const MAX_ROWS = 20_000;

export type ListEntry = {
  /** null for entries published obfuscated (only the digest is known) */
  domain: string | null;
  /** SHA-256 hex of the domain */
  digest: string;
  severity: DomainBlockSeverity;
  rejectMedia: boolean;
  rejectReports: boolean;
  publicComment: string | null;
  /** Mastodon's #obfuscate column, kept for hand imports (subscriptions publish list entries obfuscated anyway) */
  obfuscate?: boolean;
};

/** The members a circle document (ours, or an Akkoma NodeInfo's bubble) names. */
export type CircleInfo = {
  source: "caracol" | "akkoma-bubble";
  name: string | null;
  description: string;
  members: string[];
};

export type RejectedLine = { line: number; text: string; reason: string };

export type ParseReport = {
  /** the format actually parsed ("auto" is resolved) */
  format: Exclude<ListFormat, "auto">;
  entries: ListEntry[];
  warnings: string[];
  rejected: RejectedLine[];
  /** set when the whole list is refused; entries is then empty */
  error: string | null;
  circle?: CircleInfo;
};

export function emptyReport(format: ParseReport["format"]): ParseReport {
  return { format, entries: [], warnings: [], rejected: [], error: null };
}

/** Refuses the whole list: nothing in it may be applied. */
export function refuse(report: ParseReport, error: string): ParseReport {
  return { ...report, entries: [], circle: undefined, error };
}

/** Keeps the first entry for each digest and says which later ones were dropped. */
export function dedupe(report: ParseReport): ParseReport {
  const seen = new Set<string>();
  const entries: ListEntry[] = [];
  for (const e of report.entries) {
    if (seen.has(e.digest)) {
      report.warnings.push(`${e.domain ?? e.digest} is listed more than once; the first entry is used`);
      continue;
    }
    seen.add(e.digest);
    entries.push(e);
  }
  return { ...report, entries };
}

/** Booleans as lists write them: true/True/TRUE/1, false/False/FALSE/0, or empty. */
export function parseBool(raw: string | boolean | undefined | null): boolean | null {
  if (raw === undefined || raw === null) return false;
  if (typeof raw === "boolean") return raw;
  const s = raw.trim().toLowerCase();
  if (s === "" || s === "false" || s === "0" || s === "no") return false;
  if (s === "true" || s === "1" || s === "yes") return true;
  return null;
}

/** A severity as lists write it; empty means suspend (Mastodon's default on import). */
export function parseSeverity(raw: unknown): DomainBlockSeverity | null {
  if (raw === undefined || raw === null) return "suspend";
  if (typeof raw !== "string") return null;
  const s = raw.trim().toLowerCase();
  if (s === "") return "suspend";
  if (s === "suspend" || s === "silence" || s === "noop") return s;
  // Pleroma/Akkoma and some tools write these
  if (s === "reject" || s === "block" || s === "defederate") return "suspend";
  if (s === "limit" || s === "federated_timeline_removal" || s === "limited") return "silence";
  return null;
}
