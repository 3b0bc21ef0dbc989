// The signed-in person's notifications (v1). Each one is shown only while its account and
// status pass the audience gate; the notifications content filters apply to its status.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { requireUser } from "../auth.ts";
import { notFound } from "../errors.ts";
import { parsePage, setLinkHeader } from "../pagination.ts";
import { queryParams, validate, zArray, zId, zInt } from "../params.ts";
import { notificationPage, serializeNotifications } from "../entities/notification.ts";
import { NOTIFICATION_TYPES } from "../../db/schema/index.ts";
import { activeFilters } from "../../domain/filters/match.ts";
import { clearNotifications, dismissNotification, findNotification, notificationRows, readMarker } from "../../domain/notifications/read.ts";

// Apps send types this server never produces (quote, severed_relationships, ...); those are
// accepted and simply match nothing.
const anyType = z.string().min(1).max(64);
const querySchema = z.object({
  types: zArray(anyType).optional(),
  exclude_types: zArray(anyType).optional(),
  account_id: zId.optional(),
});

const known = (list: string[] | undefined) => list?.filter((t): t is (typeof NOTIFICATION_TYPES)[number] => (NOTIFICATION_TYPES as readonly string[]).includes(t));

function parseQuery(params: unknown) {
  const q = validate(querySchema, params);
  const types = known(q.types);
  return {
    // Asking only for types that never occur must answer nothing, not everything.
    impossible: !!q.types?.length && types!.length === 0,
    query: { types, excludeTypes: known(q.exclude_types), fromAccountId: q.account_id },
  };
}

export function notificationsRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/v1/notifications", async (c) => {
    const ctx = c.var.ctx;
    const { accountId, viewer } = requireUser(c, "read:notifications");
    const { impossible, query } = parseQuery(queryParams(c));
    const page = parsePage(c, 40, 80);
    if (impossible) return c.json([]);
    const filters = await activeFilters(ctx, accountId, "notifications");
    const res = await notificationPage(ctx, viewer, page, filters, (p) => notificationRows(ctx, accountId, query, p));
    setLinkHeader(c, res);
    return c.json(res.notifications);
  });

  app.get("/v1/notifications/unread_count", async (c) => {
    const ctx = c.var.ctx;
    const { accountId, viewer } = requireUser(c, "read:notifications");
    const params = queryParams(c);
    const { impossible, query } = parseQuery(params);
    const { limit } = validate(z.object({ limit: zInt(1, 1000).optional() }), { limit: params.limit || undefined });
    if (impossible) return c.json({ count: 0 });
    // Counted through the same gate as the list, so the count never hints at hidden things.
    const filters = await activeFilters(ctx, accountId, "notifications");
    const rows = await notificationRows(ctx, accountId, query, { sinceId: await readMarker(ctx, accountId), limit: limit ?? 100 });
    return c.json({ count: (await serializeNotifications(ctx, viewer, rows, filters)).length });
  });

  app.post("/v1/notifications/clear", async (c) => {
    const { accountId } = requireUser(c, "write:notifications");
    await clearNotifications(c.var.ctx, accountId);
    return c.json({});
  });

  app.get("/v1/notifications/:id", async (c) => {
    const ctx = c.var.ctx;
    const { accountId, viewer } = requireUser(c, "read:notifications");
    const id = c.req.param("id");
    const row = zId.safeParse(id).success ? await findNotification(ctx, accountId, id) : null;
    const [n] = row ? await serializeNotifications(ctx, viewer, [row], await activeFilters(ctx, accountId, "notifications")) : [];
    if (!n) throw notFound();
    return c.json(n);
  });

  app.post("/v1/notifications/:id/dismiss", async (c) => {
    const { accountId } = requireUser(c, "write:notifications");
    const id = c.req.param("id");
    if (!zId.safeParse(id).success || !(await dismissNotification(c.var.ctx, accountId, id))) throw notFound();
    return c.json({});
  });

  return app;
}
