// Circles (fedifams, caracoles): named groups of servers whose admins agree to act together.
// A local circle has members and shared rules, edited here and published (when its admin
// chooses) as JSON at /circles/{id}. A mirror circle (source_url set) copies one published
// elsewhere through a subscription (./subscriptions.ts, format caracol-circle) and changes
// only when its source does. Members count as allowed in allow-list and approval-first modes
// (standing.ts); circle posts go to followers on member servers (the outbox).
import { and, asc, count, eq } from "drizzle-orm";
import { blocklistSubscriptions, circleMembers, circleRules, circles, DOMAIN_BLOCK_SEVERITIES, statuses, type DomainBlockSeverity } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { newId } from "../../lib/id.ts";
import { listDomain } from "./lists/index.ts";
import { forgetStandings } from "./standing.ts";
import { listRulesChanged } from "./list-suspensions.ts";

export type Circle = typeof circles.$inferSelect;
export type CircleRule = typeof circleRules.$inferSelect;
export type CircleDetail = { circle: Circle; members: string[]; rules: CircleRule[]; subscriptionId: string | null };

export class CircleError extends Error {
  readonly code: "invalid" | "not_found" | "conflict" | "mirror";
  constructor(code: CircleError["code"], message: string) {
    super(message);
    this.code = code;
  }
}

function checkName(raw: string): string {
  const name = String(raw ?? "").trim();
  if (!name || name.length > 100) throw new CircleError("invalid", "a circle's name is 1 to 100 characters");
  return name;
}

function checkMember(raw: string): string {
  const d = listDomain(String(raw ?? ""));
  if ("reason" in d) throw new CircleError("invalid", `${JSON.stringify(raw)}: ${d.reason}`);
  return d.domain;
}

export async function getCircle(ctx: Ctx, id: string): Promise<Circle> {
  const [row] = /^\d{1,19}$/.test(id) ? await ctx.db.select().from(circles).where(eq(circles.id, id)) : [];
  if (!row) throw new CircleError("not_found", `no circle ${id}`);
  return row;
}

async function editable(ctx: Ctx, id: string): Promise<Circle> {
  const c = await getCircle(ctx, id);
  if (c.sourceUrl) throw new CircleError("mirror", `circle "${c.name}" mirrors ${c.sourceUrl} and changes only when its source does; remove it to stop mirroring`);
  return c;
}

async function nameTaken(ctx: Ctx, name: string, except?: string): Promise<boolean> {
  const [row] = await ctx.db.select({ id: circles.id }).from(circles).where(eq(circles.name, name));
  return !!row && row.id !== except;
}

export async function createCircle(ctx: Ctx, input: { name: string; description?: string }): Promise<Circle> {
  const name = checkName(input.name);
  if (await nameTaken(ctx, name)) throw new CircleError("conflict", `there is already a circle named "${name}"`);
  const [row] = await ctx.db.insert(circles).values({ id: newId(), name, description: (input.description ?? "").slice(0, 2000) }).returning();
  return row!;
}

/** A name not yet taken, from `wanted` ("Name", "Name (2)", ...), for mirrors of remote circles. */
export async function freeCircleName(ctx: Ctx, wanted: string): Promise<string> {
  const base = checkName(wanted.slice(0, 90));
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base} (${i})`;
    if (!(await nameTaken(ctx, name))) return name;
  }
}

export async function createMirrorCircle(ctx: Ctx, name: string, sourceUrl: string): Promise<Circle> {
  const [row] = await ctx.db.insert(circles).values({ id: newId(), name: await freeCircleName(ctx, name), sourceUrl }).returning();
  return row!;
}

export async function listCircles(ctx: Ctx): Promise<(Circle & { members: number })[]> {
  const rows = await ctx.db.select().from(circles).orderBy(asc(circles.name));
  const counts = await ctx.db.select({ id: circleMembers.circleId, n: count() }).from(circleMembers).groupBy(circleMembers.circleId);
  const by = new Map(counts.map((c) => [c.id, Number(c.n)]));
  return rows.map((r) => ({ ...r, members: by.get(r.id) ?? 0 }));
}

export async function circleDetail(ctx: Ctx, id: string): Promise<CircleDetail> {
  const circle = await getCircle(ctx, id);
  const members = (await ctx.db.select({ d: circleMembers.domain }).from(circleMembers).where(eq(circleMembers.circleId, id)).orderBy(asc(circleMembers.domain))).map((r) => r.d);
  const rules = await ctx.db.select().from(circleRules).where(eq(circleRules.circleId, id)).orderBy(asc(circleRules.domain));
  const [sub] = await ctx.db.select({ id: blocklistSubscriptions.id }).from(blocklistSubscriptions).where(eq(blocklistSubscriptions.circleId, id));
  return { circle, members, rules, subscriptionId: sub?.id ?? null };
}

export async function updateCircle(ctx: Ctx, id: string, patch: { name?: string; description?: string; published?: boolean }): Promise<Circle> {
  await editable(ctx, id);
  const values: Partial<Circle> = {};
  if (patch.name !== undefined) {
    values.name = checkName(patch.name);
    if (await nameTaken(ctx, values.name, id)) throw new CircleError("conflict", `there is already a circle named "${values.name}"`);
  }
  if (patch.description !== undefined) values.description = String(patch.description).slice(0, 2000);
  if (patch.published !== undefined) values.published = !!patch.published;
  if (!Object.keys(values).length) return getCircle(ctx, id);
  const [row] = await ctx.db.update(circles).set(values).where(eq(circles.id, id)).returning();
  return row!;
}

export async function addMember(ctx: Ctx, id: string, domain: string): Promise<string> {
  await editable(ctx, id);
  const d = checkMember(domain);
  await ctx.db.insert(circleMembers).values({ circleId: id, domain: d }).onConflictDoNothing();
  forgetStandings(ctx);
  return d;
}

export async function removeMember(ctx: Ctx, id: string, domain: string): Promise<boolean> {
  await editable(ctx, id);
  const d = checkMember(domain);
  const gone = await ctx.db.delete(circleMembers).where(and(eq(circleMembers.circleId, id), eq(circleMembers.domain, d))).returning();
  forgetStandings(ctx);
  return gone.length > 0;
}

/** Replaces the members at once (the admin API's PATCH). */
export async function setMembers(ctx: Ctx, id: string, domains: string[]): Promise<string[]> {
  await editable(ctx, id);
  const list = [...new Set(domains.map(checkMember))];
  await ctx.db.transaction(async (tx) => {
    await tx.delete(circleMembers).where(eq(circleMembers.circleId, id));
    if (list.length) await tx.insert(circleMembers).values(list.map((domain) => ({ circleId: id, domain })));
  });
  forgetStandings(ctx);
  return list;
}

export type RuleInput = { domain: string; severity: string; rejectMedia?: boolean; rejectReports?: boolean; comment?: string | null };

function checkRule(r: RuleInput) {
  if (!(DOMAIN_BLOCK_SEVERITIES as readonly string[]).includes(r.severity)) throw new CircleError("invalid", `severity must be one of ${DOMAIN_BLOCK_SEVERITIES.join(", ")}`);
  return {
    domain: checkMember(r.domain),
    severity: r.severity as DomainBlockSeverity,
    rejectMedia: !!r.rejectMedia,
    rejectReports: !!r.rejectReports,
    publicComment: r.comment ? String(r.comment).slice(0, 2000) : null,
  };
}

/** Adds a shared rule, or changes the circle's rule for that domain. */
export async function setRule(ctx: Ctx, id: string, input: RuleInput): Promise<CircleRule> {
  await editable(ctx, id);
  const v = checkRule(input);
  const [row] = await ctx.db
    .insert(circleRules)
    .values({ id: newId(), circleId: id, ...v })
    .onConflictDoUpdate({ target: [circleRules.circleId, circleRules.domain], set: { severity: v.severity, rejectMedia: v.rejectMedia, rejectReports: v.rejectReports, publicComment: v.publicComment } })
    .returning();
  // our own circles' rules bind us too (standing.ts)
  await listRulesChanged(ctx);
  return row!;
}

export async function removeRule(ctx: Ctx, id: string, domain: string): Promise<boolean> {
  await editable(ctx, id);
  const gone = await ctx.db.delete(circleRules).where(and(eq(circleRules.circleId, id), eq(circleRules.domain, checkMember(domain)))).returning();
  await listRulesChanged(ctx);
  return gone.length > 0;
}

export async function setRules(ctx: Ctx, id: string, rules: RuleInput[]): Promise<void> {
  await editable(ctx, id);
  const list = rules.map(checkRule);
  if (new Set(list.map((r) => r.domain)).size !== list.length) throw new CircleError("invalid", "a domain appears twice in the rules");
  await ctx.db.transaction(async (tx) => {
    await tx.delete(circleRules).where(eq(circleRules.circleId, id));
    if (list.length) await tx.insert(circleRules).values(list.map((r) => ({ id: newId(), circleId: id, ...r })));
  });
  await listRulesChanged(ctx);
}

/**
 * Deletes a circle with its members and rules (and, for a mirror, its subscription and the
 * entries it brought). Refused while posts are addressed to it: they would lose their audience.
 */
export async function deleteCircle(ctx: Ctx, id: string): Promise<Circle> {
  const c = await getCircle(ctx, id);
  const [used] = await ctx.db.select({ n: count() }).from(statuses).where(eq(statuses.circleId, id));
  if (used && Number(used.n) > 0) throw new CircleError("conflict", `${used.n} post(s) are addressed to circle "${c.name}"; it cannot be removed while they exist`);
  await ctx.db.transaction(async (tx) => {
    await tx.delete(blocklistSubscriptions).where(eq(blocklistSubscriptions.circleId, id));
    await tx.delete(circleRules).where(eq(circleRules.circleId, id));
    await tx.delete(circles).where(eq(circles.id, id));
  });
  await listRulesChanged(ctx);
  return c;
}

/** The published document, or null when the circle does not exist or is not published. */
export async function circleDocument(ctx: Ctx, id: string): Promise<Record<string, unknown> | null> {
  const [c] = /^\d{1,19}$/.test(id) ? await ctx.db.select().from(circles).where(and(eq(circles.id, id), eq(circles.published, true))) : [];
  if (!c) return null;
  const { members, rules } = await circleDetail(ctx, id);
  const times = [c.createdAt, ...rules.map((r) => r.createdAt)].map((d) => d.getTime());
  return {
    type: "CaracolCircle",
    id: new URL(`/circles/${c.id}`, ctx.config.origin).href,
    name: c.name,
    description: c.description,
    members,
    rules: rules.map((r) => ({ domain: r.domain, severity: r.severity, reject_media: r.rejectMedia, reject_reports: r.rejectReports, comment: r.publicComment })),
    updated: new Date(Math.max(...times)).toISOString(),
  };
}

