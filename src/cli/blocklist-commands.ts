// `blocklist import|export`: the admin's own domain rules in Mastodon's CSV, by hand. An import
// lists the rules it adds and, apart, the existing rules it would change; --yes applies both.
import fs from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Ctx } from "../domain/context.ts";
import { DomainRuleError } from "../domain/federation-policy/domain-rules.ts";
import { applyImport, exportMastodonCsv, importLines, planMastodonCsvImport } from "../domain/federation-policy/hand-import.ts";
import { reportDetails } from "./subscription-commands.ts";
import { fail, ok, planThenApply, type CommandGroup, type CommandResult } from "./result.ts";

const USAGE = `  blocklist import FILE [--yes]           add domain rules from a Mastodon CSV (existing
                                          rules it would change are listed apart)
  blocklist export                        our domain rules as a CSV Mastodon imports
`;

const MAX_BYTES = 8 * 1024 * 1024;

async function importFile(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { yes: { type: "boolean" } } });
  if (positionals.length !== 1) return fail(`error: blocklist import takes one FILE\n\n${USAGE}`, 2);
  // Through the admin socket the server reads the file: a relative path means its directory.
  const file = path.resolve(positionals[0]!);
  let bytes: Uint8Array;
  try {
    const stat = await fs.stat(file);
    if (stat.size > MAX_BYTES) return fail(`error: ${file} is larger than ${MAX_BYTES} bytes`);
    bytes = new Uint8Array(await fs.readFile(file));
  } catch (e) {
    return fail(`error: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const plan = await planMastodonCsvImport(ctx, bytes);
  if (plan.report.error) return fail([`error: ${plan.report.error}`, ...reportDetails(plan.report)].join("\n"));
  const notes = [
    ...reportDetails(plan.report),
    ...plan.skipped.map((s) => `  skipped ${s.domain}: ${s.reason}`),
    ...(plan.same.length ? [`  already so: ${plan.same.length} rule(s)`] : []),
    ...(plan.change.length ? [`  ${plan.change.length} existing rule(s) would change (marked EXISTING RULE CHANGES above)`] : []),
  ];
  const res = await planThenApply(importLines(plan), !!values.yes, async () => [`Saved ${await applyImport(ctx, plan)} rule(s).`]);
  return ok([res.out.trimEnd(), ...notes].join("\n"));
}

export const blocklistCommands: CommandGroup = {
  usage: USAGE,
  async run(ctx, action, args) {
    try {
      if (action === "import") return await importFile(ctx, args);
      if (action === "export") {
        parseArgs({ args, allowPositionals: false, options: {} });
        return ok(await exportMastodonCsv(ctx));
      }
    } catch (e) {
      if (e instanceof DomainRuleError) return fail(`error: ${e.message}`);
      throw e;
    }
    return null;
  },
};
