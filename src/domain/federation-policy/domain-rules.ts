// The admin's own domain rules (Mastodon's domain blocks, with Pleroma's followers_only): create,
// change in place, lift. Every change is planned first (planRule / planLift), so the CLI and
// the admin API can show what it will do; applying runs the same plan. How a rule weighs
// against subscribed lists and other sources is decided in ./standing.ts, never here.
//
// What each severity does, and where:
// - suspend: ./suspend.ts (follows severed, cached content purged, accounts marked suspended);
//   standing "blocked" stops every exchange (inbox, fetches, outbox).
// - silence: standing "limited": public timelines, hashtags and search leave their posts out
//   (src/domain/timelines/feeds.ts, src/domain/search/search.ts via ./rule-effects.ts),
//   notifications from their accounts one does not follow are not shown, follows need approval.
// - reject_media: their attachments become links, avatars and headers our default (serializers,
//   via ./rule-effects.ts).
// - followers_only: their incoming posts are stored as followers-only; standing "restricted"
//   keeps our non-public posts from them.
import { asc, eq, inArray } from "drizzle-orm";
import { domainBlocks, DOMAIN_BLOCK_SEVERITIES, type DomainBlockSeverity } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { newId } from "../../lib/id.ts";
import { domainAndParents, forgetStandings, normalizeDomain, serverPolicy } from "./standing.ts";
import { reevaluateVerdicts } from "./transitive.ts";
import { countPurge, stampedDomains, suspendDomain, unsuspendAccounts, type PurgeCounts } from "./suspend.ts";

export type DomainRule = typeof domainBlocks.$inferSelect;
export type RuleFlags = { severity: DomainBlockSeverity; rejectMedia: boolean; rejectReports: boolean; followersOnly: boolean };
export type RuleInput = Partial<Omit<RuleFlags, "severity">> & {
  domain: string;
  severity: DomainBlockSeverity;
  privateComment?: string | null;
  publicComment?: string | null;
  obfuscate?: boolean;
};

export type DomainRuleErrorCode = "invalid" | "own_domain" | "covered" | "not_found";

export class DomainRuleError extends Error {
  readonly code: DomainRuleErrorCode;
  /** for "covered": the rule that already covers the domain at least as strictly */
  readonly existing: DomainRule | null;
  constructor(code: DomainRuleErrorCode, message: string, existing: DomainRule | null = null) {
    super(message);
    this.code = code;
    this.existing = existing;
  }
}

const MAX_COMMENT = 2000;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * A rule's domain, checked and normalised: a host name (internationalised names become their
 * ASCII form) or an IP literal, never with a scheme, path or wildcard, and never our own domain
 * or a parent of it (that rule would cover us).
 */
export function checkDomain(ctx: Ctx, raw: string): string {
  const input = normalizeDomain(String(raw ?? ""));
  if (!input || input.length > 253 || /[\/\s@*?#]/.test(input)) throw new DomainRuleError("invalid", `not a domain name: ${JSON.stringify(raw)}`);
  let host: string;
  try {
    host = normalizeDomain(new URL(`http://${input}`).hostname);
  } catch {
    throw new DomainRuleError("invalid", `not a domain name: ${JSON.stringify(raw)}`);
  }
  const ok = IPV4.test(host) || host.startsWith("[") || (host.includes(".") && host.split(".").every((l) => LABEL.test(l)));
  if (!ok) throw new DomainRuleError("invalid", `not a domain name: ${JSON.stringify(raw)}`);
  if (domainAndParents(ctx.config.domain).includes(host)) throw new DomainRuleError("own_domain", `${host} is this server's own domain (or covers it)`);
  return host;
}

function checkComment(v: string | null | undefined, what: string): string | null {
  if (v == null || v === "") return null;
  if (typeof v !== "string" || v.length > MAX_COMMENT) throw new DomainRuleError("invalid", `${what} must be text of at most ${MAX_COMMENT} characters`);
  return v;
}

export function checkSeverity(v: unknown): DomainBlockSeverity {
  if (!DOMAIN_BLOCK_SEVERITIES.includes(v as DomainBlockSeverity)) {
    throw new DomainRuleError("invalid", `severity must be one of ${DOMAIN_BLOCK_SEVERITIES.join(", ")}`);
  }
  return v as DomainBlockSeverity;
}

const RANK: Record<DomainBlockSeverity, number> = { noop: 0, silence: 1, suspend: 2 };

/**
 * Whether `a` does more than `b` (Mastodon's stricter_than?): a stronger severity, or the same
 * one and no flag that `b` has left out. A new rule under an existing one must be stricter.
 */
export function isStricter(a: RuleFlags, b: RuleFlags): boolean {
  if (a.severity === "suspend") return b.severity !== "suspend" || (a.rejectMedia && !b.rejectMedia) || (a.rejectReports && !b.rejectReports);
  if (RANK[a.severity] < RANK[b.severity]) return false;
  const more = (x: boolean, y: boolean) => x || !y;
  const adds = (a.rejectMedia && !b.rejectMedia) || (a.rejectReports && !b.rejectReports) || (a.followersOnly && !b.followersOnly);
  const keeps = more(a.rejectMedia, b.rejectMedia) && more(a.rejectReports, b.rejectReports) && more(a.followersOnly, b.followersOnly);
  return keeps && (RANK[a.severity] > RANK[b.severity] || adds);
}

export async function listRules(ctx: Ctx): Promise<DomainRule[]> {
  return ctx.db.select().from(domainBlocks).orderBy(asc(domainBlocks.domain));
}

export async function ruleById(ctx: Ctx, id: string): Promise<DomainRule | null> {
  if (!/^\d{1,19}$/.test(id)) return null;
  const [row] = await ctx.db.select().from(domainBlocks).where(eq(domainBlocks.id, id));
  return row ?? null;
}

export async function ruleForDomain(ctx: Ctx, domain: string): Promise<DomainRule | null> {
  const [row] = await ctx.db.select().from(domainBlocks).where(eq(domainBlocks.domain, normalizeDomain(domain)));
  return row ?? null;
}

/** The admin rule for the domain itself or its most specific parent. */
export async function coveringRule(ctx: Ctx, domain: string): Promise<DomainRule | null> {
  const rows = await ctx.db.select().from(domainBlocks).where(inArray(domainBlocks.domain, domainAndParents(domain)));
  return rows.sort((a, b) => b.domain.length - a.domain.length)[0] ?? null;
}

const flagsOf = (r: RuleFlags): RuleFlags => ({ severity: r.severity, rejectMedia: r.rejectMedia, rejectReports: r.rejectReports, followersOnly: r.followersOnly });

function describe(f: RuleFlags): string {
  const extras = [f.rejectMedia && "reject media", f.rejectReports && "reject reports", f.followersOnly && "followers only"].filter(Boolean);
  return [f.severity, ...extras].join(", ");
}

export type RulePlan = {
  domain: string;
  before: DomainRule | null;
  /** null: the rule is lifted */
  after: (RuleFlags & { privateComment: string | null; publicComment: string | null; obfuscate: boolean }) | null;
  /** readable lines, one per change; empty when nothing would change */
  lines: string[];
  /** what a new suspension purges; null when nothing is purged */
  purge: PurgeCounts | null;
};

function purgeLines(domain: string, p: PurgeCounts): string[] {
  return [
    `sever ${p.followsFromThem} follow(s) of local accounts by accounts on ${domain} and ${p.followsToThem} follow(s) of theirs by local accounts, and drop ${p.followRequests} follow request(s); nothing is sent to them`,
    `purge ${p.statuses} cached post(s) with ${p.media} media attachment(s), ${p.boostsOfThem} boost(s) of them and ${p.notifications} notification(s) from them; purged content is gone for good, lifting the rule does not bring it back`,
    `mark ${p.accounts} account(s) there suspended`,
  ];
}

function effectLines(domain: string, before: RuleFlags | null, after: RuleFlags): string[] {
  const out: string[] = [];
  const was = (k: keyof RuleFlags) => (before ? before[k] : false);
  if (after.severity === "silence" && before?.severity !== "silence") {
    out.push(`leave posts from ${domain} out of public timelines, hashtags and search; only their followers here see them, and their follows need approval`);
  }
  if (after.rejectMedia && !was("rejectMedia")) out.push(`show their media as links only, and our default avatar and header for their accounts`);
  if (after.rejectReports && !was("rejectReports")) out.push(`drop reports from ${domain}`);
  if (after.followersOnly && !was("followersOnly")) out.push(`store their new posts as followers-only, and send them public posts only`);
  return out;
}

/** What saving `input` would change, without changing anything. Throws DomainRuleError. */
export async function planRule(ctx: Ctx, input: RuleInput): Promise<RulePlan> {
  const domain = checkDomain(ctx, input.domain);
  const severity = checkSeverity(input.severity);
  const before = await ruleForDomain(ctx, domain);
  const after = {
    severity,
    rejectMedia: input.rejectMedia ?? before?.rejectMedia ?? false,
    rejectReports: input.rejectReports ?? before?.rejectReports ?? false,
    followersOnly: input.followersOnly ?? before?.followersOnly ?? false,
    privateComment: input.privateComment === undefined ? (before?.privateComment ?? null) : checkComment(input.privateComment, "private comment"),
    publicComment: input.publicComment === undefined ? (before?.publicComment ?? null) : checkComment(input.publicComment, "public comment"),
    obfuscate: input.obfuscate ?? before?.obfuscate ?? false,
  };
  // A rule for a subdomain overrides its parent's (the most specific rule wins), so a milder one
  // would weaken the parent's for that subdomain: refused, as Mastodon refuses it.
  const parentName = domainAndParents(domain)[1];
  const parent = parentName ? await coveringRule(ctx, parentName) : null;
  if (parent && !isStricter(after, flagsOf(parent))) {
    throw new DomainRuleError("covered", `${parent.domain} already has a rule (${describe(parent)}) that covers ${domain}; a rule here would have to be stricter`, parent);
  }
  const lines: string[] = [];
  if (!before) lines.push(`add a rule for ${domain} and its subdomains: ${describe(after)}`);
  else if (describe(before) !== describe(after)) lines.push(`change the rule for ${domain} from ${describe(before)} to ${describe(after)}`);
  if (before && (before.privateComment !== after.privateComment || before.publicComment !== after.publicComment || before.obfuscate !== after.obfuscate)) {
    lines.push(`update the comments / obfuscation of the rule for ${domain}`);
  }
  let purge: PurgeCounts | null = null;
  if (severity === "suspend" && before?.severity !== "suspend") {
    purge = await countPurge(ctx, domain);
    lines.push(...purgeLines(domain, purge));
  } else if (before?.severity === "suspend" && severity !== "suspend") {
    lines.push(...(await liftLines(ctx, before)));
  }
  lines.push(...effectLines(domain, before, after));
  return { domain, before, after, lines, purge };
}

async function liftLines(ctx: Ctx, before: DomainRule): Promise<string[]> {
  const n = (await stampedDomains(ctx, before.domain, before.createdAt)).reduce((s, d) => s + d.n, 0);
  return [`unsuspend ${n} account(s) this rule suspended (where no other rule still suspends them); purged posts and severed follows are not restored`];
}

/** Creates the rule, or changes the existing one for that exact domain in place. */
export async function saveRule(ctx: Ctx, input: RuleInput): Promise<{ rule: DomainRule; plan: RulePlan }> {
  const plan = await planRule(ctx, input);
  const a = plan.after!;
  const values = {
    severity: a.severity,
    rejectMedia: a.rejectMedia,
    rejectReports: a.rejectReports,
    followersOnly: a.followersOnly,
    privateComment: a.privateComment,
    publicComment: a.publicComment,
    obfuscate: a.obfuscate,
  };
  const [rule] = plan.before
    ? await ctx.db.update(domainBlocks).set(values).where(eq(domainBlocks.id, plan.before.id)).returning()
    : await ctx.db.insert(domainBlocks).values({ id: newId(), domain: plan.domain, ...values }).onConflictDoUpdate({ target: domainBlocks.domain, set: values }).returning();
  forgetStandings(ctx);
  if (plan.purge) await suspendDomain(ctx, plan.domain, rule!.createdAt);
  else if (plan.before?.severity === "suspend" && a.severity !== "suspend") await unsuspendLifted(ctx, plan.before);
  await ruleChanged(ctx);
  return { rule: rule!, plan };
}

/**
 * A new rule through the admin API (Mastodon's POST): refused when a rule for the domain or a
 * parent already does at least as much (DomainRuleError "covered", with that rule).
 */
export async function createRule(ctx: Ctx, input: RuleInput): Promise<{ rule: DomainRule; plan: RulePlan }> {
  const domain = checkDomain(ctx, input.domain);
  const existing = await coveringRule(ctx, domain);
  const wanted = flagsOf({ severity: checkSeverity(input.severity), rejectMedia: !!input.rejectMedia, rejectReports: !!input.rejectReports, followersOnly: !!input.followersOnly });
  if (existing && (existing.domain === domain || !isStricter(wanted, flagsOf(existing)))) {
    throw new DomainRuleError("covered", `${existing.domain} already has a rule (${describe(existing)})`, existing);
  }
  return saveRule(ctx, { ...input, domain });
}

export async function planLift(ctx: Ctx, rule: DomainRule): Promise<RulePlan> {
  const lines = [`lift the rule for ${rule.domain}: ${describe(rule)}`];
  if (rule.severity === "suspend") lines.push(...(await liftLines(ctx, rule)));
  if (rule.severity === "silence") lines.push(`their public posts may appear in public timelines, hashtags and search again`);
  if (rule.rejectMedia) lines.push(`show their media and avatars again`);
  return { domain: rule.domain, before: rule, after: null, lines, purge: null };
}

export async function deleteRule(ctx: Ctx, rule: DomainRule): Promise<RulePlan> {
  const plan = await planLift(ctx, rule);
  await ctx.db.delete(domainBlocks).where(eq(domainBlocks.id, rule.id));
  forgetStandings(ctx);
  if (rule.severity === "suspend") await unsuspendLifted(ctx, rule);
  await ruleChanged(ctx);
  return plan;
}

/** After every change: standings are recomputed, and scan verdicts judged again (a server is
 * "federating with a suspended domain" only while we suspend that domain). */
async function ruleChanged(ctx: Ctx): Promise<void> {
  forgetStandings(ctx);
  await reevaluateVerdicts(ctx);
}

/** Unsuspends what `rule` suspended, except on domains that another source still blocks. */
async function unsuspendLifted(ctx: Ctx, rule: DomainRule): Promise<void> {
  const free: string[] = [];
  for (const d of await stampedDomains(ctx, rule.domain, rule.createdAt)) {
    if ((await serverPolicy(ctx, d.domain)).standing !== "blocked") free.push(d.domain);
  }
  await unsuspendAccounts(ctx, free, rule.createdAt);
}
