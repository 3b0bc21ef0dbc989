// Which client apps may use this server. An app's standing is computed here and nowhere else,
// from: the admin's rule for that app, rules on name words and redirect hosts, the list of
// Meta's identifiers (setting metaApps) and the app mode (open or allow-list). Blocking an app
// revokes every token it holds, so it loses access on its next request.
import { and, count, countDistinct, eq, gt, isNull, or, sql } from "drizzle-orm";
import { accessTokens, appRules, apps, authorizationCodes, type AppRuleAction, type AppRuleKind } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { getSetting, setSetting, type SettingValue } from "../instance/settings.ts";
import { newId } from "../../lib/id.ts";
import { appRedirectUris, type AppRow } from "./apps.ts";

export type AppRule = { kind: AppRuleKind; value: string; action: AppRuleAction };
export type AppStanding = { blocked: boolean; reason: string };
type Candidate = { id: string | null; name: string; redirectUris: readonly string[] };
type Policy = { rules: readonly AppRule[]; mode: SettingValue<"appMode">; meta: SettingValue<"metaApps"> };

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A whole word of the name, case-insensitive: "Meta" matches "Meta Sync", not "Metatext". */
export function nameHasWord(name: string, word: string): boolean {
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRe(word)}($|[^\\p{L}\\p{N}])`, "iu").test(name);
}

/** The host and its subdomains. */
export function hostMatches(host: string, rule: string): boolean {
  const h = host.toLowerCase();
  const r = rule.toLowerCase();
  return h === r || h.endsWith(`.${r}`);
}

function redirectHosts(uris: readonly string[]): string[] {
  return uris.flatMap((u) => {
    try {
      const host = new URL(u).hostname;
      return host ? [host] : [];
    } catch {
      return [];
    }
  });
}

/** The standing of an app (or of one asking to register), from the rules alone; pure. */
export function decideApp(app: Candidate, p: Policy): AppStanding {
  const own = app.id ? p.rules.find((r) => r.kind === "app" && r.value === app.id) : undefined;
  if (own) return own.action === "block" ? { blocked: true, reason: "blocked by the admins" } : { blocked: false, reason: "allowed by the admins" };
  const hosts = redirectHosts(app.redirectUris);
  const matches = (r: AppRule) => (r.kind === "name" ? nameHasWord(app.name, r.value) : r.kind === "redirect_host" && hosts.some((h) => hostMatches(h, r.value)));
  const blockRule = p.rules.find((r) => r.action === "block" && matches(r));
  if (blockRule) return { blocked: true, reason: `blocked by the admins (${blockRule.kind === "name" ? "name" : "redirect host"} ${blockRule.value})` };
  const metaName = p.meta.names.find((w) => nameHasWord(app.name, w));
  const metaHost = p.meta.hosts.find((m) => hosts.some((h) => hostMatches(h, m)));
  if (metaName || metaHost) return { blocked: true, reason: `identified as Meta's (${metaName ? `name "${metaName}"` : `redirect host ${metaHost}`})` };
  if (p.rules.some((r) => r.action === "allow" && matches(r))) return { blocked: false, reason: "allowed by the admins" };
  if (p.mode === "allowlist") return { blocked: true, reason: "not on this server's allow-list of apps" };
  return { blocked: false, reason: "open" };
}

/** A change to the policy, to see what it would do before making it. */
type PolicyChange = (p: Policy) => Policy;

async function loadPolicy(ctx: Ctx, change?: PolicyChange): Promise<Policy> {
  const [rules, mode, meta] = await Promise.all([
    ctx.db.select({ kind: appRules.kind, value: appRules.value, action: appRules.action }).from(appRules),
    getSetting(ctx, "appMode"),
    getSetting(ctx, "metaApps"),
  ]);
  const policy = { rules, mode, meta };
  return change ? change(policy) : policy;
}

const candidate = (app: AppRow): Candidate => ({ id: app.id, name: app.name, redirectUris: appRedirectUris(app) });

export async function appStanding(ctx: Ctx, app: AppRow): Promise<AppStanding> {
  return decideApp(candidate(app), await loadPolicy(ctx));
}

/**
 * Why registering this app is refused, or null. In allow-list mode registering is allowed (an
 * admin cannot allow an app that does not exist yet); using it waits for the admin.
 */
export async function registrationRefusal(ctx: Ctx, app: { name: string; redirectUris: readonly string[] }): Promise<string | null> {
  const policy = await loadPolicy(ctx, (p) => ({ ...p, mode: "open" }));
  const s = decideApp({ id: null, ...app }, policy);
  return s.blocked ? `This app is blocked on this server: ${s.reason}` : null;
}

const live = () => and(isNull(accessTokens.revokedAt), or(isNull(accessTokens.expiresAt), gt(accessTokens.expiresAt, sql`now()`)));

export type AppUsage = { tokens: number; people: number };

/** Live tokens and the people behind them, per app. */
async function usageByApp(ctx: Ctx, appId?: string): Promise<Map<string, AppUsage>> {
  const rows = await ctx.db
    .select({ appId: accessTokens.appId, tokens: count(), people: countDistinct(accessTokens.accountId) })
    .from(accessTokens)
    .where(and(live(), appId ? eq(accessTokens.appId, appId) : undefined))
    .groupBy(accessTokens.appId);
  return new Map(rows.filter((r) => r.appId).map((r) => [r.appId!, { tokens: Number(r.tokens), people: Number(r.people) }]));
}

export async function appUsage(ctx: Ctx, appId: string): Promise<AppUsage> {
  return (await usageByApp(ctx, appId)).get(appId) ?? { tokens: 0, people: 0 };
}

export type AppOverview = { app: AppRow; usage: AppUsage; standing: AppStanding };

/** Every registered app with its usage and standing, newest first. */
export async function listAppsWithStanding(ctx: Ctx, change?: PolicyChange): Promise<AppOverview[]> {
  const [rows, usage, policy] = await Promise.all([ctx.db.select().from(apps).orderBy(sql`${apps.id} desc`), usageByApp(ctx), loadPolicy(ctx, change)]);
  return rows.map((app) => ({ app, usage: usage.get(app.id) ?? { tokens: 0, people: 0 }, standing: decideApp(candidate(app), policy) }));
}

/**
 * Revokes every live token of the app (of one person only, when given), in one statement. Codes
 * not yet exchanged go too, so that no token appears a moment later.
 */
export async function revokeAppTokens(ctx: Ctx, appId: string, accountId?: string): Promise<number> {
  await ctx.db
    .delete(authorizationCodes)
    .where(and(eq(authorizationCodes.appId, appId), isNull(authorizationCodes.usedAt), accountId ? eq(authorizationCodes.accountId, accountId) : undefined));
  const r = await ctx.db
    .update(accessTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(accessTokens.appId, appId), isNull(accessTokens.revokedAt), accountId ? eq(accessTokens.accountId, accountId) : undefined))
    .returning({ id: accessTokens.id });
  return r.length;
}

async function setAppRule(ctx: Ctx, appId: string, action: AppRuleAction | null): Promise<void> {
  if (action === null) {
    await ctx.db.delete(appRules).where(and(eq(appRules.kind, "app"), eq(appRules.value, appId)));
    return;
  }
  await ctx.db
    .insert(appRules)
    .values({ id: newId(), kind: "app", value: appId, action })
    .onConflictDoUpdate({ target: [appRules.kind, appRules.value], set: { action } });
}

/** Blocks the app and ends all its tokens at once; answers how many tokens were revoked. */
export async function blockApp(ctx: Ctx, appId: string): Promise<number> {
  await setAppRule(ctx, appId, "block");
  return revokeAppTokens(ctx, appId);
}

/** Removes the admin's rule for this app: name, host, Meta and mode rules apply again. */
export async function unblockApp(ctx: Ctx, appId: string): Promise<void> {
  await setAppRule(ctx, appId, null);
}

/** Allows the app even in allow-list mode or when it matches a pattern or Meta's list. */
export async function allowApp(ctx: Ctx, appId: string): Promise<void> {
  await setAppRule(ctx, appId, "allow");
}

/** Apps that a policy change would newly block, with what they would lose. */
async function appsCutOffBy(ctx: Ctx, change: PolicyChange): Promise<AppOverview[]> {
  const [before, after] = await Promise.all([listAppsWithStanding(ctx), listAppsWithStanding(ctx, change)]);
  const wasBlocked = new Set(before.filter((o) => o.standing.blocked).map((o) => o.app.id));
  return after.filter((o) => o.standing.blocked && !wasBlocked.has(o.app.id));
}

async function revokeAll(ctx: Ctx, cut: readonly AppOverview[]): Promise<number> {
  let revoked = 0;
  for (const o of cut) revoked += await revokeAppTokens(ctx, o.app.id);
  return revoked;
}

export const appsCutOffByMode = (ctx: Ctx, mode: SettingValue<"appMode">) => appsCutOffBy(ctx, (p) => ({ ...p, mode }));

/** Switches the mode; apps it blocks lose their tokens at once. */
export async function setAppMode(ctx: Ctx, mode: SettingValue<"appMode">): Promise<number> {
  const cut = await appsCutOffByMode(ctx, mode);
  await setSetting(ctx, "appMode", mode);
  return revokeAll(ctx, cut);
}

export class AppRuleError extends Error {}

/** A pattern rule as stored: names and hosts in lower case, hosts without scheme or path. */
export function checkPatternRule(kind: "name" | "redirect_host", value: string): string {
  const v = value.trim().toLowerCase();
  if (!v || v.length > 253) throw new AppRuleError(`the ${kind === "name" ? "name word" : "host"} must be 1 to 253 characters`);
  if (kind === "redirect_host" && !/^[a-z0-9.-]+$/.test(v)) throw new AppRuleError("a redirect host is a host name like app.example (no scheme, port or path)");
  return v;
}

const withoutPattern = (p: Policy, kind: AppRuleKind, value: string) => p.rules.filter((r) => !(r.kind === kind && r.value === value));

export const appsCutOffByPattern = (ctx: Ctx, kind: "name" | "redirect_host", value: string, action: AppRuleAction) =>
  appsCutOffBy(ctx, (p) => ({ ...p, rules: [...withoutPattern(p, kind, value), { kind, value, action }] }));

/** Adds or changes a rule on a name word or a redirect host; apps it blocks lose their tokens. */
export async function setPatternRule(ctx: Ctx, kind: "name" | "redirect_host", value: string, action: AppRuleAction): Promise<number> {
  const cut = await appsCutOffByPattern(ctx, kind, value, action);
  await ctx.db
    .insert(appRules)
    .values({ id: newId(), kind, value, action })
    .onConflictDoUpdate({ target: [appRules.kind, appRules.value], set: { action } });
  return revokeAll(ctx, cut);
}

export const appsCutOffByRemoval = (ctx: Ctx, kind: "name" | "redirect_host", value: string) =>
  appsCutOffBy(ctx, (p) => ({ ...p, rules: withoutPattern(p, kind, value) }));

/** Removes a pattern rule; apps that only an allow rule let in lose their tokens. */
export async function removePatternRule(ctx: Ctx, kind: "name" | "redirect_host", value: string): Promise<number> {
  const cut = await appsCutOffByRemoval(ctx, kind, value);
  await ctx.db.delete(appRules).where(and(eq(appRules.kind, kind), eq(appRules.value, value)));
  return revokeAll(ctx, cut);
}

export async function listPatternRules(ctx: Ctx): Promise<AppRule[]> {
  return (await loadPolicy(ctx)).rules.filter((r) => r.kind !== "app");
}

export type AuthorizedApp = {
  app: AppRow;
  scopes: string[];
  narrowed: { noDirect: boolean; noOthersFollowersOnly: boolean };
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
};

/** The apps holding a live token for this person, one entry per app. */
export async function authorizedApps(ctx: Ctx, accountId: string): Promise<AuthorizedApp[]> {
  const rows = await ctx.db
    .select({ token: accessTokens, app: apps })
    .from(accessTokens)
    .innerJoin(apps, eq(apps.id, accessTokens.appId))
    .where(and(eq(accessTokens.accountId, accountId), live()))
    .orderBy(accessTokens.id);
  const byApp = new Map<string, AuthorizedApp>();
  for (const { token: t, app } of rows) {
    const e = byApp.get(app.id) ?? { app, scopes: [], narrowed: { noDirect: true, noOthersFollowersOnly: true }, createdAt: t.createdAt, lastUsedAt: null, expiresAt: t.expiresAt };
    e.scopes = [...new Set([...e.scopes, ...t.scopes.split(" ").filter(Boolean)])];
    // Several tokens: the app reads as much as its widest one.
    e.narrowed = { noDirect: e.narrowed.noDirect && t.narrowNoDirect, noOthersFollowersOnly: e.narrowed.noOthersFollowersOnly && t.narrowNoOthersPrivate };
    if (t.lastUsedAt && (!e.lastUsedAt || t.lastUsedAt > e.lastUsedAt)) e.lastUsedAt = t.lastUsedAt;
    if (e.expiresAt && (!t.expiresAt || t.expiresAt > e.expiresAt)) e.expiresAt = t.expiresAt;
    byApp.set(app.id, e);
  }
  return [...byApp.values()];
}
