// `relay ...`: joining and leaving relays. Nothing is joined by default; joining lists what it
// will send where and applies only with --yes. The Follow and Undo go through the outbox queue,
// so these work with the server stopped too (it sends them when it runs).
import { parseArgs } from "node:util";
import type { Ctx } from "../domain/context.ts";
import { addRelay, listRelays, planAddRelay, planRemoveRelay, RelayError, removeRelay } from "../federation/relays.ts";
import { fail, ok, planThenApply, type CommandGroup, type CommandResult } from "./result.ts";

const USAGE = `  relay list                              the relays joined, with their state
  relay add INBOX_URL [--yes]             join a relay (only public posts go to it)
  relay remove INBOX_URL [--yes]          leave a relay
`;

async function list(ctx: Ctx): Promise<CommandResult> {
  const rows = await listRelays(ctx);
  if (!rows.length) return ok("No relays.");
  return ok(["inbox\tstate\tactor", ...rows.map((r) => `${r.inboxUrl}\t${r.state}\t${r.actorUri ?? "-"}`)].join("\n"));
}

function oneUrl(args: string[], what: string): { url: string; yes: boolean } | CommandResult {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { yes: { type: "boolean" } } });
  if (positionals.length !== 1) return fail(`error: relay ${what} takes one INBOX_URL\n\n${USAGE}`, 2);
  return { url: positionals[0]!, yes: !!values.yes };
}

export const relayCommands: CommandGroup = {
  usage: USAGE,
  async run(ctx, action, args) {
    try {
      if (action === "list") return await list(ctx);
      if (action === "add") {
        const a = oneUrl(args, "add");
        if ("code" in a) return a;
        const plan = await planAddRelay(ctx, a.url);
        if (!plan.length) return ok(`Already joined (or waiting for an answer): ${a.url}`);
        return planThenApply(plan, a.yes, async () => {
          const relay = await addRelay(ctx, a.url);
          return [`Relay ${relay.inboxUrl}: ${relay.state}.`];
        });
      }
      if (action === "remove") {
        const a = oneUrl(args, "remove");
        if ("code" in a) return a;
        const { relay, lines } = await planRemoveRelay(ctx, a.url);
        return planThenApply(lines, a.yes, () => removeRelay(ctx, relay));
      }
    } catch (e) {
      if (e instanceof RelayError) return fail(`error: ${e.message}`);
      throw e;
    }
    return null;
  },
};
