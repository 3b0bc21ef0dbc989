// Timelines: home (stored feed), public, hashtag and list. Rows come from domain/timelines/feeds;
// every row still passes the audience gate in visibleStatusPage.
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { optionalUser, requireUser } from "../auth.ts";
import { notFound, unauthorized } from "../errors.ts";
import { parsePage, setLinkHeader } from "../pagination.ts";
import { queryParams, validate, zArray, zBool, zId } from "../params.ts";
import { visibleStatusPage } from "../status-page.ts";
import { filterRefiner } from "../entities/filter.ts";
import { viewerAccountId } from "../../domain/audience/viewer.ts";
import { getSetting } from "../../domain/instance/settings.ts";
import { homeRows, listRows, publicRows, tagRows, type PublicOptions } from "../../domain/timelines/feeds.ts";
import { getList } from "../../domain/lists/lists.ts";

const publicSchema = z.object({
  local: zBool.optional(),
  remote: zBool.optional(),
  only_media: zBool.optional(),
});

const tagName = z.string().trim().min(1).max(100).regex(/^[\p{L}\p{N}_]+$/u, "is not a valid hashtag");

const tagSchema = publicSchema.extend({
  any: zArray(tagName).pipe(z.array(tagName).max(4)).optional(),
  all: zArray(tagName).pipe(z.array(tagName).max(4)).optional(),
  none: zArray(tagName).pipe(z.array(tagName).max(4)).optional(),
});

/** Public and hashtag timelines: open to logged-out visitors only when the instance allows it. */
async function publicViewer(c: Context<AppEnv>) {
  const viewer = optionalUser(c, "read:statuses");
  if (viewer.kind === "anonymous" && (await getSetting(c.var.ctx, "loggedOutAccess")) !== "all")
    throw unauthorized("This method requires an authenticated user");
  return viewer;
}

function publicOptions(p: z.output<typeof publicSchema>): PublicOptions {
  return { local: p.local, remote: p.remote, onlyMedia: p.only_media };
}

export function timelinesRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/v1/timelines/home", async (c) => {
    const ctx = c.var.ctx;
    const { accountId, viewer } = requireUser(c, "read:statuses");
    const page = parsePage(c);
    const res = await visibleStatusPage(ctx, viewer, page, (p) => homeRows(ctx, accountId, p), await filterRefiner(ctx, accountId, "home"));
    setLinkHeader(c, res);
    return c.json(res.statuses);
  });

  app.get("/v1/timelines/public", async (c) => {
    const ctx = c.var.ctx;
    const viewer = await publicViewer(c);
    const params = validate(publicSchema, queryParams(c));
    const page = parsePage(c);
    const me = viewerAccountId(viewer);
    const res = await visibleStatusPage(ctx, viewer, page, (p) => publicRows(ctx, me, publicOptions(params), p), await filterRefiner(ctx, me, "public"));
    setLinkHeader(c, res);
    return c.json(res.statuses);
  });

  app.get("/v1/timelines/tag/:hashtag", async (c) => {
    const ctx = c.var.ctx;
    const viewer = await publicViewer(c);
    const params = validate(tagSchema, queryParams(c));
    const tag = validate(z.object({ hashtag: tagName }), { hashtag: c.req.param("hashtag") }).hashtag;
    const page = parsePage(c);
    const me = viewerAccountId(viewer);
    const query = { tag, any: params.any, all: params.all, none: params.none };
    const res = await visibleStatusPage(ctx, viewer, page, (p) => tagRows(ctx, me, query, publicOptions(params), p), await filterRefiner(ctx, me, "public"));
    setLinkHeader(c, res);
    return c.json(res.statuses);
  });

  app.get("/v1/timelines/list/:list_id", async (c) => {
    const ctx = c.var.ctx;
    const { accountId, viewer } = requireUser(c, "read:lists");
    const id = c.req.param("list_id");
    const list = zId.safeParse(id).success ? await getList(ctx, accountId, id) : null;
    if (!list) throw notFound();
    const page = parsePage(c);
    const res = await visibleStatusPage(ctx, viewer, page, (p) => listRows(ctx, list, p), await filterRefiner(ctx, accountId, "home"));
    setLinkHeader(c, res);
    return c.json(res.statuses);
  });

  return app;
}
