// `ip subscribe|subscriptions|sync|unsubscribe|drafts|review`: subscribed IP lists. Changes
// list what they will do (a sync fetches the list and shows its plan) and apply only with --yes.
import { parseArgs } from "node:util";
import { eq } from "drizzle-orm";
import type { Ctx } from "../domain/context.ts";
import { ipBlocklistEntries } from "../db/schema/index.ts";
import {
  checkSource,
  ipListEntries,
  ipListSubscription,
  ipListSubscriptions,
  IpListError,
  reviewIpListEntry,
  subscribeIpList,
  syncIpList,
  unsubscribeIpList,
  type IpListPlan,
  type IpListSubscription,
} from "../domain/abuse/ip-lists.ts";
import { ipListLoader } from "../server/ip-list-loader.ts";
import { fail, ok, planThenApply, type CommandResult } from "./result.ts";

export const IP_LIST_USAGE = `  ip subscribe NAME SOURCE [--severity S] [--cap S] [--review] [--max N] [--yes]
                                          follow a shared IP list (https URL or file; plain or CSV);
                                          --severity for lines without one (default sign_up_block)
  ip subscriptions                        the subscribed IP lists and how their last sync went
  ip sync ID [--yes]                      fetch a list now: what it adds, changes and retracts
  ip unsubscribe ID [--yes]               stop following a list; its entries are retracted
  ip drafts                               entries waiting for review (lists with --review)
  ip review ENTRY_ID approve|dismiss [--yes]
`;

function planLines(plan: IpListPlan): string[] {
  return [
    ...plan.add.map((e) => `${e.state === "draft" ? "add as a draft" : "add"} ${e.range} ${e.severity}${e.comment ? ` (${e.comment})` : ""}`),
    ...plan.change.map((e) => `change ${e.range} from ${e.from} to ${e.severity}`),
    ...plan.retract.map((e) => `retract ${e.range} ${e.severity} (no longer listed)`),
  ];
}

async function syncCommand(ctx: Ctx, sub: IpListSubscription, yes: boolean, head: string[] = []): Promise<CommandResult> {
  const preview = await syncIpList(ctx, sub, ipListLoader(ctx), false);
  if (!preview.ok) return fail(`error: ${preview.error}; nothing changed`);
  const notes = preview.plan.rejected.map((r) => `skipped line ${r.line} (${r.reason}): ${r.text}\n`).join("");
  const result = await planThenApply([...head, ...planLines(preview.plan)], yes, async () => {
    const applied = await syncIpList(ctx, sub, ipListLoader(ctx), true);
    if (!applied.ok) return [`not applied: ${applied.error}`];
  });
  return { ...result, out: result.out + notes + `${preview.plan.unchanged} entries unchanged.\n` };
}

async function subscribe(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { severity: { type: "string" }, cap: { type: "string" }, review: { type: "boolean" }, max: { type: "string" }, yes: { type: "boolean" } },
  });
  if (positionals.length !== 2) return fail(`error: ip subscribe takes NAME and SOURCE\n\n${IP_LIST_USAGE}`, 2);
  const [name, rawSource] = positionals as [string, string];
  const source = checkSource(rawSource, ctx.config.allowPrivateAddress);
  const input = { name, source, defaultSeverity: values.severity, severityCap: values.cap, reviewNewEntries: !!values.review, maxEntries: values.max ? Number(values.max) : undefined };
  const head = `subscribe to "${name}" at ${source} (unmarked lines: ${input.defaultSeverity ?? "sign_up_block"}, at most ${input.severityCap ?? "no_access"}${input.reviewNewEntries ? ", new entries wait for review" : ""})`;
  if (!values.yes) {
    // Preview against a subscription that does not exist yet: everything listed is new.
    const draft = { id: "0", name, source, defaultSeverity: input.defaultSeverity ?? "sign_up_block", severityCap: input.severityCap ?? "no_access", reviewNewEntries: input.reviewNewEntries, maxEntries: input.maxEntries ?? 10_000 } as IpListSubscription;
    return syncCommand(ctx, draft, false, [head]);
  }
  const sub = await subscribeIpList(ctx, input);
  const synced = await syncCommand(ctx, sub, true, [head]);
  return synced.code === 0 ? synced : { ...synced, err: `Subscribed (id ${sub.id}), but the first sync failed: ${synced.err}` };
}

async function list(ctx: Ctx): Promise<CommandResult> {
  const subs = await ipListSubscriptions(ctx);
  if (!subs.length) return ok("No IP list subscriptions.");
  const lines = ["id\tname\tsource\tentries\tlast sync"];
  for (const s of subs) {
    const entries = await ipListEntries(ctx, s.id);
    const counts = ["active", "draft", "dismissed"].map((st) => `${entries.filter((e) => e.state === st).length} ${st}`).join(", ");
    lines.push(`${s.id}\t${s.name}\t${s.source}\t${counts}\t${s.lastFetchedAt ? `${s.lastFetchedAt.toISOString()} ${s.lastStatus}` : "never"}`);
  }
  return ok(lines.join("\n"));
}

async function drafts(ctx: Ctx): Promise<CommandResult> {
  const rows = await ctx.db.select().from(ipBlocklistEntries).where(eq(ipBlocklistEntries.state, "draft"));
  if (!rows.length) return ok("No drafts waiting.");
  return ok(["entry\trange\tseverity\tsubscription\tcomment", ...rows.map((e) => `${e.id}\t${e.range}\t${e.severity}\t${e.subscriptionId}\t${e.comment}`)].join("\n"));
}

export async function runIpListCommand(ctx: Ctx, action: string | undefined, args: string[]): Promise<CommandResult | null> {
  try {
    if (action === "subscribe") return await subscribe(ctx, args);
    if (action === "subscriptions") return await list(ctx);
    if (action === "drafts") return await drafts(ctx);
    if (action === "sync" || action === "unsubscribe") {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { yes: { type: "boolean" } } });
      const sub = positionals[0] ? await ipListSubscription(ctx, positionals[0]) : null;
      if (!sub) return fail(`error: no IP list subscription ${positionals[0] ?? ""} (ip subscriptions lists them)`);
      if (action === "sync") return await syncCommand(ctx, sub, !!values.yes);
      const active = (await ipListEntries(ctx, sub.id)).filter((e) => e.state !== "dismissed").length;
      return await planThenApply([`unsubscribe from "${sub.name}" and retract its ${active} entries`], !!values.yes, async () => {
        await unsubscribeIpList(ctx, sub.id);
      });
    }
    if (action === "review") {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { yes: { type: "boolean" } } });
      const [entryId, decision] = positionals;
      if (!entryId || (decision !== "approve" && decision !== "dismiss")) return fail(`error: ip review takes ENTRY_ID and approve or dismiss\n\n${IP_LIST_USAGE}`, 2);
      const [entry] = /^\d{1,19}$/.test(entryId) ? await ctx.db.select().from(ipBlocklistEntries).where(eq(ipBlocklistEntries.id, entryId)) : [];
      if (!entry) return fail(`error: no list entry ${entryId}`);
      const verb = decision === "approve" ? `apply ${entry.range} ${entry.severity}` : `dismiss ${entry.range} (it stays dismissed if the list keeps it)`;
      return await planThenApply([verb], !!values.yes, async () => {
        await reviewIpListEntry(ctx, entry.id, decision === "approve" ? "active" : "dismissed");
      });
    }
  } catch (e) {
    if (e instanceof IpListError) return fail(`error: ${e.message}`);
    throw e;
  }
  return null;
}
