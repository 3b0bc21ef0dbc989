// Suspensions that come from subscribed lists and from our circles' shared rules do what an
// admin's own suspension does (suspend.ts): follows severed, cached content purged, accounts
// marked suspended. Lists change on their own schedule, so this reconciles rather than reacts:
// after any change to lists or circle rules, every server we hold accounts of is compared with
// the rule now in force.
import { eq, isNotNull } from "drizzle-orm";
import { accounts, listSuspensions } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { effectiveRule, forgetStandings, normalizeDomain } from "./standing.ts";
import { stampedDomains, suspendDomain, unsuspendAccounts } from "./suspend.ts";
import { reevaluateVerdicts } from "./transitive.ts";

export type Reconciled = { suspended: string[]; lifted: string[] };

/** Called after lists or circle rules changed: standings, verdicts and suspensions follow. */
export async function listRulesChanged(ctx: Ctx): Promise<Reconciled> {
  forgetStandings(ctx);
  const done = await reconcileListSuspensions(ctx);
  await reevaluateVerdicts(ctx);
  return done;
}

const suspends = async (ctx: Ctx, host: string) => (await effectiveRule(ctx, host))?.severity === "suspend";

export async function reconcileListSuspensions(ctx: Ctx): Promise<Reconciled> {
  const out: Reconciled = { suspended: [], lifted: [] };
  const tracked = new Map((await ctx.db.select().from(listSuspensions)).map((r) => [r.domain, r.stamp]));
  const stored = await ctx.db.selectDistinct({ d: accounts.domain }).from(accounts).where(isNotNull(accounts.domain));
  const hosts = [...new Set(stored.map((r) => normalizeDomain(r.d!)))];
  for (const host of hosts) {
    if (tracked.has(host)) continue;
    const rule = await effectiveRule(ctx, host);
    // an admin's own rule already did this with its own stamp (domain-rules.ts)
    if (rule?.severity !== "suspend" || rule.source.startsWith("domain rule")) continue;
    const stamp = new Date();
    await ctx.db.insert(listSuspensions).values({ domain: host, stamp }).onConflictDoNothing();
    await suspendDomain(ctx, host, stamp);
    out.suspended.push(host);
  }
  for (const [host, stamp] of tracked) {
    // still suspended by any rule (a list, a circle, or now the admin's own): keep it so
    if (await suspends(ctx, host)) continue;
    const names = (await stampedDomains(ctx, host, stamp)).map((d) => d.domain).filter((d) => normalizeDomain(d) === host);
    await unsuspendAccounts(ctx, names, stamp);
    await ctx.db.delete(listSuspensions).where(eq(listSuspensions.domain, host));
    out.lifted.push(host);
  }
  if (out.suspended.length || out.lifted.length) forgetStandings(ctx);
  return out;
}
