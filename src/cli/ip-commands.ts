// `ip ...`: IP blocks from the command line, and what the rate limiter is counting. Changes
// list what they will do and apply only with --yes.
import fs from "node:fs";
import { parseArgs } from "node:util";
import type { Ctx } from "../domain/context.ts";
import { IP_BLOCK_SEVERITIES } from "../db/schema/index.ts";
import { canonicalRange, deleteIpBlock, ipBlockByRange, IpBlockError, isSeverity, listIpBlocks, upsertIpBlock, type IpBlock } from "../domain/abuse/ip-blocks.ts";
import { ipBlocksToCsv, parseIpList } from "../domain/abuse/ip-list-format.ts";
import { currentCounters } from "../domain/abuse/rate-limit.ts";
import { RATE_LIMIT_RULES } from "../domain/abuse/rate-limit-rules.ts";
import { fail, ok, planThenApply, type CommandGroup, type CommandResult } from "./result.ts";
import { IP_LIST_USAGE, runIpListCommand } from "./ip-list-commands.ts";

const USAGE = `  ip list                                 the IP blocks
  ip block RANGE --severity ${IP_BLOCK_SEVERITIES.join("|")}
         [--expires-in 7d] [--comment C] [--yes]
                                          block an address or CIDR range (or change its rule)
  ip unblock RANGE [--yes]                lift the block of exactly that range
  ip import FILE [--severity S] [--yes]   blocks from CSV (ip,severity,comment,expires_at) or one
                                          range per line (severity from --severity, default no_access)
  ip export                               the blocks as CSV
  ip counters [--top N] [--rule NAME]     rate-limit counters of the current windows, busiest first
${IP_LIST_USAGE}`;

/** "90m", "12h", "7d", "2w" or plain seconds. */
function parseDuration(s: string): number | null {
  const m = s.trim().match(/^(\d{1,7})\s*([smhdw]?)$/);
  if (!m) return null;
  const unit = { "": 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2] as "" | "s"];
  const seconds = Number(m[1]) * unit;
  return seconds > 0 && seconds <= 10 * 365 * 86400 ? seconds : null;
}

const describe = (b: { range: string; severity: string; comment: string; expiresAt: Date | null }) =>
  `${b.range} ${b.severity}${b.expiresAt ? ` until ${b.expiresAt.toISOString()}` : ""}${b.comment ? ` (${b.comment})` : ""}`;

async function list(ctx: Ctx): Promise<CommandResult> {
  const rows = await listIpBlocks(ctx);
  if (!rows.length) return ok("No IP blocks.");
  const now = Date.now();
  const line = (b: IpBlock) => `${b.range}\t${b.severity}\t${b.expiresAt ? (b.expiresAt.getTime() <= now ? "expired" : b.expiresAt.toISOString()) : "-"}\t${b.comment}`;
  return ok(["range\tseverity\texpires\tcomment", ...rows.map(line)].join("\n"));
}

async function block(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { severity: { type: "string" }, "expires-in": { type: "string" }, comment: { type: "string" }, yes: { type: "boolean" } },
  });
  if (positionals.length !== 1) return fail(`error: ip block takes one RANGE\n\n${USAGE}`, 2);
  if (!isSeverity(values.severity)) return fail(`error: --severity must be one of ${IP_BLOCK_SEVERITIES.join(", ")}`, 2);
  let expiresAt: Date | null = null;
  if (values["expires-in"] !== undefined) {
    const seconds = parseDuration(values["expires-in"]);
    if (!seconds) return fail(`error: --expires-in must be a duration such as 90m, 12h, 7d or 2w`, 2);
    expiresAt = new Date(Date.now() + seconds * 1000);
  }
  const input = { range: canonicalRange(positionals[0]!), severity: values.severity, comment: values.comment ?? "", expiresAt };
  const old = await ipBlockByRange(ctx, input.range);
  const plan = [old ? `change ${describe(old)} to ${describe(input)}` : `block ${describe(input)}`];
  return planThenApply(plan, !!values.yes, async () => {
    await upsertIpBlock(ctx, input);
  });
}

async function unblock(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { yes: { type: "boolean" } } });
  if (positionals.length !== 1) return fail(`error: ip unblock takes one RANGE\n\n${USAGE}`, 2);
  const old = await ipBlockByRange(ctx, positionals[0]!);
  if (!old) return fail(`error: no block for ${canonicalRange(positionals[0]!)} (ip list shows them)`);
  return planThenApply([`lift ${describe(old)}`], !!values.yes, async () => {
    await deleteIpBlock(ctx, old.id);
  });
}

async function importFile(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { severity: { type: "string" }, yes: { type: "boolean" } } });
  if (positionals.length !== 1) return fail(`error: ip import takes one FILE\n\n${USAGE}`, 2);
  const fallback = values.severity ?? "no_access";
  if (!isSeverity(fallback)) return fail(`error: --severity must be one of ${IP_BLOCK_SEVERITIES.join(", ")}`, 2);
  let text: string;
  try {
    text = fs.readFileSync(positionals[0]!, "utf8");
  } catch (e) {
    return fail(`error: cannot read ${positionals[0]}: ${(e as Error).message}`);
  }
  const parsed = parseIpList(text);
  const existing = new Map((await listIpBlocks(ctx)).map((b) => [b.range, b]));
  const plan: string[] = [];
  const changes = parsed.entries.flatMap((e) => {
    const next = { range: e.range, severity: e.severity ?? fallback, comment: e.comment, expiresAt: e.expiresAt };
    const old = existing.get(e.range);
    if (old && old.severity === next.severity && old.comment === next.comment && old.expiresAt?.getTime() === next.expiresAt?.getTime()) return [];
    plan.push(old ? `change ${describe(old)} to ${describe(next)}` : `block ${describe(next)}`);
    return [next];
  });
  const notes = parsed.rejected.map((r) => `skipped line ${r.line} (${r.reason}): ${r.text}`);
  const result = await planThenApply(plan, !!values.yes, async () => {
    for (const c of changes) await upsertIpBlock(ctx, c);
  });
  return notes.length ? { ...result, out: result.out + notes.map((n) => `${n}\n`).join("") } : result;
}

async function counters(ctx: Ctx, args: string[]): Promise<CommandResult> {
  const { values } = parseArgs({ args, allowPositionals: false, options: { top: { type: "string" }, rule: { type: "string" } } });
  const top = values.top ? Number(values.top) : 50;
  if (!Number.isInteger(top) || top < 1 || top > 10_000) return fail("error: --top must be a whole number from 1 to 10000", 2);
  const rows = await currentCounters(ctx, RATE_LIMIT_RULES, { top, rule: values.rule });
  const head = ctx.config.rateLimits ? "" : "Rate limits are off (CARACOL_RATE_LIMITS=off): nothing is counted.\n";
  if (!rows.length) return ok(`${head}No requests counted in the current windows.`);
  const line = (r: (typeof rows)[number]) => `${r.rule}\t${r.subject}\t${r.count}/${r.limit ?? "?"}\t${r.count > (r.limit ?? Infinity) ? "limited" : "ok"}\t${r.windowEnd.toISOString()}`;
  return ok(head + ["rule\tclient\tcount/limit\tstate\twindow ends", ...rows.map(line)].join("\n"));
}

export const ipCommands: CommandGroup = {
  usage: USAGE,
  async run(ctx, action, args) {
    try {
      if (action === "list") return await list(ctx);
      if (action === "block") return await block(ctx, args);
      if (action === "unblock") return await unblock(ctx, args);
      if (action === "import") return await importFile(ctx, args);
      if (action === "export") return ok(ipBlocksToCsv(await listIpBlocks(ctx)));
      if (action === "counters") return await counters(ctx, args);
      return await runIpListCommand(ctx, action, args);
    } catch (e) {
      if (e instanceof IpBlockError) return fail(`error: ${e.field} ${e.message}`);
      throw e;
    }
  },
};
