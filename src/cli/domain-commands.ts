// `domain ...`: the admin's domain rules from the command line. Changes list what they will do
// (the plan from domain-rules.ts, with counts) and apply only with --yes.
import { parseArgs } from "node:util";
import type { Ctx } from "../domain/context.ts";
import { DOMAIN_BLOCK_SEVERITIES } from "../db/schema/index.ts";
import { checkDomain, checkSeverity, DomainRuleError, listRules, planLift, planRule, ruleForDomain, saveRule, deleteRule, coveringRule, type DomainRule } from "../domain/federation-policy/domain-rules.ts";
import { obfuscateDomain } from "../domain/federation-policy/public-rules.ts";
import { addressPlanLines, applyAddressBlocks, planAddressBlocks } from "../domain/federation-policy/server-addresses.ts";
import { serverPolicy } from "../domain/federation-policy/standing.ts";
import { fail, ok, planThenApply, type CommandGroup, type CommandResult } from "./result.ts";

const USAGE = `  domain list                             the domain rules set here
  domain show DOMAIN                      the rule for DOMAIN, where it comes from, our standing
  domain block DOMAIN --severity ${DOMAIN_BLOCK_SEVERITIES.join("|")} [--reject-media] [--reject-reports]
         [--followers-only] [--public-comment T] [--private-comment T] [--obfuscate] [--yes]
                                          add a rule (covers subdomains) or change it in place
         [--block-addresses]              with suspend: also refuse (no_access) the addresses its
                                          servers' verified requests came from
  domain unblock DOMAIN [--yes]           lift the rule
`;

function flags(r: DomainRule): string {
  return [r.rejectMedia && "reject-media", r.rejectReports && "reject-reports", r.followersOnly && "followers-only", r.obfuscate && "obfuscated"].filter(Boolean).join(" ");
}

function ruleLine(r: DomainRule): string {
  return `${r.domain}\t${r.severity}\t${flags(r) || "-"}\t${r.publicComment ?? ""}`;
}

async function list(ctx: Ctx): Promise<CommandResult> {
  const rules = await listRules(ctx);
  if (!rules.length) return ok("No domain rules.");
  return ok(["domain\tseverity\tflags\tpublic comment", ...rules.map(ruleLine)].join("\n"));
}

async function show(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) return fail(`error: domain show takes one DOMAIN\n\n${USAGE}`, 2);
  const domain = checkDomain(ctx, positionals[0]!);
  const own = await ruleForDomain(ctx, domain);
  const covering = own ?? (await coveringRule(ctx, domain));
  const policy = await serverPolicy(ctx, domain);
  const lines = [`${domain}`];
  if (covering) {
    lines.push(`  rule: ${covering.severity}${flags(covering) ? ` (${flags(covering)})` : ""}${covering === own ? "" : ` (from the rule for ${covering.domain})`}`);
    if (covering.publicComment) lines.push(`  public comment: ${covering.publicComment}`);
    if (covering.privateComment) lines.push(`  private comment: ${covering.privateComment}`);
    if (covering.obfuscate) lines.push(`  published as: ${obfuscateDomain(covering.domain)}`);
  } else lines.push("  rule: none of our own");
  lines.push(`  standing: ${policy.standing}${policy.rejectMedia ? ", media rejected" : ""}${policy.rejectReports ? ", reports rejected" : ""}${policy.followersOnly ? ", followers only" : ""}`);
  for (const r of policy.reasons) lines.push(`  because: ${r}`);
  return ok(lines.join("\n"));
}

async function block(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      severity: { type: "string" },
      "reject-media": { type: "boolean" },
      "reject-reports": { type: "boolean" },
      "followers-only": { type: "boolean" },
      "public-comment": { type: "string" },
      "private-comment": { type: "string" },
      obfuscate: { type: "boolean" },
      "block-addresses": { type: "boolean" },
      yes: { type: "boolean" },
    },
  });
  if (positionals.length !== 1) return fail(`error: domain block takes one DOMAIN\n\n${USAGE}`, 2);
  if (!values.severity) return fail(`error: --severity is required (${DOMAIN_BLOCK_SEVERITIES.join(", ")})`, 2);
  // The command states the whole rule: a flag left out is off, also on an existing rule (the
  // plan shows the change). Comments left out are kept.
  const input = {
    domain: positionals[0]!,
    severity: checkSeverity(values.severity),
    rejectMedia: !!values["reject-media"],
    rejectReports: !!values["reject-reports"],
    followersOnly: !!values["followers-only"],
    obfuscate: !!values.obfuscate,
    ...(values["public-comment"] !== undefined ? { publicComment: values["public-comment"] } : {}),
    ...(values["private-comment"] !== undefined ? { privateComment: values["private-comment"] } : {}),
  };
  if (values["block-addresses"] && input.severity !== "suspend") return fail("error: --block-addresses goes with --severity suspend", 2);
  const plan = await planRule(ctx, input);
  const domain = checkDomain(ctx, input.domain);
  const addresses = values["block-addresses"] ? await planAddressBlocks(ctx, domain) : null;
  return planThenApply([...plan.lines, ...(addresses ? addressPlanLines(domain, addresses) : [])], !!values.yes, async () => {
    const { rule } = await saveRule(ctx, input);
    const blocked = addresses ? await applyAddressBlocks(ctx, domain, addresses) : [];
    return [`Rule for ${rule.domain}: ${rule.severity}${flags(rule) ? ` (${flags(rule)})` : ""}.`, ...(blocked.length ? [`Blocked ${blocked.join(", ")}.`] : [])];
  });
}

async function unblock(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { yes: { type: "boolean" } } });
  if (positionals.length !== 1) return fail(`error: domain unblock takes one DOMAIN\n\n${USAGE}`, 2);
  const domain = checkDomain(ctx, positionals[0]!);
  const rule = await ruleForDomain(ctx, domain);
  if (!rule) {
    const parent = await coveringRule(ctx, domain);
    return fail(parent ? `error: ${domain} has no rule of its own; it is covered by the rule for ${parent.domain}` : `error: no rule for ${domain}`);
  }
  const plan = await planLift(ctx, rule);
  return planThenApply(plan.lines, !!values.yes, async () => {
    await deleteRule(ctx, rule);
  });
}

export const domainCommands: CommandGroup = {
  usage: USAGE,
  async run(ctx, action, args) {
    try {
      if (action === "list") return await list(ctx);
      if (action === "show") return await show(ctx, args);
      if (action === "block") return await block(ctx, args);
      if (action === "unblock") return await unblock(ctx, args);
    } catch (e) {
      if (e instanceof DomainRuleError) return fail(`error: ${e.message}`);
      throw e;
    }
    return null;
  },
};
