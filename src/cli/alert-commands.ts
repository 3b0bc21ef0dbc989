// `alerts ...`: scraping-detection alerts, and the one-command responses to them. Responses that
// change access list what they will do and apply only with --yes.
import { parseArgs } from "node:util";
import type { Ctx } from "../domain/context.ts";
import { alertById, describeAlert, listAlerts, type Alert } from "../domain/abuse/detection/alerts.ts";
import { accountBehind, blockRange, DEFAULT_THROTTLE_MINUTES, rangeToBlock, resolveAlert, ResponseError, revokeAlertToken, suspendAccount, throttle } from "../domain/abuse/detection/responses.ts";
import { fail, ok, planThenApply, type CommandGroup, type CommandResult } from "./result.ts";

const USAGE = `  alerts list [--all]                     open scraping alerts (--all: resolved ones too)
  alerts show ID                          an alert with its evidence and what was done
  alerts throttle ID [--minutes N] [--yes]
                                          a stricter rate limit for that client (default ${DEFAULT_THROTTLE_MINUTES} minutes)
  alerts block-range ID [--prefix 24|48|64] [--yes]
                                          block the client's address range (no_access)
  alerts suspend ID [--yes]               suspend the local account behind the token or account
  alerts revoke ID [--yes]                revoke the alert's token
  alerts resolve ID                       close the alert
`;

async function list(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values } = parseArgs({ args, options: { all: { type: "boolean" } } });
  const rows = await listAlerts(ctx, { state: values.all ? undefined : "open" });
  if (!rows.length) return ok(values.all ? "No alerts." : "No open alerts.");
  return ok(["id\tstate\trule\tclient\tcount/threshold\tlast seen", ...rows.map(describeAlert)].join("\n"));
}

function show(a: Alert): CommandResult {
  const lines = [
    describeAlert(a),
    `first seen ${a.firstSeenAt.toISOString()}, last seen ${a.lastSeenAt.toISOString()}`,
    `evidence: ${JSON.stringify(a.evidence)}`,
    ...(a.responses.length ? ["responses:", ...a.responses.map((r) => `  ${r}`)] : ["no response yet"]),
  ];
  return ok(lines.join("\n"));
}

const label = (a: Alert) => `${a.keyKind}:${a.keyValue} (alert ${a.id}, ${a.rule})`;

type Options = { yes?: boolean; minutes?: string; prefix?: string };

async function respond(ctx: Ctx, action: string, a: Alert, values: Options): Promise<CommandResult> {
  const yes = !!values.yes;
  if (action === "throttle") {
    const minutes = values.minutes === undefined ? DEFAULT_THROTTLE_MINUTES : Number(values.minutes);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 7 * 24 * 60) return fail("error: --minutes must be a whole number from 1 to 10080", 2);
    return planThenApply([`throttle ${label(a)} for ${minutes} minutes`], yes, async () => void (await throttle(ctx, a, minutes)));
  }
  if (action === "block-range") {
    const prefix = values.prefix === undefined ? undefined : Number(values.prefix);
    const range = await rangeToBlock(ctx, a, prefix);
    return planThenApply([`block ${range} (no_access) for ${label(a)}`], yes, async () => void (await blockRange(ctx, a, range)));
  }
  if (action === "suspend") {
    const accountId = await accountBehind(ctx, a);
    if (!accountId) return fail("error: no local account is behind this alert's client");
    return planThenApply([`suspend account ${accountId} and revoke its tokens, for ${label(a)}`], yes, async () => void (await suspendAccount(ctx, a, accountId)));
  }
  if (action === "revoke") {
    if (a.keyKind !== "token") return fail("error: only an alert about a token can revoke one (use suspend for an account)");
    return planThenApply([`revoke token ${a.keyValue}`], yes, async () => void (await revokeAlertToken(ctx, a)));
  }
  await resolveAlert(ctx, a);
  return ok(`Resolved alert ${a.id}.`);
}

export const alertCommands: CommandGroup = {
  usage: USAGE,
  async run(ctx, action, args) {
    if (action === "list") return list(ctx, args);
    if (!action || !["show", "throttle", "block-range", "suspend", "revoke", "resolve"].includes(action)) return null;
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { yes: { type: "boolean" }, minutes: { type: "string" }, prefix: { type: "string" } },
    });
    if (positionals.length !== 1) return fail(`error: alerts ${action} takes one alert ID\n\n${USAGE}`, 2);
    const a = await alertById(ctx, positionals[0]!);
    if (!a) return fail(`error: no alert ${positionals[0]} (alerts list shows them)`);
    if (action === "show") return show(a);
    try {
      return await respond(ctx, action, a, values);
    } catch (e) {
      if (e instanceof ResponseError) return fail(`error: ${e.message}`);
      throw e;
    }
  },
};
