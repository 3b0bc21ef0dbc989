// `data ...`: a person's data from the command line. `data delete-account NAME` lists what will
// go and how many servers will be told, and deletes only with --yes.
import { parseArgs } from "node:util";
import type { Ctx } from "../domain/context.ts";
import { NO_EVENTS } from "../domain/events.ts";
import { deleteAccount, planDeletion, type DeletionPlan } from "../domain/privacy/delete-account.ts";
import { purgeAddresses } from "../domain/privacy/retention.ts";
import { enqueueEvent } from "../federation/outbox/index.ts";
import { fail, ok, planThenApply, type CommandGroup, type CommandResult } from "./result.ts";

const USAGE = `  data delete-account NAME [--yes]        delete a local account for real (posts, media, follows,
                                          ...); tells the servers that knew it; keeps the username
  data purge-addresses                    forget addresses and user agents older than
                                          CARACOL_IP_RETENTION_HOURS now (the server does it every 10 min)
`;

export function describePlan(p: DeletionPlan): string[] {
  return [
    `delete @${p.username}: ${p.posts} posts, ${p.media} media files, ${p.following} follows, ${p.followers} followers`,
    `and their favourites, bookmarks, blocks, mutes, lists, filters, notifications, tokens, sessions and sign-ins`,
    `send Delete to ${p.inboxes.length} inboxes on ${p.servers.length} servers${p.servers.length ? ` (${p.servers.join(", ")})` : ""}`,
    `keep the username @${p.username} reserved; its actor answers 410 Gone`,
  ];
}

/** With the server stopped nothing listens for events: queue them in the database for its worker. */
function withDurableEvents(ctx: Ctx): Ctx {
  return ctx.events === NO_EVENTS ? { ...ctx, events: { emit: (e) => enqueueEvent(ctx.db, e) } } : ctx;
}

async function deleteAccountCommand(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { yes: { type: "boolean" } } });
  if (positionals.length !== 1) return fail(`error: data delete-account takes one NAME\n\n${USAGE}`, 2);
  const plan = await planDeletion(ctx, positionals[0]!);
  if (!plan) return fail(`error: no local account @${positionals[0]}`);
  return planThenApply(describePlan(plan), !!values.yes, async () => {
    await deleteAccount(withDurableEvents(ctx), plan.username);
  });
}

export const dataCommands: CommandGroup = {
  usage: USAGE,
  async run(ctx, action, args) {
    if (action === "delete-account") return deleteAccountCommand(ctx, args);
    if (action === "purge-addresses") {
      const r = await purgeAddresses(ctx);
      return ok(`Forgot the address of ${r.signIns} sign-ins; dropped ${r.rateLimitCounters} rate-limit counters and ${r.serverAddresses} server addresses.`);
    }
    return null;
  },
};
