// `circle ...`: groups of servers whose admins act together. Editing a local circle is direct;
// subscribing to another server's circle and removing a circle list what they change first
// and apply only with --yes.
import { parseArgs } from "node:util";
import type { Ctx } from "../domain/context.ts";
import { DOMAIN_BLOCK_SEVERITIES } from "../db/schema/index.ts";
import {
  addMember,
  circleDetail,
  CircleError,
  createCircle,
  deleteCircle,
  listCircles,
  removeMember,
  removeRule,
  setRule,
  updateCircle,
} from "../domain/federation-policy/circles.ts";
import { summarizeReport } from "../domain/federation-policy/lists/index.ts";
import { SubscriptionError } from "../domain/federation-policy/subscriptions.ts";
import { planLines } from "../domain/federation-policy/sync.ts";
import { subscribeCircle } from "../federation/policy-lists/subscribe.ts";
import { reportDetails } from "./subscription-commands.ts";
import { fail, ok, planThenApply, type CommandGroup, type CommandResult } from "./result.ts";

const USAGE = `  circle create NAME [--description T]  a circle of servers whose admins act together
  circle list                             circles, local and mirrored
  circle show ID                          members, shared rules, where it is published
  circle add-member ID DOMAIN             (local circles only, as all edits)
  circle remove-member ID DOMAIN
  circle add-rule ID DOMAIN --severity ${DOMAIN_BLOCK_SEVERITIES.join("|")} [--reject-media] [--reject-reports] [--comment T]
  circle remove-rule ID DOMAIN
  circle rename ID NAME
  circle publish ID on|off                serve members and rules as JSON at /circles/ID
  circle subscribe URL [--yes]            mirror a circle published elsewhere (or an Akkoma
                                          server's bubble, from its NodeInfo) and apply its rules
  circle remove ID [--yes]
`;

class UsageError extends Error {}

function args1(args: string[], n: number, what: string, options: Record<string, { type: "string" | "boolean" }> = {}) {
  const r = parseArgs({ args, allowPositionals: true, options });
  if (r.positionals.length !== n) throw new UsageError(`circle ${what}`);
  return r as { values: Record<string, string | boolean | undefined>; positionals: string[] };
}

async function show(ctx: Ctx, id: string): Promise<CommandResult> {
  const d = await circleDetail(ctx, id);
  const c = d.circle;
  const lines = [`${c.name} (circle ${c.id})`];
  if (c.description) lines.push(`  ${c.description}`);
  if (c.sourceUrl) lines.push(`  mirrors ${c.sourceUrl}${d.subscriptionId ? ` through subscription ${d.subscriptionId}` : ""}; edited only by its source`);
  else lines.push(`  ${c.published ? `published at ${new URL(`/circles/${c.id}`, ctx.config.origin).href}` : "not published"}`);
  lines.push(`  members (${d.members.length}): ${d.members.join(", ") || "none"}`);
  lines.push(`  shared rules (${d.rules.length}):`);
  for (const r of d.rules) lines.push(`    ${r.domain}\t${r.severity}${r.rejectMedia ? " reject-media" : ""}${r.rejectReports ? " reject-reports" : ""}\t${r.publicComment ?? ""}`);
  return ok(lines.join("\n"));
}

async function subscribe(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { yes: { type: "boolean" } } });
  if (positionals.length !== 1) return fail(`error: circle subscribe takes one URL\n\n${USAGE}`, 2);
  const preview = await subscribeCircle(ctx, positionals[0]!, { apply: false });
  if (preview.applied) throw new Error("unreachable");
  if (preview.error) return fail([`error: ${preview.error}`, ...(preview.report ? reportDetails(preview.report) : [])].join("\n"));
  const info = preview.report!.circle!;
  const plan = [
    `mirror the circle "${info.name ?? positionals[0]}" (${info.source === "akkoma-bubble" ? "an Akkoma bubble, members only" : summarizeReport(preview.report!)})`,
    `members: ${info.members.join(", ") || "none"}`,
    ...planLines(preview.plan!),
  ];
  return planThenApply(plan, !!values.yes, async () => {
    const done = await subscribeCircle(ctx, positionals[0]!, { apply: true });
    if (!done.applied) return [`error: ${done.error}`];
    const suspended = done.result.plan?.newlySuspended ?? [];
    return [
      `Circle ${done.circle!.id} ("${done.circle!.name}") mirrored through subscription ${done.result.subscription.id}`,
      ...(suspended.length ? [`Newly suspended (what suspension does to follows and cached content is applied separately): ${suspended.join(", ")}`] : []),
    ];
  });
}

async function remove(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { yes: { type: "boolean" } } });
  if (positionals.length !== 1) return fail(`error: circle remove takes one ID\n\n${USAGE}`, 2);
  const d = await circleDetail(ctx, positionals[0]!);
  const plan = [`remove circle "${d.circle.name}" with its ${d.members.length} member(s) and ${d.rules.length} shared rule(s)`];
  if (d.subscriptionId) plan.push(`remove subscription ${d.subscriptionId} and retract the rules it applied`);
  if (d.circle.published) plan.push(`stop publishing it (/circles/${d.circle.id} answers 404)`);
  return planThenApply(plan, !!values.yes, async () => {
    await deleteCircle(ctx, d.circle.id);
  });
}

async function run(ctx: Ctx, action: string | undefined, args: string[]): Promise<CommandResult | null> {
  switch (action) {
    case "create": {
      const { values, positionals } = args1(args, 1, "create takes one NAME", { description: { type: "string" } });
      const c = await createCircle(ctx, { name: positionals[0]!, description: values.description as string | undefined });
      return ok(`Created circle "${c.name}" (id ${c.id}). It is not published until: circle publish ${c.id} on`);
    }
    case "list": {
      const rows = await listCircles(ctx);
      if (!rows.length) return ok("No circles.");
      return ok(["id\tname\tmembers\tpublished\tsource", ...rows.map((c) => [c.id, c.name, c.members, c.published ? "yes" : "no", c.sourceUrl ?? "local"].join("\t"))].join("\n"));
    }
    case "show":
      return show(ctx, args1(args, 1, "show takes one ID").positionals[0]!);
    case "add-member": {
      const [id, domain] = args1(args, 2, "add-member takes ID and DOMAIN").positionals;
      return ok(`Added ${await addMember(ctx, id!, domain!)} to the circle.`);
    }
    case "remove-member": {
      const [id, domain] = args1(args, 2, "remove-member takes ID and DOMAIN").positionals;
      return (await removeMember(ctx, id!, domain!)) ? ok(`Removed ${domain} from the circle.`) : fail(`error: ${domain} is not a member`);
    }
    case "add-rule": {
      const opts = { severity: { type: "string" as const }, "reject-media": { type: "boolean" as const }, "reject-reports": { type: "boolean" as const }, comment: { type: "string" as const } };
      const { values, positionals } = args1(args, 2, "add-rule takes ID and DOMAIN", opts);
      if (!values.severity) return fail(`error: --severity is required (${DOMAIN_BLOCK_SEVERITIES.join(", ")})`, 2);
      const r = await setRule(ctx, positionals[0]!, {
        domain: positionals[1]!,
        severity: values.severity as string,
        rejectMedia: !!values["reject-media"],
        rejectReports: !!values["reject-reports"],
        comment: (values.comment as string | undefined) ?? null,
      });
      return ok(`Shared rule: ${r.domain} ${r.severity}. Subscribers apply it on their next sync.`);
    }
    case "remove-rule": {
      const [id, domain] = args1(args, 2, "remove-rule takes ID and DOMAIN").positionals;
      return (await removeRule(ctx, id!, domain!)) ? ok(`Removed the shared rule for ${domain}; subscribers retract it on their next sync.`) : fail(`error: no shared rule for ${domain}`);
    }
    case "rename": {
      const [id, name] = args1(args, 2, "rename takes ID and NAME").positionals;
      const c = await updateCircle(ctx, id!, { name: name! });
      return ok(`Renamed to "${c.name}".`);
    }
    case "publish": {
      const [id, onOff] = args1(args, 2, "publish takes ID and on|off").positionals;
      if (onOff !== "on" && onOff !== "off") return fail("error: circle publish takes on or off", 2);
      const c = await updateCircle(ctx, id!, { published: onOff === "on" });
      return ok(c.published ? `Published at ${new URL(`/circles/${c.id}`, ctx.config.origin).href}: anyone can read its members and shared rules.` : "No longer published.");
    }
    case "subscribe":
      return subscribe(ctx, args);
    case "remove":
      return remove(ctx, args);
  }
  return null;
}

export const circleCommands: CommandGroup = {
  usage: USAGE,
  async run(ctx, action, args) {
    try {
      return await run(ctx, action, args);
    } catch (e) {
      if (e instanceof UsageError) return fail(`error: ${e.message}\n\n${USAGE}`, 2);
      if (e instanceof CircleError || e instanceof SubscriptionError) return fail(`error: ${e.message}`);
      throw e;
    }
  },
};
