// Admin commands for the federation mode, the allow-list and servers awaiting approval. Each
// command that changes policy lists what it will change and applies it only with --yes. With the
// server stopped, approved activities wait in the inbox queue until it runs.
import { parseArgs } from "node:util";
import type { Ctx } from "../domain/context.ts";
import { getSetting } from "../domain/instance/settings.ts";
import { allowDomain, disallowDomain, domainAllowByDomain, DomainError, listDomainAllows, parseDomain } from "../domain/federation-policy/allows.ts";
import {
  approvalPlan,
  approveServer,
  FEDERATION_MODES,
  federationModePlan,
  rejectionPlan,
  rejectServer,
  serversUnderReview,
  setFederationMode,
  type FederationMode,
} from "../domain/federation-policy/approval.ts";
import { replayThroughInbox } from "../federation/inbox/hold.ts";
import { fail, ok, planThenApply, type CommandGroup, type CommandResult } from "./result.ts";

const FEDERATION_USAGE = `  federation mode [blocklist|allowlist|approval] [--yes]
                                          print the federation mode, or switch it (lists the
                                          servers we follow or are followed by that it cuts off)
`;

const SERVER_USAGE = `  server allowed                          list the allow-list
  server allow DOMAIN [--yes]             allow a server (and its subdomains)
  server disallow DOMAIN [--yes]          remove a server from the allow-list
  server pending                          servers awaiting approval (and rejected ones), with
                                          their letters of introduction and whom they tried to reach
  server approve DOMAIN [--yes]           allow a pending server and process what it sent, in order
  server reject DOMAIN [--yes]            reject a server: what it sent is deleted, it is told nothing
`;

function parse(args: string[]) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { yes: { type: "boolean" } } });
  return { yes: !!values.yes, positionals };
}

/** The single DOMAIN argument, normalised; a CommandResult when it is missing or malformed. */
function oneDomain(positionals: string[], usage: string): string | CommandResult {
  if (positionals.length !== 1) return fail(`error: expected one DOMAIN\n\n${usage}`, 2);
  try {
    return parseDomain(positionals[0]!);
  } catch (e) {
    if (e instanceof DomainError) return fail(`error: ${e.message}`);
    throw e;
  }
}

export const federationCommands: CommandGroup = {
  usage: FEDERATION_USAGE,
  async run(ctx, action, args) {
    if (action !== "mode") return null;
    const { yes, positionals } = parse(args);
    const current = await getSetting(ctx, "federationMode");
    if (positionals.length === 0) return ok(`Federation mode: ${current}`);
    const mode = positionals[0] as FederationMode;
    if (positionals.length > 1 || !(FEDERATION_MODES as readonly string[]).includes(mode)) {
      return fail(`error: the mode is one of ${FEDERATION_MODES.join(", ")}\n\n${FEDERATION_USAGE}`, 2);
    }
    return planThenApply(await federationModePlan(ctx, mode), yes, () => setFederationMode(ctx, mode));
  },
};

async function pendingReport(ctx: Ctx): Promise<string> {
  const servers = await serversUnderReview(ctx);
  if (!servers.length) return "No server awaits approval.";
  const out: string[] = [];
  for (const s of servers) {
    out.push(`${s.domain}  ${s.state}, first seen ${s.firstSeenAt.toISOString()}, ${s.heldCount} held activit${s.heldCount === 1 ? "y" : "ies"}`);
    if (s.introduction) out.push(`  introduction: ${s.introduction.replace(/\s+/g, " ")}`, `  contact: ${s.introductionContact || "(none)"}`);
    else out.push(`  introduction: ${s.introductionAt ? "none published" : "not read yet"}`);
    if (s.targets.length) out.push(`  tried to reach: ${s.targets.map((t) => `@${t.username}`).join(", ")}`);
  }
  return out.join("\n");
}

export const serverCommands: CommandGroup = {
  usage: SERVER_USAGE,
  async run(ctx, action, args) {
    const { yes, positionals } = parse(args);
    if (action === "allowed") {
      const rows = await listDomainAllows(ctx);
      return ok(rows.length ? rows.map((r) => `${r.domain}  (since ${r.createdAt.toISOString()})`).join("\n") : "The allow-list is empty.");
    }
    if (action === "pending") return ok(await pendingReport(ctx));
    if (action !== "allow" && action !== "disallow" && action !== "approve" && action !== "reject") return null;
    const domain = oneDomain(positionals, SERVER_USAGE);
    if (typeof domain !== "string") return domain;
    if (action === "allow") {
      const plan = (await domainAllowByDomain(ctx, domain)) ? [] : [`allow ${domain} (and its subdomains)`];
      return planThenApply(plan, yes, async () => void (await allowDomain(ctx, domain)));
    }
    if (action === "disallow") {
      const plan = (await domainAllowByDomain(ctx, domain)) ? [`remove ${domain} from the allow-list`] : [];
      return planThenApply(plan, yes, async () => void (await disallowDomain(ctx, domain)));
    }
    if (action === "approve") {
      return planThenApply(await approvalPlan(ctx, domain), yes, async () => {
        const { replayed } = await approveServer(ctx, domain, replayThroughInbox);
        return [`${replayed} held activit${replayed === 1 ? "y" : "ies"} queued for processing.`];
      });
    }
    return planThenApply(await rejectionPlan(ctx, domain), yes, async () => {
      const { dropped } = await rejectServer(ctx, domain);
      return [`${dropped} held activit${dropped === 1 ? "y" : "ies"} deleted.`];
    });
  },
};
