// `transitive ...`: transitive defederation from the command line: scan servers on demand,
// see the evidence and what it does to each server's standing, override the policy per
// server, change the instance's policy. Changes list what they will do and apply only with --yes.
import { parseArgs } from "node:util";
import type { Ctx } from "../domain/context.ts";
import { normalizeDomain, serverPolicy } from "../domain/federation-policy/standing.ts";
import {
  clearOverride,
  currentOverride,
  isOverrideAction,
  policyChangePlan,
  scannedServer,
  scannedServers,
  setOverride,
  type ScannedServer,
} from "../domain/federation-policy/transitive-servers.ts";
import { getSetting, setSetting } from "../domain/instance/settings.ts";
import { forgetStandings } from "../domain/federation-policy/standing.ts";
import { scanDueServers, scanServer } from "../federation/policy-scan/scan.ts";
import type { ScanEvidence } from "../db/schema/index.ts";
import { fail, ok, planThenApply, type CommandGroup, type CommandResult } from "./result.ts";

const POLICIES = ["off", "warn", "restrict", "block"] as const;

const USAGE = `  transitive scan DOMAIN | --due          scan a server now (or every server due) and print the evidence
  transitive list                         scanned servers: verdict, standing and why
  transitive show DOMAIN                  one server's evidence, published blocks and policy
  transitive override DOMAIN exempt|warn|restrict|block [--comment C] [--yes]
                                          treat this server otherwise than the instance policy says
  transitive clear DOMAIN [--yes]         drop the override
  transitive policy off|warn|restrict|block [--yes]
                                          the instance's transitive policy (lists servers that change)
`;

function evidenceLines(evidence: ScanEvidence[]): string[] {
  return evidence.map((e) => {
    const status = e.status === null ? "no answer" : String(e.status);
    const found = e.found.length ? ` federates with: ${e.found.join(", ")}` : "";
    return `  ${e.source}\t${status}\t${e.at}\t${e.url}${found}${e.note ? ` (${e.note})` : ""}`;
  });
}

function describe(s: ScannedServer): string[] {
  const lines = [
    `${s.domain}: ${s.verdict}, standing ${s.standing}`,
    `  scanned: ${s.scannedAt?.toISOString() ?? "never"}`,
    `  transitive action: ${s.action}${s.override ? ` (override${s.override.comment ? `: ${s.override.comment}` : ""})` : " (instance policy)"}`,
    ...s.reasons.map((r) => `  because: ${r}`),
    "  evidence:",
    ...evidenceLines(s.evidence),
  ];
  if (s.publishedBlocks?.length) lines.push(`  their published blocks: ${s.publishedBlocks.length} (${s.publishedBlocks.slice(0, 10).join(", ")}${s.publishedBlocks.length > 10 ? ", ..." : ""})`);
  if (s.publishedPolicy && Object.keys(s.publishedPolicy).length) lines.push(`  their declared policy: ${JSON.stringify(s.publishedPolicy)}`);
  return lines;
}

function oneDomain(args: string[], what: string): string | CommandResult {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) return fail(`error: transitive ${what} takes one DOMAIN\n\n${USAGE}`, 2);
  return normalizeDomain(positionals[0]!);
}

async function scan(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { due: { type: "boolean" } } });
  if (values.due && !positionals.length) {
    const done = await scanDueServers(ctx, { olderThanHours: await getSetting(ctx, "transitiveScanHours") });
    if (!done.length) return ok("No server is due for a scan.");
    return ok(done.map((r) => `${r.domain}: ${r.verdict}`).join("\n"));
  }
  if (positionals.length !== 1 || values.due) return fail(`error: transitive scan takes one DOMAIN or --due\n\n${USAGE}`, 2);
  const r = await scanServer(ctx, positionals[0]!);
  const policy = await serverPolicy(ctx, r.domain);
  return ok([`${r.domain}: ${r.verdict}, standing ${policy.standing}`, ...evidenceLines(r.evidence)].join("\n"));
}

async function list(ctx: Ctx): Promise<CommandResult> {
  const servers = await scannedServers(ctx);
  if (!servers.length) return ok("No server has been scanned yet.");
  const lines = ["domain\tverdict\tstanding\taction\tscanned\twhy"];
  for (const s of servers) {
    lines.push(`${s.domain}\t${s.verdict}\t${s.standing}\t${s.action}${s.override ? " (override)" : ""}\t${s.scannedAt?.toISOString() ?? "-"}\t${s.reasons.join("; ") || "-"}`);
  }
  return ok(lines.join("\n"));
}

async function show(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const domain = oneDomain(args, "show");
  if (typeof domain !== "string") return domain;
  const s = await scannedServer(ctx, domain);
  if (!s) {
    const o = await currentOverride(ctx, domain);
    return fail(`error: ${domain} has not been scanned${o ? ` (override: ${o.action})` : ""}; run: transitive scan ${domain}`);
  }
  return ok(describe(s).join("\n"));
}

async function override(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { comment: { type: "string" }, yes: { type: "boolean" } } });
  const [raw, action] = positionals;
  if (positionals.length !== 2 || !raw || !action) return fail(`error: transitive override takes DOMAIN and an action\n\n${USAGE}`, 2);
  if (!isOverrideAction(action)) return fail(`error: unknown action "${action}" (exempt, warn, restrict, block)`, 2);
  const domain = normalizeDomain(raw);
  const [before, policy, scanned] = [await currentOverride(ctx, domain), await getSetting(ctx, "transitivePolicy"), await scannedServer(ctx, domain)];
  const from = before?.action ?? `${policy} (instance policy)`;
  const plan = before?.action === action && (before.comment ?? undefined) === values.comment ? [] : [`treat ${domain} as "${action}" instead of "${from}"${scanned ? ` (verdict: ${scanned.verdict}, standing now: ${scanned.standing})` : " (not scanned yet)"}`];
  return planThenApply(plan, !!values.yes, async () => {
    await setOverride(ctx, domain, action, values.comment ?? null);
    return [`${domain} standing now: ${(await serverPolicy(ctx, domain)).standing}`];
  });
}

async function clear(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { yes: { type: "boolean" } } });
  if (positionals.length !== 1) return fail(`error: transitive clear takes one DOMAIN\n\n${USAGE}`, 2);
  const domain = normalizeDomain(positionals[0]!);
  const before = await currentOverride(ctx, domain);
  const policy = await getSetting(ctx, "transitivePolicy");
  const plan = before ? [`drop the override "${before.action}" for ${domain}: the instance policy "${policy}" applies again`] : [];
  return planThenApply(plan, !!values.yes, async () => {
    await clearOverride(ctx, domain);
    return [`${domain} standing now: ${(await serverPolicy(ctx, domain)).standing}`];
  });
}

async function setPolicy(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { yes: { type: "boolean" } } });
  const next = positionals[0];
  if (positionals.length !== 1 || !next) return fail(`error: transitive policy takes one of ${POLICIES.join(", ")}\n\n${USAGE}`, 2);
  if (!(POLICIES as readonly string[]).includes(next)) return fail(`error: unknown policy "${next}" (${POLICIES.join(", ")})`, 2);
  const policy = next as (typeof POLICIES)[number];
  const current = await getSetting(ctx, "transitivePolicy");
  if (current === policy) return ok(`The transitive policy is already "${policy}".`);
  const changes = await policyChangePlan(ctx, policy);
  const plan = [`set the transitive policy from "${current}" to "${policy}"`, ...changes.map((c) => `${c.domain}: ${c.from} -> ${c.to}`)];
  if (!changes.length) plan.push("no server changes standing");
  return planThenApply(plan, !!values.yes, async () => {
    await setSetting(ctx, "transitivePolicy", policy);
    forgetStandings(ctx);
  });
}

export const transitiveCommands: CommandGroup = {
  usage: USAGE,
  async run(ctx, action, args) {
    if (action === "scan") return scan(ctx, args);
    if (action === "list") return list(ctx);
    if (action === "show") return show(ctx, args);
    if (action === "override") return override(ctx, args);
    if (action === "clear") return clear(ctx, args);
    if (action === "policy") return setPolicy(ctx, args);
    return null;
  },
};
