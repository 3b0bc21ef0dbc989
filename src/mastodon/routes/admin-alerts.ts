// Scraping-detection alerts for admins: /api/v1/caracol/admin/alerts, and the same one-step
// responses the `alerts` CLI has (throttle, block_range, suspend, revoke, resolve).
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { bodyParams, validate, zInt } from "../params.ts";
import { notFound, unprocessable } from "../errors.ts";
import { requireAdmin } from "./admin.ts";
import { alertById, listAlerts, type Alert } from "../../domain/abuse/detection/alerts.ts";
import { accountBehind, blockRange, rangeToBlock, resolveAlert, ResponseError, revokeAlertToken, suspendAccount, throttle } from "../../domain/abuse/detection/responses.ts";

export function toAdminAlert(a: Alert) {
  return {
    id: a.id,
    rule: a.rule,
    client: { kind: a.keyKind, value: a.keyValue },
    state: a.state,
    first_seen_at: a.firstSeenAt.toISOString(),
    last_seen_at: a.lastSeenAt.toISOString(),
    evidence: a.evidence,
    responses: a.responses,
    resolved_at: a.resolvedAt?.toISOString() ?? null,
  };
}

async function byId(c: Context<AppEnv>): Promise<Alert> {
  const a = await alertById(c.var.ctx, c.req.param("id") ?? "");
  if (!a) throw notFound();
  return a;
}

function refused(e: unknown): never {
  if (e instanceof ResponseError) throw unprocessable(e.message, { alert: [{ error: "ERR_INVALID", description: e.message }] });
  throw e;
}

const listQuery = z.object({ state: z.enum(["open", "resolved", "all"]).optional(), limit: zInt(1, 200).optional() });
const throttleBody = z.object({ minutes: zInt(1, 7 * 24 * 60).optional() });
const blockBody = z.object({ prefix: zInt(8, 128).optional() });

export function adminAlertsRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/v1/caracol/admin/alerts", async (c) => {
    await requireAdmin(c, "admin:read");
    const q = validate(listQuery, c.req.query());
    const state = q.state === "all" ? undefined : (q.state ?? "open");
    return c.json((await listAlerts(c.var.ctx, { state, limit: q.limit })).map(toAdminAlert));
  });

  app.get("/v1/caracol/admin/alerts/:id", async (c) => {
    await requireAdmin(c, "admin:read");
    return c.json(toAdminAlert(await byId(c)));
  });

  app.post("/v1/caracol/admin/alerts/:id/throttle", async (c) => {
    await requireAdmin(c, "admin:write");
    const a = await byId(c);
    const p = validate(throttleBody, await bodyParams(c));
    return c.json(toAdminAlert(await throttle(c.var.ctx, a, p.minutes).catch(refused)));
  });

  app.post("/v1/caracol/admin/alerts/:id/block_range", async (c) => {
    await requireAdmin(c, "admin:write");
    const a = await byId(c);
    const p = validate(blockBody, await bodyParams(c));
    const range = await rangeToBlock(c.var.ctx, a, p.prefix).catch(refused);
    return c.json(toAdminAlert(await blockRange(c.var.ctx, a, range)));
  });

  app.post("/v1/caracol/admin/alerts/:id/suspend", async (c) => {
    await requireAdmin(c, "admin:write");
    const a = await byId(c);
    const accountId = await accountBehind(c.var.ctx, a);
    if (!accountId) refused(new ResponseError("no local account is behind this alert's client"));
    return c.json(toAdminAlert(await suspendAccount(c.var.ctx, a, accountId)));
  });

  app.post("/v1/caracol/admin/alerts/:id/revoke", async (c) => {
    await requireAdmin(c, "admin:write");
    return c.json(toAdminAlert(await revokeAlertToken(c.var.ctx, await byId(c)).catch(refused)));
  });

  app.post("/v1/caracol/admin/alerts/:id/resolve", async (c) => {
    await requireAdmin(c, "admin:write");
    return c.json(toAdminAlert(await resolveAlert(c.var.ctx, await byId(c))));
  });

  return app;
}
