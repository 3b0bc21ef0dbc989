// Recording and reading the sign-in history. The address and user agent are stored only when
// the instance keeps addresses at all (CARACOL_IP_RETENTION_HOURS > 0); the coarse device
// summary is what remains after the retention window.
import { and, desc, eq, gt } from "drizzle-orm";
import { accessTokens, apps, signIns } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { newId } from "../../lib/id.ts";

/** How long a sign-in (without its address, after the retention window) stays in the history. */
export const SIGN_IN_HISTORY_DAYS = 90;

export type SignInInput = {
  accountId: string;
  method: "web" | "oauth";
  appId?: string | null;
  ip: string | null;
  userAgent: string | null | undefined;
};

const BROWSERS: [RegExp, string][] = [
  [/Edg\//, "Edge"],
  [/OPR\/|Opera/, "Opera"],
  [/Firefox\//, "Firefox"],
  [/Chrome\//, "Chrome"],
  [/Safari\//, "Safari"],
  [/curl\//, "curl"],
];
const SYSTEMS: [RegExp, string][] = [
  [/Android/, "Android"],
  [/iPhone|iPad|iOS/, "iOS"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/Windows/, "Windows"],
  [/Linux/, "Linux"],
];

/** "Firefox on Linux": a family name from a fixed list, so nothing identifying outlives the window. */
export function deviceSummary(userAgent: string | null | undefined): string {
  if (!userAgent) return "";
  const browser = BROWSERS.find(([re]) => re.test(userAgent))?.[1];
  const system = SYSTEMS.find(([re]) => re.test(userAgent))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? "unknown device";
}

export async function recordSignIn(ctx: Ctx, input: SignInInput, at: Date = new Date()): Promise<void> {
  const keep = ctx.config.ipRetentionHours > 0;
  await ctx.db.insert(signIns).values({
    id: newId(at),
    accountId: input.accountId,
    at,
    method: input.method,
    appId: input.appId ?? null,
    ip: keep ? input.ip : null,
    userAgent: keep ? (input.userAgent?.slice(0, 512) ?? null) : null,
    device: deviceSummary(input.userAgent),
  });
}

/** A token was issued: its account signed in through its app (client_credentials tokens have no account). */
export async function recordTokenSignIn(ctx: Ctx, tokenId: string, ip: string | null, userAgent: string | null | undefined): Promise<void> {
  const [t] = await ctx.db.select({ accountId: accessTokens.accountId, appId: accessTokens.appId }).from(accessTokens).where(eq(accessTokens.id, tokenId));
  if (!t?.accountId) return;
  await recordSignIn(ctx, { accountId: t.accountId, method: "oauth", appId: t.appId, ip, userAgent });
}

export type SignInView = { id: string; at: Date; method: "web" | "oauth"; appName: string | null; device: string; userAgent: string | null; ip: string | null };

/** The person's own sign-ins, newest first, within the last `days` days. */
export async function listSignIns(ctx: Ctx, accountId: string, opts: { limit?: number; days?: number; now?: number } = {}): Promise<SignInView[]> {
  const since = new Date((opts.now ?? Date.now()) - (opts.days ?? SIGN_IN_HISTORY_DAYS) * 86400_000);
  const rows = await ctx.db
    .select({ id: signIns.id, at: signIns.at, method: signIns.method, appName: apps.name, device: signIns.device, userAgent: signIns.userAgent, ip: signIns.ip })
    .from(signIns)
    .leftJoin(apps, eq(apps.id, signIns.appId))
    .where(and(eq(signIns.accountId, accountId), gt(signIns.at, since)))
    .orderBy(desc(signIns.at), desc(signIns.id))
    .limit(opts.limit ?? 50);
  return rows;
}
