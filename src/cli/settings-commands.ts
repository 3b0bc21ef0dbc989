// `settings`: read and change the run-time instance settings (src/domain/instance/settings.ts)
// that have no command of their own. Settings whose change has consequences to list first
// (the federation mode, the transitive policy, the app mode, integrations) are changed through
// their own commands, which show those consequences.
import { parseArgs } from "node:util";
import type { Ctx } from "../domain/context.ts";
import { SETTINGS, getSetting, setSetting, type SettingKey } from "../domain/instance/settings.ts";
import { fail, ok, planThenApply, type CommandGroup, type CommandResult } from "./result.ts";

const OWN_COMMAND: Partial<Record<SettingKey, string>> = {
  federationMode: "federation mode",
  transitivePolicy: "transitive policy",
  appMode: "app mode",
  integrations: "integration enable|disable",
};

const show = (v: unknown) => JSON.stringify(v);

function keyOf(name: string | undefined): SettingKey | null {
  return name && Object.hasOwn(SETTINGS, name) ? (name as SettingKey) : null;
}

/** A value as typed: JSON when it parses (true, 24, ["a"]), else the text itself. */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function list(ctx: Ctx): Promise<CommandResult> {
  const lines: string[] = [];
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const value = await getSetting(ctx, key);
    const def = SETTINGS[key].parse(undefined);
    lines.push(`${key} = ${show(value)}${show(value) === show(def) ? "" : `  (default ${show(def)})`}`);
  }
  return ok(lines.join("\n"));
}

async function set(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { yes: { type: "boolean" } } });
  const [name, ...rest] = positionals;
  const key = keyOf(name);
  if (!key || rest.length === 0) return fail(`error: settings set takes a KEY and a VALUE; keys: ${Object.keys(SETTINGS).join(", ")}`, 2);
  const own = OWN_COMMAND[key];
  if (own) return fail(`error: ${key} is changed with \`npm run caracol -- ${own}\`, which lists what the change affects`);
  const parsed = SETTINGS[key].safeParse(parseValue(rest.join(" ")));
  if (!parsed.success) return fail(`error: ${key}: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  const before = await getSetting(ctx, key);
  if (show(before) === show(parsed.data)) return ok(`${key} is already ${show(before)}.`);
  return planThenApply([`change ${key} from ${show(before)} to ${show(parsed.data)}`], !!values.yes, async () => {
    await setSetting(ctx, key, parsed.data);
  });
}

export const settingsCommands: CommandGroup = {
  usage: `  settings list                           run-time settings, with defaults where changed
  settings get KEY
  settings set KEY VALUE [--yes]          VALUE as JSON (true, 24, "text", ["a","b"]) or text
`,
  async run(ctx, action, args) {
    if (action === "list") return list(ctx);
    if (action === "get") {
      const key = keyOf(args[0]);
      return key ? ok(show(await getSetting(ctx, key))) : fail(`error: unknown setting ${args[0] ?? ""}`);
    }
    if (action === "set") return set(ctx, args);
    return null;
  },
};
