// Admin commands. They run against a Ctx, so the same code serves the CLI (opening the database
// itself) and a running server (through the admin socket).
import { parseArgs } from "node:util";
import { eq } from "drizzle-orm";
import type { Ctx } from "../domain/context.ts";
import { AccountError, approveAccount, createLocalAccount, localAccountByUsername } from "../domain/accounts/create.ts";
import { issueToken } from "../domain/oauth/tokens.ts";
import { parseScopes } from "../domain/oauth/scopes.ts";
import { users } from "../db/schema/index.ts";

import { fail, ok, type CommandGroup, type CommandResult } from "./result.ts";
import { settingsCommands } from "./settings-commands.ts";
import { federationCommands, serverCommands } from "./server-commands.ts";
import { domainCommands } from "./domain-commands.ts";
import { relayCommands } from "./relay-commands.ts";
import { transitiveCommands } from "./transitive-commands.ts";
import { ipCommands } from "./ip-commands.ts";
import { alertCommands } from "./alert-commands.ts";
import { appCommands } from "./app-commands.ts";
import { termsCommands } from "./terms-commands.ts";
import { subscriptionCommands } from "./subscription-commands.ts";
import { circleCommands } from "./circle-commands.ts";
import { blocklistCommands } from "./blocklist-commands.ts";
import { integrationCommands } from "./integration-commands.ts";
import { dataCommands } from "./data-commands.ts";

export type { CommandResult } from "./result.ts";

/** Command groups kept in modules of their own (one line each). */
const GROUPS: Record<string, CommandGroup> = {
  subscription: subscriptionCommands, circle: circleCommands, blocklist: blocklistCommands,
  federation: federationCommands, server: serverCommands,
  domain: domainCommands,
  relay: relayCommands,
  transitive: transitiveCommands,
  ip: ipCommands,
  settings: settingsCommands,
  alerts: alertCommands,
  app: appCommands,
  terms: termsCommands,
  integration: integrationCommands,
  data: dataCommands,
};

export const USAGE = `Usage: npm run caracol -- <command>

  serve                                   start the server (what npm start does)
  migrate                                 apply database migrations and exit
  account create NAME [--admin] [--email E] [--password-stdin]
                                          create an approved account; prints a generated
                                          password unless one is given on standard input
  account approve NAME                    approve a pending sign-up
  account token NAME [--scopes "read write follow"]
                                          print an access token for scripts
${Object.values(GROUPS).map((g) => g.usage).join("")}
Commands that change federation policy list what they would change and apply it only with --yes.
`;

export async function runCommand(ctx: Ctx, argv: string[], stdin: string): Promise<CommandResult> {
  const [group, action, ...rest] = argv;
  try {
    if (group === "account" && action === "create") return await accountCreate(ctx, rest, stdin);
    if (group === "account" && action === "approve") return await accountApprove(ctx, rest);
    if (group === "account" && action === "token") return await accountToken(ctx, rest);
    const g = group ? GROUPS[group] : undefined;
    if (g) {
      const r = await g.run(ctx, action, rest, stdin);
      if (r) return r;
      return fail(g.usage, 2);
    }
  } catch (e) {
    if (e instanceof AccountError) return fail(`error: ${e.field} ${e.message}`);
    if ((e as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" || (e as { code?: string }).code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      return fail(`error: ${(e as Error).message}\n\n${USAGE}`, 2);
    }
    throw e;
  }
  return fail(USAGE, 2);
}

async function accountCreate(ctx: Ctx, args: string[], stdin: string): Promise<CommandResult> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { admin: { type: "boolean" }, email: { type: "string" }, "password-stdin": { type: "boolean" } },
  });
  const [name] = positionals;
  if (!name || positionals.length !== 1) return fail(`error: account create takes one NAME\n\n${USAGE}`, 2);
  let password = values["password-stdin"] ? stdin.replace(/\r?\n$/, "") : "";
  const generated = !values["password-stdin"];
  if (generated) password = (await import("../lib/crypto.ts")).randomToken(18);
  const { accountId } = await createLocalAccount(ctx, {
    username: name,
    password,
    email: values.email ?? null,
    role: values.admin ? "admin" : "user",
    approved: true,
  });
  const lines = [`Created ${values.admin ? "admin " : ""}account @${name} (id ${accountId}).`];
  if (generated) lines.push(`Password: ${password}`);
  lines.push(`Sign in at ${ctx.config.origin}/auth/sign_in`);
  return ok(lines.join("\n") + "\n");
}

async function accountApprove(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const acc = positionals[0] ? await localAccountByUsername(ctx, positionals[0]) : null;
  if (!acc) return fail(`error: no local account named ${positionals[0] ?? ""}`);
  await approveAccount(ctx, acc.id);
  return ok(`Approved @${acc.username}.\n`);
}

async function accountToken(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { scopes: { type: "string" } } });
  const acc = positionals[0] ? await localAccountByUsername(ctx, positionals[0]) : null;
  if (!acc) return fail(`error: no local account named ${positionals[0] ?? ""}`);
  const [u] = await ctx.db.select().from(users).where(eq(users.accountId, acc.id));
  if (!u?.approved) return fail(`error: @${acc.username} is not approved yet`);
  const scopes = parseScopes(values.scopes ?? "read write follow");
  if (!scopes) return fail(`error: unknown scope in "${values.scopes}"`);
  const t = await issueToken(ctx, { appId: null, accountId: acc.id, scopes });
  return ok(t.accessToken + "\n");
}
