// Caracol's admin API for blocklist subscriptions and circles (not part of Mastodon's).
// Admins only, with admin:read / admin:write.
//
// GET    /api/v1/caracol/admin/subscriptions            every subscription
// POST   /api/v1/caracol/admin/subscriptions            {name, source, format?, priority?, severity_cap?,
//          excluded_domains?, review_new_entries?, refresh_hours?, dry_run?} fetches the list;
//          dry_run answers the plan only, otherwise the subscription is stored and synced
// GET    /api/v1/caracol/admin/subscriptions/:id        one, with its entries
// PATCH  /api/v1/caracol/admin/subscriptions/:id        {priority?, severity_cap?, excluded_domains?, ...}
// DELETE /api/v1/caracol/admin/subscriptions/:id        removes it; its entries are retracted
// POST   /api/v1/caracol/admin/subscriptions/:id/sync   {dry_run?} fetch now
// GET    /api/v1/caracol/admin/circles                  every circle
// POST   /api/v1/caracol/admin/circles                  {name, description?, published?, members?, rules?}
//          or {source} to mirror a circle published elsewhere
// GET    /api/v1/caracol/admin/circles/:id              one, with members and rules
// PATCH  /api/v1/caracol/admin/circles/:id              {name?, description?, published?, members?, rules?}
// DELETE /api/v1/caracol/admin/circles/:id
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { DOMAIN_BLOCK_SEVERITIES, LIST_FORMATS } from "../../db/schema/index.ts";
import { bodyParams, validate, zArray, zBool, zInt } from "../params.ts";
import { notFound, unprocessable } from "../errors.ts";
import { requireAdmin } from "./admin.ts";
import {
  deleteSubscription,
  getSubscription,
  listSubscriptions,
  subscriptionEntries,
  SubscriptionError,
  updateSubscription,
  type Subscription,
} from "../../domain/federation-policy/subscriptions.ts";
import type { SyncPlan } from "../../domain/federation-policy/sync.ts";
import { circleDetail, CircleError, createCircle, deleteCircle, listCircles, setMembers, setRules, updateCircle } from "../../domain/federation-policy/circles.ts";
import { addSubscription, subscribeCircle, type SubscribeResult } from "../../federation/policy-lists/subscribe.ts";
import { syncSubscription, type SyncResult } from "../../federation/policy-lists/sync-subscription.ts";

function apiError(e: unknown): never {
  if (e instanceof SubscriptionError || e instanceof CircleError) {
    if (e.code === "not_found") throw notFound();
    throw unprocessable(e.message, { base: [{ error: e.code === "conflict" ? "ERR_TAKEN" : "ERR_INVALID", description: e.message }] });
  }
  throw e;
}

const guard = async <T>(f: () => Promise<T>): Promise<T> => {
  try {
    return await f();
  } catch (e) {
    apiError(e);
  }
};

function subJson(s: Subscription) {
  return {
    id: s.id,
    name: s.name,
    source: s.source,
    format: s.format,
    priority: s.priority,
    severity_cap: s.severityCap,
    excluded_domains: s.excludedDomains,
    review_new_entries: s.reviewNewEntries,
    refresh_hours: s.refreshHours,
    enabled: s.enabled,
    circle_id: s.circleId,
    last_fetched_at: s.lastFetchedAt?.toISOString() ?? null,
    last_status: s.lastStatus,
    last_report: s.lastReport,
    created_at: s.createdAt.toISOString(),
  };
}

function planJson(p: SyncPlan | null) {
  if (!p) return null;
  return {
    add: p.add,
    change: p.change,
    retract: p.retract,
    unchanged: p.unchanged,
    excluded: p.excluded,
    newly_suspended: p.newlySuspended,
    members: p.members,
  };
}

function syncJson(r: SyncResult) {
  return { outcome: r.outcome, error: r.error, plan: planJson(r.plan), subscription: subJson(r.subscription) };
}

function subscribeJson(r: SubscribeResult) {
  if (!r.applied) {
    if (r.error) throw unprocessable(r.error, { source: [{ error: "ERR_INVALID", description: r.error }] });
    return { applied: false, format: r.report?.format ?? null, rejected: r.report?.rejected ?? [], warnings: r.report?.warnings ?? [], plan: planJson(r.plan) };
  }
  return { applied: true, circle_id: r.circle?.id ?? null, ...syncJson(r.result) };
}

const subscriptionFields = {
  priority: zInt(0, 1_000_000).optional(),
  severity_cap: z.enum(DOMAIN_BLOCK_SEVERITIES).optional(),
  excluded_domains: zArray(z.string().max(253)).optional(),
  review_new_entries: zBool.optional(),
  refresh_hours: zInt(1, 24 * 365).optional(),
  enabled: zBool.optional(),
};
const createSchema = z.object({ name: z.string().min(1).max(200), source: z.string().min(1).max(2000), format: z.enum(LIST_FORMATS).optional(), dry_run: zBool.optional(), ...subscriptionFields });
const patchSchema = z.object({ name: z.string().min(1).max(200).optional(), format: z.enum(LIST_FORMATS).optional(), ...subscriptionFields });

const toInput = (p: z.output<typeof patchSchema>) => ({
  ...(p.name !== undefined ? { name: p.name } : {}),
  ...(p.format !== undefined ? { format: p.format } : {}),
  ...(p.priority !== undefined ? { priority: p.priority } : {}),
  ...(p.severity_cap !== undefined ? { severityCap: p.severity_cap } : {}),
  ...(p.excluded_domains !== undefined ? { excludedDomains: p.excluded_domains } : {}),
  ...(p.review_new_entries !== undefined ? { reviewNewEntries: p.review_new_entries } : {}),
  ...(p.refresh_hours !== undefined ? { refreshHours: p.refresh_hours } : {}),
  ...(p.enabled !== undefined ? { enabled: p.enabled } : {}),
});

const ruleSchema = z.object({ domain: z.string().max(253), severity: z.enum(DOMAIN_BLOCK_SEVERITIES), reject_media: zBool.optional(), reject_reports: zBool.optional(), comment: z.string().max(2000).nullable().optional() });
const circleSchema = z.object({
  name: z.string().max(100).optional(),
  description: z.string().max(2000).optional(),
  published: zBool.optional(),
  members: zArray(z.string().max(253)).optional(),
  rules: z.array(ruleSchema).max(20_000).optional(),
  source: z.string().max(2000).optional(),
});

async function circleJson(c: Context<AppEnv>, id: string) {
  const d = await circleDetail(c.var.ctx, id);
  return {
    id: d.circle.id,
    name: d.circle.name,
    description: d.circle.description,
    published: d.circle.published,
    url: d.circle.published ? new URL(`/circles/${d.circle.id}`, c.var.ctx.config.origin).href : null,
    source_url: d.circle.sourceUrl,
    subscription_id: d.subscriptionId,
    members: d.members,
    rules: d.rules.map((r) => ({ domain: r.domain, severity: r.severity, reject_media: r.rejectMedia, reject_reports: r.rejectReports, comment: r.publicComment })),
    created_at: d.circle.createdAt.toISOString(),
  };
}

export function adminListsRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/v1/caracol/admin/subscriptions", async (c) => {
    await requireAdmin(c, "admin:read");
    return c.json((await listSubscriptions(c.var.ctx)).map(subJson));
  });

  app.post("/v1/caracol/admin/subscriptions", async (c) => {
    await requireAdmin(c, "admin:write");
    const p = validate(createSchema, await bodyParams(c));
    const input = { source: p.source, ...toInput(p), name: p.name };
    return c.json(subscribeJson(await guard(() => addSubscription(c.var.ctx, input, { apply: !p.dry_run }))));
  });

  app.get("/v1/caracol/admin/subscriptions/:id", async (c) => {
    await requireAdmin(c, "admin:read");
    const s = await guard(() => getSubscription(c.var.ctx, c.req.param("id")));
    const entries = (await subscriptionEntries(c.var.ctx, s.id)).map((e) => ({
      domain: e.domain,
      digest: e.digest,
      severity: e.severity,
      reject_media: e.rejectMedia,
      reject_reports: e.rejectReports,
      public_comment: e.publicComment,
      state: e.state,
      first_seen_at: e.firstSeenAt.toISOString(),
      last_seen_at: e.lastSeenAt.toISOString(),
    }));
    return c.json({ ...subJson(s), entries });
  });

  app.patch("/v1/caracol/admin/subscriptions/:id", async (c) => {
    await requireAdmin(c, "admin:write");
    const p = validate(patchSchema, await bodyParams(c));
    return c.json(subJson(await guard(() => updateSubscription(c.var.ctx, c.req.param("id"), toInput(p)))));
  });

  app.delete("/v1/caracol/admin/subscriptions/:id", async (c) => {
    await requireAdmin(c, "admin:write");
    await guard(() => deleteSubscription(c.var.ctx, c.req.param("id")));
    return c.json({});
  });

  app.post("/v1/caracol/admin/subscriptions/:id/sync", async (c) => {
    await requireAdmin(c, "admin:write");
    const p = validate(z.object({ dry_run: zBool.optional() }), await bodyParams(c));
    return c.json(syncJson(await guard(() => syncSubscription(c.var.ctx, c.req.param("id"), { apply: !p.dry_run }))));
  });

  app.get("/v1/caracol/admin/circles", async (c) => {
    await requireAdmin(c, "admin:read");
    const rows = await listCircles(c.var.ctx);
    return c.json(await Promise.all(rows.map((r) => circleJson(c, r.id))));
  });

  app.post("/v1/caracol/admin/circles", async (c) => {
    await requireAdmin(c, "admin:write");
    const p = validate(circleSchema, await bodyParams(c));
    if (p.source) {
      const r = await guard(() => subscribeCircle(c.var.ctx, p.source!, { apply: true }));
      const json = subscribeJson(r);
      return c.json(r.applied ? { ...(await circleJson(c, r.circle!.id)), sync: json } : json);
    }
    if (!p.name) throw unprocessable("name is required", { name: [{ error: "ERR_BLANK", description: "is required" }] });
    const id = await guard(async () => {
      const circle = await createCircle(c.var.ctx, { name: p.name!, description: p.description });
      await applyCirclePatch(c, circle.id, p);
      return circle.id;
    });
    return c.json(await circleJson(c, id));
  });

  app.get("/v1/caracol/admin/circles/:id", async (c) => {
    await requireAdmin(c, "admin:read");
    return c.json(await guard(() => circleJson(c, c.req.param("id"))));
  });

  app.patch("/v1/caracol/admin/circles/:id", async (c) => {
    await requireAdmin(c, "admin:write");
    const p = validate(circleSchema.omit({ source: true }), await bodyParams(c));
    const id = c.req.param("id");
    await guard(async () => {
      await updateCircle(c.var.ctx, id, { name: p.name, description: p.description });
      await applyCirclePatch(c, id, p);
    });
    return c.json(await circleJson(c, id));
  });

  app.delete("/v1/caracol/admin/circles/:id", async (c) => {
    await requireAdmin(c, "admin:write");
    await guard(() => deleteCircle(c.var.ctx, c.req.param("id")));
    return c.json({});
  });

  return app;
}

async function applyCirclePatch(c: Context<AppEnv>, id: string, p: z.output<typeof circleSchema>): Promise<void> {
  if (p.members) await setMembers(c.var.ctx, id, p.members);
  if (p.rules) {
    await setRules(
      c.var.ctx,
      id,
      p.rules.map((r) => ({ domain: r.domain, severity: r.severity, rejectMedia: r.reject_media, rejectReports: r.reject_reports, comment: r.comment ?? null })),
    );
  }
  if (p.published !== undefined) await updateCircle(c.var.ctx, id, { published: p.published });
}

