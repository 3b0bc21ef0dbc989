// `app ...`: client apps from the command line. Blocking and switching the mode list whom they
// cut off (apps, tokens, people) and apply only with --yes.
import { parseArgs } from "node:util";
import type { Ctx } from "../domain/context.ts";
import { appById, appRedirectUris, appScopes } from "../domain/oauth/apps.ts";
import {
  allowApp,
  AppRuleError,
  appsCutOffByMode,
  appsCutOffByPattern,
  appsCutOffByRemoval,
  appStanding,
  appUsage,
  blockApp,
  checkPatternRule,
  listAppsWithStanding,
  listPatternRules,
  removePatternRule,
  setAppMode,
  setPatternRule,
  unblockApp,
  type AppOverview,
} from "../domain/oauth/app-policy.ts";
import { getSetting } from "../domain/instance/settings.ts";
import { isId } from "../lib/id.ts";
import { fail, ok, planThenApply, type CommandGroup, type CommandResult } from "./result.ts";

const USAGE = `  app list                                every registered app: people using it, standing
  app block ID [--yes]                    block an app and revoke all its tokens
  app unblock ID                          remove the rule for one app (patterns, Meta list and
                                          mode apply again)
  app allow ID                            allow one app (allow-list mode, or despite the Meta list)
  app mode open|allowlist [--yes]         open: every app not blocked; allowlist: only allowed apps
  app rules                               the rules on name words and redirect hosts
  app rule name|host VALUE block|allow|remove [--yes]
                                          a rule for every app whose name has the word VALUE, or
                                          that redirects to host VALUE (and its subdomains)
`;

async function list(ctx: Ctx): Promise<CommandResult> {
  const [all, mode] = await Promise.all([listAppsWithStanding(ctx), getSetting(ctx, "appMode")]);
  const head = `App mode: ${mode}.`;
  if (!all.length) return ok(`${head}\nNo apps registered.`);
  const lines = all.map(
    ({ app, usage, standing }) =>
      `${app.id}\t${app.name}\t${app.website ?? "-"}\t${appRedirectUris(app).join(" ")}\t${appScopes(app).join(" ")}\t${usage.people} people\t${standing.blocked ? "BLOCKED" : "allowed"}: ${standing.reason}`,
  );
  return ok([head, "id\tname\twebsite\tredirect URIs\tscopes\tpeople\tstanding", ...lines].join("\n"));
}

async function findApp(ctx: Ctx, args: string[], verb: string) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { yes: { type: "boolean" } } });
  if (positionals.length !== 1) return fail(`error: app ${verb} takes one ID\n\n${USAGE}`, 2);
  const id = positionals[0]!;
  const app = isId(id) ? await appById(ctx, id) : null;
  if (!app) return fail(`error: no app with id ${id}`);
  return { app, yes: !!values.yes };
}

async function block(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const found = await findApp(ctx, args, "block");
  if ("code" in found) return found;
  const usage = await appUsage(ctx, found.app.id);
  const plan = [`block app ${found.app.id} (${found.app.name}) and revoke its ${usage.tokens} live tokens, cutting off ${usage.people} people`];
  return planThenApply(plan, found.yes, async () => [`Revoked ${await blockApp(ctx, found.app.id)} tokens.`]);
}

async function unblockOrAllow(ctx: Ctx, args: string[], verb: "unblock" | "allow"): Promise<CommandResult> {
  const found = await findApp(ctx, args, verb);
  if ("code" in found) return found;
  await (verb === "unblock" ? unblockApp(ctx, found.app.id) : allowApp(ctx, found.app.id));
  const standing = await appStanding(ctx, found.app);
  return ok(`${found.app.name} (${found.app.id}) is now ${standing.blocked ? "blocked" : "allowed"}: ${standing.reason}.`);
}

async function mode(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { yes: { type: "boolean" } } });
  const wanted = positionals[0];
  if (positionals.length !== 1 || (wanted !== "open" && wanted !== "allowlist")) return fail(`error: app mode takes open or allowlist\n\n${USAGE}`, 2);
  const current = await getSetting(ctx, "appMode");
  if (current === wanted) return ok(`App mode is already ${wanted}.`);
  const cut = await appsCutOffByMode(ctx, wanted);
  const plan = [
    `switch the app mode from ${current} to ${wanted}`,
    ...cutLines(cut),
  ];
  return planThenApply(plan, !!values.yes, async () => [`Revoked ${await setAppMode(ctx, wanted)} tokens.`]);
}

const cutLines = (cut: readonly AppOverview[]) => cut.map((o) => `block ${o.app.name} (${o.app.id}): revoke ${o.usage.tokens} live tokens of ${o.usage.people} people`);

async function rules(ctx: Ctx): Promise<CommandResult> {
  const list = await listPatternRules(ctx);
  const meta = await getSetting(ctx, "metaApps");
  const lines = list.map((r) => `${r.kind === "name" ? "name" : "host"}\t${r.value}\t${r.action}`);
  lines.push(`Meta's apps (setting metaApps, always blocked unless one app is allowed): names ${meta.names.join(", ") || "-"}; hosts ${meta.hosts.join(", ") || "-"}`);
  return ok(lines.join("\n"));
}

async function rule(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { yes: { type: "boolean" } } });
  const [kindWord, raw, action] = positionals;
  const kind = kindWord === "name" ? "name" : kindWord === "host" ? "redirect_host" : null;
  if (positionals.length !== 3 || !kind || !["block", "allow", "remove"].includes(action ?? "")) return fail(`error: app rule takes name|host VALUE block|allow|remove\n\n${USAGE}`, 2);
  const value = checkPatternRule(kind, raw!);
  if (action === "remove") {
    const cut = await appsCutOffByRemoval(ctx, kind, value);
    return planThenApply([`remove the rule on ${kindWord} ${value}`, ...cutLines(cut)], !!values.yes, async () => [`Revoked ${await removePatternRule(ctx, kind, value)} tokens.`]);
  }
  const act = action as "block" | "allow";
  const cut = await appsCutOffByPattern(ctx, kind, value, act);
  return planThenApply([`${act} every app with ${kindWord} ${value}`, ...cutLines(cut)], !!values.yes, async () => [`Revoked ${await setPatternRule(ctx, kind, value, act)} tokens.`]);
}

export const appCommands: CommandGroup = {
  usage: USAGE,
  async run(ctx, action, args) {
    if (action === "list") return list(ctx);
    if (action === "block") return block(ctx, args);
    if (action === "unblock") return unblockOrAllow(ctx, args, "unblock");
    if (action === "allow") return unblockOrAllow(ctx, args, "allow");
    if (action === "mode") return mode(ctx, args);
    try {
      if (action === "rules") return await rules(ctx);
      if (action === "rule") return await rule(ctx, args);
    } catch (e) {
      if (e instanceof AppRuleError) return fail(`error: ${e.message}`);
      throw e;
    }
    return null;
  },
};
