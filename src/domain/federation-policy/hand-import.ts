// Importing and exporting the admin's own domain rules by hand, in Mastodon's CSV
// (#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate). An import is
// planned first with domain-rules.ts's planRule (so it says what each new suspension severs),
// and written with saveRule: the same path as `domain block`, nothing written beside it.
import type { Ctx } from "../context.ts";
import { DomainRuleError, listRules, planRule, saveRule, type RuleInput, type RulePlan } from "./domain-rules.ts";
import { parseBlocklist, type ParseReport } from "./lists/index.ts";

export type ImportPlan = {
  report: ParseReport;
  /** new rules */
  add: { input: RuleInput; plan: RulePlan }[];
  /** existing rules this import would change */
  change: { input: RuleInput; plan: RulePlan }[];
  /** rules already exactly so */
  same: string[];
  skipped: { domain: string; reason: string }[];
};

export async function planMastodonCsvImport(ctx: Ctx, bytes: Uint8Array): Promise<ImportPlan> {
  const report = parseBlocklist(bytes, "auto");
  const out: ImportPlan = { report, add: [], change: [], same: [], skipped: [] };
  if (report.error) return out;
  for (const e of report.entries) {
    if (!e.domain) {
      out.skipped.push({ domain: `sha256:${e.digest}`, reason: "obfuscated: only its digest is known, and a rule needs a name" });
      continue;
    }
    // A column the file leaves empty keeps what an existing rule says.
    const input: RuleInput = {
      domain: e.domain,
      severity: e.severity,
      rejectMedia: e.rejectMedia,
      rejectReports: e.rejectReports,
      ...(e.publicComment ? { publicComment: e.publicComment } : {}),
      ...(e.obfuscate !== undefined ? { obfuscate: e.obfuscate } : {}),
    };
    try {
      const plan = await planRule(ctx, input);
      if (!plan.before) out.add.push({ input, plan });
      else if (plan.lines.length) out.change.push({ input, plan });
      else out.same.push(e.domain);
    } catch (err) {
      if (!(err instanceof DomainRuleError)) throw err;
      out.skipped.push({ domain: e.domain, reason: err.message });
    }
  }
  return out;
}

/** Readable lines: new rules, then the existing rules that would change, then what is skipped. */
export function importLines(p: ImportPlan): string[] {
  const lines: string[] = [];
  for (const a of p.add) lines.push(...a.plan.lines);
  for (const c of p.change) lines.push(`EXISTING RULE CHANGES: ${c.plan.lines.join("; ")}`);
  return lines;
}

export async function applyImport(ctx: Ctx, p: ImportPlan): Promise<number> {
  let n = 0;
  for (const x of [...p.add, ...p.change]) {
    await saveRule(ctx, x.input);
    n++;
  }
  return n;
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The admin's rules in the CSV Mastodon's import reads. Private comments stay here. */
export async function exportMastodonCsv(ctx: Ctx): Promise<string> {
  const rows = ["#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate"];
  for (const r of await listRules(ctx)) {
    rows.push([r.domain, r.severity, String(r.rejectMedia), String(r.rejectReports), csvField(r.publicComment ?? ""), String(r.obfuscate)].join(","));
  }
  return rows.join("\n") + "\n";
}
