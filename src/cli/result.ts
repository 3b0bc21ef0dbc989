// What a command returns, and the shape of a command group, shared by every command module.
import type { Ctx } from "../domain/context.ts";

export type CommandResult = { code: number; out: string; err: string };

export const ok = (out: string): CommandResult => ({ code: 0, out: out.endsWith("\n") || out === "" ? out : out + "\n", err: "" });
export const fail = (err: string, code = 1): CommandResult => ({ code, out: "", err: err.endsWith("\n") ? err : err + "\n" });

/**
 * A group of commands (`npm run caracol -- <group> <action> ...`). `run` answers null for an
 * action it does not know, and the caller prints the usage.
 */
export type CommandGroup = {
  usage: string;
  run(ctx: Ctx, action: string | undefined, args: string[], stdin: string): Promise<CommandResult | null>;
};

/**
 * Commands that change policy list what they will change first, and change it only when run
 * with --yes; without it they stop after the list.
 */
export async function planThenApply(plan: string[], yes: boolean, apply: () => Promise<string[] | void>): Promise<CommandResult> {
  const head = plan.length ? plan.map((l) => `  ${l}`).join("\n") : "  (nothing to change)";
  if (!yes || !plan.length) return ok(`This will:\n${head}\n${plan.length ? "Nothing changed yet: run again with --yes to apply.\n" : ""}`);
  const done = (await apply()) ?? [];
  return ok(`Applied:\n${head}\n${done.map((l) => `${l}\n`).join("")}`);
}
