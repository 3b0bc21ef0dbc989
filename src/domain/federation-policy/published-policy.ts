// Our federation policy as we publish it in NodeInfo metadata: Caracol's own `caracol` field,
// Akkoma/Pleroma's `federation` (MRF transparency, which crawlers of blocklists already read),
// and Akkoma's `localBubbleInstances`. The rule lists appear only when the admin turned on
// publishRulesInNodeinfo; otherwise the lists are empty and `exclusions: true` says that some
// (here: all) entries are withheld, as Pleroma says when it hides part of its lists.
import { and, eq, isNull } from "drizzle-orm";
import { circleMembers, circles, domainBlocks } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { getSetting } from "../instance/settings.ts";
import { obfuscateDomain, publicDomainRules, type PublicDomainRule } from "./public-rules.ts";
import { effectiveRule, normalizeDomain } from "./standing.ts";

export const META_DOMAINS = ["threads.net", "threads.com"] as const;

/** suspended / silenced / none: the milder of our rules for Meta's Threads domains. */
export async function metaPolicy(ctx: Ctx): Promise<"suspended" | "silenced" | "none"> {
  const severities = await Promise.all(META_DOMAINS.map(async (d) => (await effectiveRule(ctx, d))?.severity ?? "noop"));
  if (severities.every((s) => s === "suspend")) return "suspended";
  if (severities.every((s) => s !== "noop")) return "silenced";
  return "none";
}

export type CaracolPolicyField = {
  federationMode: string;
  metaPolicy: "suspended" | "silenced" | "none";
  transitivePolicy: string;
  signedFetchRequired: boolean;
  approvalRequired: boolean;
  introduction?: { text: string; contact: string };
  rules?: PublicDomainRule[];
};

type SimpleLists = Record<"reject" | "accept" | "media_removal" | "federated_timeline_removal" | "report_removal" | "followers_only", string[]>;

const EMPTY_SIMPLE = (): SimpleLists => ({ reject: [], accept: [], media_removal: [], federated_timeline_removal: [], report_removal: [], followers_only: [] });

/** Our own domain rules in MRF SimplePolicy's lists, names obfuscated where the admin asked. */
async function simpleLists(ctx: Ctx, rules: PublicDomainRule[]): Promise<{ simple: SimpleLists; quarantined: string[] }> {
  const simple = EMPTY_SIMPLE();
  for (const r of rules) (r.severity === "suspend" ? simple.reject : simple.federated_timeline_removal).push(r.domain);
  const quarantined: string[] = [];
  for (const b of await ctx.db.select().from(domainBlocks)) {
    if (b.severity === "suspend") continue;
    const name = b.obfuscate ? obfuscateDomain(b.domain) : b.domain;
    if (b.rejectMedia) simple.media_removal.push(name);
    if (b.rejectReports) simple.report_removal.push(name);
    // Pleroma's followers_only forces their posts to followers-only; quarantine keeps our
    // private posts from them. Our followers-only rule does both.
    if (b.followersOnly) {
      simple.followers_only.push(name);
      quarantined.push(name);
    }
  }
  for (const list of Object.values(simple)) list.sort();
  return { simple, quarantined: quarantined.sort() };
}

/** Servers in the circles we publish ourselves (not mirrors of someone else's). */
export async function bubbleInstances(ctx: Ctx): Promise<string[]> {
  const rows = await ctx.db
    .select({ domain: circleMembers.domain })
    .from(circleMembers)
    .innerJoin(circles, eq(circles.id, circleMembers.circleId))
    .where(and(eq(circles.published, true), isNull(circles.sourceUrl)));
  return [...new Set(rows.map((r) => normalizeDomain(r.domain)))].sort();
}

export async function publishedFederationMetadata(ctx: Ctx) {
  const [mode, transitive, publish, introduction, meta, bubble] = await Promise.all([
    getSetting(ctx, "federationMode"),
    getSetting(ctx, "transitivePolicy"),
    getSetting(ctx, "publishRulesInNodeinfo"),
    getSetting(ctx, "introduction"),
    metaPolicy(ctx),
    bubbleInstances(ctx),
  ]);
  const caracol: CaracolPolicyField = {
    federationMode: mode,
    metaPolicy: meta,
    transitivePolicy: transitive,
    signedFetchRequired: ctx.config.requireSignedFetch,
    approvalRequired: ctx.config.registrations === "approval",
  };
  if (introduction.text) caracol.introduction = introduction;
  let federation: Record<string, unknown> = {
    enabled: true,
    mrf_policies: ["SimplePolicy"],
    exclusions: true,
    mrf_simple: EMPTY_SIMPLE(),
    quarantined_instances: [],
  };
  if (publish) {
    const rules = await publicDomainRules(ctx);
    caracol.rules = rules;
    const { simple, quarantined } = await simpleLists(ctx, rules);
    federation = { enabled: true, mrf_policies: ["SimplePolicy"], exclusions: false, mrf_simple: simple, quarantined_instances: quarantined };
  }
  return { caracol, federation, localBubbleInstances: bubble };
}
