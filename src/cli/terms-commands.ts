// `terms ...`: the terms of service and privacy policy. Publishing a new version lists whom it
// asks to agree again, and applies only with --yes.
import { parseArgs } from "node:util";
import fs from "node:fs";
import path from "node:path";
import type { Ctx } from "../domain/context.ts";
import { TERMS_KINDS, type TermsKind } from "../db/schema/index.ts";
import { activePeople, currentTerms, MAX_TERMS_CHARS, publishTerms } from "../domain/instance/terms.ts";
import { fail, ok, planThenApply, type CommandGroup, type CommandResult } from "./result.ts";

const USAGE = `  terms show [--kind terms|privacy]       the text in force (the built-in default until one is set)
  terms set FILE [--kind terms|privacy] [--yes]
                                          publish FILE (plain text; "-" reads standard input) as
                                          the new version; everyone is asked to agree again
`;

function kindOf(value: string | undefined): TermsKind | null {
  const k = value ?? "terms";
  return (TERMS_KINDS as readonly string[]).includes(k) ? (k as TermsKind) : null;
}

async function show(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values } = parseArgs({ args, options: { kind: { type: "string" } } });
  const kind = kindOf(values.kind);
  if (!kind) return fail(`error: --kind is terms or privacy\n\n${USAGE}`, 2);
  const doc = await currentTerms(ctx, kind);
  const version = doc.versionId ? `version ${doc.versionId}` : "the built-in default";
  return ok(`${kind}: ${version}, in effect since ${doc.effectiveAt.toISOString().slice(0, 10)}\n\n${doc.text}`);
}

async function set(ctx: Ctx, args: string[], stdin: string): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { kind: { type: "string" }, yes: { type: "boolean" } } });
  const kind = kindOf(values.kind);
  if (!kind || positionals.length !== 1) return fail(`error: terms set takes one FILE and --kind terms|privacy\n\n${USAGE}`, 2);
  const file = positionals[0]!;
  let text: string;
  try {
    text = file === "-" ? stdin : fs.readFileSync(path.resolve(file), "utf8");
  } catch (e) {
    return fail(`error: cannot read ${file}: ${(e as Error).message}`);
  }
  text = text.trim();
  if (!text) return fail(`error: ${file} is empty`);
  if (text.length > MAX_TERMS_CHARS) return fail(`error: ${file} is longer than ${MAX_TERMS_CHARS} characters`);
  const current = await currentTerms(ctx, kind);
  if (current.versionId && current.text === text) return ok(`This is already the current ${kind} text: nothing to publish.`);
  const people = await activePeople(ctx);
  const plan = [`publish a new ${kind} text (${text.length} characters), in effect now`, `ask ${people} people to agree again on the web (apps keep working)`];
  return planThenApply(plan, !!values.yes, async () => [`Published version ${await publishTerms(ctx, kind, text)}.`]);
}

export const termsCommands: CommandGroup = {
  usage: USAGE,
  async run(ctx, action, args, stdin) {
    if (action === "show") return show(ctx, args);
    if (action === "set") return set(ctx, args, stdin);
    return null;
  },
};
