// `integration ...`: third-party services. Each is off until an admin turns it on; enabling
// prints exactly what will be sent where, and applies only with --yes.
import { parseArgs } from "node:util";
import type { Ctx } from "../domain/context.ts";
import { describeIntegration, INTEGRATIONS, type IntegrationName } from "../domain/integrations/registry.ts";
import { checkIntegrationName, checkOptions, IntegrationError, integrationState, setIntegration } from "../domain/integrations/state.ts";
import { fail, ok, planThenApply, type CommandGroup, type CommandResult } from "./result.ts";

const USAGE = `  integration list                        third-party services: on or off, what each sends where
  integration enable NAME [--option KEY=VALUE ...] [--yes]
                                          turn one on (prints what it will send first)
  integration disable NAME                turn one off (its options are kept)
`;

function whatItSends(name: IntegrationName, options: Record<string, string>): string[] {
  const d = describeIntegration(INTEGRATIONS[name]);
  const where = INTEGRATIONS[name].destination;
  const to = where.kind === "linked_page" ? "the linked page's server" : (options[where.option] ?? `(the ${where.option} option, not set)`);
  return [
    `${d.method} to ${to}:`,
    ...d.sends.map((f) => `  sends ${f.field}: ${f.holds}`),
    ...d.never_sends.map((n) => `  never sends ${n}`),
  ];
}

async function list(ctx: Ctx): Promise<CommandResult> {
  const lines: string[] = [];
  for (const name of Object.keys(INTEGRATIONS) as IntegrationName[]) {
    const state = await integrationState(ctx, name);
    const i = INTEGRATIONS[name];
    lines.push(`${name}\t${state.enabled ? "on" : "off"}${i.implemented ? "" : " (declared only, not built)"}\t${i.description}`);
    for (const l of whatItSends(name, state.options)) lines.push(`  ${l}`);
  }
  return ok(lines.join("\n"));
}

function optionPairs(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const at = p.indexOf("=");
    if (at < 1) throw new IntegrationError("invalid", `--option ${p}: expected KEY=VALUE`);
    out[p.slice(0, at)] = p.slice(at + 1);
  }
  return out;
}

async function enable(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { option: { type: "string", multiple: true }, yes: { type: "boolean" } } });
  if (positionals.length !== 1) return fail(`error: integration enable takes one NAME\n\n${USAGE}`, 2);
  const name = checkIntegrationName(positionals[0]!);
  if (!INTEGRATIONS[name].implemented) return fail(`error: ${name} is declared but not built yet; it cannot be enabled`);
  const options = await checkOptions(ctx, name, optionPairs(values.option ?? []));
  const plan = [`turn on ${name}; from then on it will:`, ...whatItSends(name, options).map((l) => `  ${l}`)];
  return planThenApply(plan, !!values.yes, async () => {
    await setIntegration(ctx, name, true, options);
    return [`${name} is on.`];
  });
}

async function disable(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) return fail(`error: integration disable takes one NAME\n\n${USAGE}`, 2);
  const name = checkIntegrationName(positionals[0]!);
  await setIntegration(ctx, name, false);
  return ok(`${name} is off: nothing more is sent to it.`);
}

export const integrationCommands: CommandGroup = {
  usage: USAGE,
  async run(ctx, action, args) {
    try {
      if (action === "list") return await list(ctx);
      if (action === "enable") return await enable(ctx, args);
      if (action === "disable") return await disable(ctx, args);
    } catch (e) {
      if (e instanceof IntegrationError) return fail(`error: ${e.message}`);
      throw e;
    }
    return null;
  },
};
