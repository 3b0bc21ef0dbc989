// `subscription ...`: blocklists we follow. Adding and syncing fetch the list and show what it
// would do (additions, retractions, domains newly suspended); only --yes applies it.
import { parseArgs } from "node:util";
import type { Ctx } from "../domain/context.ts";
import { DOMAIN_BLOCK_SEVERITIES, LIST_FORMATS, type DomainBlockSeverity, type ListFormat } from "../db/schema/index.ts";
import { summarizeReport, type ParseReport } from "../domain/federation-policy/lists/index.ts";
import {
  approveDrafts,
  circleNames,
  deleteSubscription,
  dismissDraft,
  getSubscription,
  listSubscriptions,
  subscriptionEntries,
  SubscriptionError,
} from "../domain/federation-policy/subscriptions.ts";
import { cappedSeverity } from "../domain/federation-policy/standing.ts";
import { planLines, type SyncPlan } from "../domain/federation-policy/sync.ts";
import { CircleError } from "../domain/federation-policy/circles.ts";
import { addSubscription } from "../federation/policy-lists/subscribe.ts";
import { syncSubscription } from "../federation/policy-lists/sync-subscription.ts";
import { fail, ok, planThenApply, type CommandGroup, type CommandResult } from "./result.ts";

const USAGE = `  subscription add NAME SOURCE [--format ${LIST_FORMATS.join("|")}] [--priority N]
         [--cap suspend|silence|noop] [--exclude d1,d2] [--review] [--refresh-hours N] [--yes]
                                          follow a blocklist at an https URL or in a file
  subscription list                       the lists we follow
  subscription show ID                    its settings, entries, drafts and last report
  subscription sync ID|--all [--yes]      fetch now; shows additions and retractions first
  subscription drafts ID                  entries waiting for review
  subscription approve ID DOMAIN|--all [--yes]
                                          put drafts in force
  subscription dismiss ID DOMAIN          keep a draft out (it stays out on later syncs)
  subscription remove ID [--yes]          stop following a list; its entries are retracted
`;

/** The rejected lines and warnings of a report, for people. */
export function reportDetails(r: ParseReport, limit = 20): string[] {
  const out = r.rejected.slice(0, limit).map((x) => `  line ${x.line} rejected (${x.reason}): ${x.text.slice(0, 120)}`);
  if (r.rejected.length > limit) out.push(`  ... and ${r.rejected.length - limit} more rejected lines`);
  out.push(...r.warnings.slice(0, limit).map((w) => `  warning: ${w}`));
  return out;
}

function suspendedLines(plan: SyncPlan | null): string[] {
  if (!plan?.newlySuspended.length) return [];
  return [`Newly suspended (their follows are severed, their cached posts purged, their accounts suspended): ${plan.newlySuspended.join(", ")}`];
}

const int = (v: string | undefined, name: string) => {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new SubscriptionError("invalid", `--${name} takes a whole number`);
  return Number(v);
};

async function add(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: "string" },
      priority: { type: "string" },
      cap: { type: "string" },
      exclude: { type: "string" },
      review: { type: "boolean" },
      "refresh-hours": { type: "string" },
      yes: { type: "boolean" },
    },
  });
  if (positionals.length !== 2) return fail(`error: subscription add takes NAME and SOURCE\n\n${USAGE}`, 2);
  if (values.format && !(LIST_FORMATS as readonly string[]).includes(values.format)) return fail(`error: --format is one of ${LIST_FORMATS.join(", ")}`, 2);
  if (values.cap && !(DOMAIN_BLOCK_SEVERITIES as readonly string[]).includes(values.cap)) return fail(`error: --cap is one of ${DOMAIN_BLOCK_SEVERITIES.join(", ")}`, 2);
  const input = {
    name: positionals[0]!,
    source: positionals[1]!,
    format: (values.format ?? "auto") as ListFormat,
    priority: int(values.priority, "priority"),
    severityCap: values.cap as DomainBlockSeverity | undefined,
    excludedDomains: values.exclude ? values.exclude.split(",") : [],
    reviewNewEntries: !!values.review,
    refreshHours: int(values["refresh-hours"], "refresh-hours"),
  };
  const preview = await addSubscription(ctx, input, { apply: false });
  if (preview.applied) throw new Error("unreachable");
  if (preview.error) return fail([`error: ${preview.error}`, ...(preview.report ? reportDetails(preview.report) : [])].join("\n"));
  const report = preview.report!;
  const plan = [`subscribe to "${input.name}" (${input.source}): ${summarizeReport(report)}`, ...planLines(preview.plan!)];
  const head = await planThenApply(plan, !!values.yes, async () => {
    const done = await addSubscription(ctx, input, { apply: true });
    if (!done.applied) return [`error: ${done.error}`];
    const r = done.result;
    return [`Subscription ${r.subscription.id}${done.circle ? ` (mirroring circle "${done.circle.name}", id ${done.circle.id})` : ""}: ${r.error ?? "synced"}`, ...suspendedLines(r.plan)];
  });
  return ok([head.out.trimEnd(), ...reportDetails(report)].join("\n"));
}

async function list(ctx: Ctx): Promise<CommandResult> {
  const subs = await listSubscriptions(ctx);
  if (!subs.length) return ok("No subscriptions.");
  const names = await circleNames(ctx, subs.flatMap((s) => (s.circleId ? [s.circleId] : [])));
  const lines = ["id\tname\tpriority\tcap\treview\tenabled\tlast fetched\tstatus\tsource"];
  for (const s of subs) {
    const circle = s.circleId ? ` [circle: ${names.get(s.circleId) ?? s.circleId}]` : "";
    lines.push([s.id, s.name + circle, s.priority, s.severityCap, s.reviewNewEntries ? "drafts" : "direct", s.enabled ? "yes" : "no", s.lastFetchedAt?.toISOString() ?? "never", s.lastStatus ?? "-", s.source].join("\t"));
  }
  return ok(lines.join("\n"));
}

async function show(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) return fail(`error: subscription show takes one ID\n\n${USAGE}`, 2);
  const s = await getSubscription(ctx, positionals[0]!);
  const entries = await subscriptionEntries(ctx, s.id);
  const lines = [
    `${s.name} (subscription ${s.id})`,
    `  source: ${s.source} (${s.format}), refreshed every ${s.refreshHours} h${s.enabled ? "" : ", disabled"}`,
    `  priority ${s.priority} (lower wins), severity capped at ${s.severityCap}, new entries ${s.reviewNewEntries ? "wait as drafts" : "apply at once"}`,
    `  excluded: ${s.excludedDomains.join(", ") || "none"}`,
    `  last fetched: ${s.lastFetchedAt?.toISOString() ?? "never"}, status: ${s.lastStatus ?? "-"}`,
  ];
  const r = s.lastReport as Record<string, unknown> | null;
  if (r) {
    lines.push(`  last report: ${r.error ? `error: ${r.error}` : `${r.entries} entries (${r.format}); added ${r.added ?? 0}, changed ${r.changed ?? 0}, retracted ${r.retracted ?? 0}`}`);
    for (const x of ((r.rejected as { line: number; reason: string; text: string }[]) ?? []).slice(0, 10)) lines.push(`    line ${x.line} rejected (${x.reason}): ${x.text.slice(0, 100)}`);
    for (const w of ((r.warnings as string[]) ?? []).slice(0, 10)) lines.push(`    warning: ${w}`);
  }
  for (const state of ["active", "draft", "dismissed"] as const) {
    const some = entries.filter((e) => e.state === state);
    lines.push(`  ${state} entries: ${some.length}`);
    for (const e of some.slice(0, 200)) {
      const capped = cappedSeverity(e.severity, s.severityCap);
      lines.push(`    ${e.domain ?? `(obfuscated) sha256:${e.digest}`}\t${e.severity}${capped !== e.severity ? ` (capped to ${capped})` : ""}\t${e.publicComment ?? ""}`);
    }
    if (some.length > 200) lines.push(`    ... and ${some.length - 200} more`);
  }
  return ok(lines.join("\n"));
}

async function sync(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { all: { type: "boolean" }, yes: { type: "boolean" } } });
  if (!!values.all === (positionals.length === 1) || positionals.length > 1) return fail(`error: subscription sync takes one ID or --all\n\n${USAGE}`, 2);
  const ids = values.all ? (await listSubscriptions(ctx)).filter((s) => s.enabled).map((s) => s.id) : [positionals[0]!];
  const out: string[] = [];
  let code = 0;
  for (const id of ids) {
    const planned = await syncSubscription(ctx, id, { apply: false });
    const name = `"${planned.subscription.name}" (${id})`;
    if (planned.outcome === "failed") {
      code = 1;
      out.push(`${name}: not synced: ${planned.error}`, ...(planned.report ? reportDetails(planned.report) : []));
      if (values.yes) await syncSubscription(ctx, id, { apply: true }); // records the failure
      continue;
    }
    if (planned.outcome === "not-modified") {
      if (values.yes) await syncSubscription(ctx, id, { apply: true });
      out.push(`${name}: not modified since the last sync`);
      continue;
    }
    const lines = planLines(planned.plan!);
    if (!values.yes) {
      out.push(`${name}: ${summarizeReport(planned.report!)}`, ...(lines.length ? lines.map((l) => `  ${l}`) : ["  (nothing to change)"]), ...reportDetails(planned.report!));
      continue;
    }
    const done = await syncSubscription(ctx, id, { apply: true });
    out.push(`${name}: ${done.error ? `not synced: ${done.error}` : "applied"}`, ...planLines(done.plan ?? planned.plan!).map((l) => `  ${l}`), ...suspendedLines(done.plan));
  }
  if (!values.yes && out.length) out.push("Nothing changed yet: run again with --yes to apply.");
  return { code, out: out.join("\n") + "\n", err: "" };
}

async function drafts(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) return fail(`error: subscription drafts takes one ID\n\n${USAGE}`, 2);
  const s = await getSubscription(ctx, positionals[0]!);
  const rows = await subscriptionEntries(ctx, s.id, "draft");
  if (!rows.length) return ok(`No drafts in "${s.name}".`);
  return ok(rows.map((e) => `${e.domain ?? `sha256:${e.digest}`}\t${e.severity}\t${e.publicComment ?? ""}`).join("\n"));
}

async function approve(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { all: { type: "boolean" }, yes: { type: "boolean" } } });
  const which = values.all ? "all" : positionals[1];
  if (!positionals[0] || !which || positionals.length > (values.all ? 1 : 2)) return fail(`error: subscription approve takes ID and DOMAIN or --all\n\n${USAGE}`, 2);
  const s = await getSubscription(ctx, positionals[0]);
  const pending = await subscriptionEntries(ctx, s.id, "draft");
  const chosen = which === "all" ? pending : pending.filter((e) => e.domain === which.toLowerCase() || e.digest === which.toLowerCase());
  if (!chosen.length && which !== "all") return fail(`error: no draft for ${which} in subscription ${s.id}`);
  const plan = chosen.map((e) => `put in force: ${e.domain ?? `sha256:${e.digest}`} ${cappedSeverity(e.severity, s.severityCap)}`);
  return planThenApply(plan, !!values.yes, async () => suspendedLines({ newlySuspended: (await approveDrafts(ctx, s.id, which)).newlySuspended } as SyncPlan));
}

async function dismiss(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 2) return fail(`error: subscription dismiss takes ID and DOMAIN\n\n${USAGE}`, 2);
  const rows = await dismissDraft(ctx, positionals[0]!, positionals[1]!);
  return ok(`Dismissed ${rows.map((r) => r.domain ?? r.digest).join(", ")}; it stays out while the list keeps it.`);
}

async function remove(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { yes: { type: "boolean" } } });
  if (positionals.length !== 1) return fail(`error: subscription remove takes one ID\n\n${USAGE}`, 2);
  const s = await getSubscription(ctx, positionals[0]!);
  const active = await subscriptionEntries(ctx, s.id, "active");
  const plan = [`remove subscription "${s.name}" (${s.source}) and retract its ${active.length} active entries`];
  if (s.circleId) plan.push(`remove the circle it mirrors (id ${s.circleId}) and its members`);
  const freed = active.filter((e) => e.domain && cappedSeverity(e.severity, s.severityCap) === "suspend").map((e) => e.domain!);
  if (freed.length) plan.push(`no longer suspend through this list: ${freed.slice(0, 50).join(", ")}${freed.length > 50 ? ", ..." : ""}`);
  return planThenApply(plan, !!values.yes, async () => {
    await deleteSubscription(ctx, s.id);
  });
}

export const subscriptionCommands: CommandGroup = {
  usage: USAGE,
  async run(ctx, action, args) {
    try {
      if (action === "add") return await add(ctx, args);
      if (action === "list") return await list(ctx);
      if (action === "show") return await show(ctx, args);
      if (action === "sync") return await sync(ctx, args);
      if (action === "drafts") return await drafts(ctx, args);
      if (action === "approve") return await approve(ctx, args);
      if (action === "dismiss") return await dismiss(ctx, args);
      if (action === "remove") return await remove(ctx, args);
    } catch (e) {
      if (e instanceof SubscriptionError || e instanceof CircleError) return fail(`error: ${e.message}`);
      throw e;
    }
    return null;
  },
};
