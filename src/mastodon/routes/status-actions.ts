// /api/v1/statuses/:id/{favourite,reblog,bookmark,pin,...} and the lists of who favourited or
// boosted a post. The rules live in src/domain/statuses/; this file validates and serialises.
import { Hono, type Context } from "hono";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { optionalUser, requireUser } from "../auth.ts";
import { bodyParams, validate } from "../params.ts";
import { notFound } from "../errors.ts";
import { parsePage, setLinkHeader } from "../pagination.ts";
import { findVisibleStatus } from "../entities/status.ts";
import { loadAccounts, serializeAccounts } from "../entities/account.ts";
import { favourites, statuses } from "../../db/schema/index.ts";
import { pageBy, finishPage } from "../../db/paginate.ts";
import type { Scope } from "../../domain/oauth/scopes.ts";
import type { StatusRow } from "../../domain/statuses/create.ts";
import type { Ctx } from "../../domain/context.ts";
import type { Viewer } from "../../domain/audience/viewer.ts";
import { filterVisibleStatuses } from "../../domain/audience/facts.ts";
import { bookmark, favourite, pin, unbookmark, unfavourite, unpin } from "../../domain/statuses/interactions.ts";
import { reblog, unreblog } from "../../domain/statuses/reblog.ts";
import { optional, renderStatus, service } from "./statuses-shared.ts";

type Action = (ctx: Ctx, accountId: string, id: string) => Promise<StatusRow>;

const ACTIONS: [string, Scope, Action][] = [
  ["favourite", "write:favourites", favourite],
  ["unfavourite", "write:favourites", unfavourite],
  ["bookmark", "write:bookmarks", bookmark],
  ["unbookmark", "write:bookmarks", unbookmark],
  ["pin", "write:accounts", pin],
  ["unpin", "write:accounts", unpin],
  ["unreblog", "write:statuses", unreblog],
];

const reblogSchema = z.object({ visibility: optional(z.enum(["public", "unlisted", "private"])) });

/**
 * Accounts in the order of the rows that named them, each through the gate. The Link header
 * follows all the rows read, kept or not, so that paging goes on past hidden ones.
 */
async function accountPage(c: Context<AppEnv>, viewer: Viewer, rows: { cursor: string; accountId: string; keep?: boolean }[]) {
  const kept = rows.filter((r) => r.keep !== false);
  const serialized = await serializeAccounts(c.var.ctx, viewer, await loadAccounts(c.var.ctx, kept.map((r) => r.accountId)));
  setLinkHeader(c, { newest: rows[0]?.cursor, oldest: rows[rows.length - 1]?.cursor });
  return kept.flatMap((r) => serialized.get(r.accountId) ?? []);
}

export function statusActionsRoutes() {
  const app = new Hono<AppEnv>();

  for (const [name, scope, action] of ACTIONS) {
    app.post(`/v1/statuses/:id/${name}`, async (c) => {
      const { accountId, viewer } = requireUser(c, scope);
      const row = await service(action(c.var.ctx, accountId, c.req.param("id")));
      return c.json(await renderStatus(c.var.ctx, viewer, row));
    });
  }

  app.post("/v1/statuses/:id/reblog", async (c) => {
    const { accountId, viewer } = requireUser(c, "write:statuses");
    const p = validate(reblogSchema, await bodyParams(c));
    const row = await service(reblog(c.var.ctx, accountId, c.req.param("id"), p.visibility));
    return c.json(await renderStatus(c.var.ctx, viewer, row));
  });

  app.get("/v1/statuses/:id/favourited_by", async (c) => {
    const viewer = optionalUser(c, "read:accounts");
    const status = await findVisibleStatus(c.var.ctx, viewer, c.req.param("id"));
    if (!status) throw notFound();
    const page = parsePage(c, 40, 80);
    const { where, orderBy, ascending } = pageBy(favourites.id, page);
    const rows = await c.var.ctx.db
      .select({ cursor: favourites.id, accountId: favourites.accountId })
      .from(favourites)
      .where(and(eq(favourites.statusId, status.id), where))
      .orderBy(orderBy)
      .limit(page.limit);
    return c.json(await accountPage(c, viewer, finishPage(rows, ascending)));
  });

  app.get("/v1/statuses/:id/reblogged_by", async (c) => {
    const viewer = optionalUser(c, "read:accounts");
    const status = await findVisibleStatus(c.var.ctx, viewer, c.req.param("id"));
    if (!status) throw notFound();
    const page = parsePage(c, 40, 80);
    const { where, orderBy, ascending } = pageBy(statuses.id, page);
    const boosts = await c.var.ctx.db
      .select()
      .from(statuses)
      .where(and(eq(statuses.reblogOfId, status.id), where))
      .orderBy(orderBy)
      .limit(page.limit);
    // A boost to the booster's followers only is not for everyone to know about.
    const visible = new Set((await filterVisibleStatuses(c.var.ctx, viewer, boosts)).map((b) => b.id));
    const rows = finishPage(boosts, ascending).map((b) => ({ cursor: b.id, accountId: b.accountId, keep: visible.has(b.id) }));
    return c.json(await accountPage(c, viewer, rows));
  });

  return app;
}
