// Bookmarks and favourites, and the small endpoints apps call on start-up that Caracol has
// nothing for yet: they answer empty lists that match the spec, behind the scope Mastodon uses.
import { Hono } from "hono";
import { and, eq } from "drizzle-orm";
import type { AppEnv } from "../env.ts";
import { requireUser } from "../auth.ts";
import { parsePage, setLinkHeader } from "../pagination.ts";
import { visibleStatusPage } from "../status-page.ts";
import { bookmarks, favourites, statuses } from "../../db/schema/index.ts";
import { pageBy, type PageParams } from "../../db/paginate.ts";
import type { Ctx } from "../../domain/context.ts";
import type { Scope } from "../../domain/oauth/scopes.ts";

type Marks = typeof bookmarks | typeof favourites;

/** Paged by the bookmark or favourite row, so the list is in the order they were made. */
async function markedRows(ctx: Ctx, table: Marks, me: string, page: PageParams) {
  const pg = pageBy(table.id, page);
  const rows = await ctx.db
    .select({ status: statuses, cursor: table.id })
    .from(table)
    .innerJoin(statuses, eq(statuses.id, table.statusId))
    .where(and(eq(table.accountId, me), pg.where))
    .orderBy(pg.orderBy)
    .limit(page.limit);
  return rows;
}

const EMPTY: [string, Scope | null][] = [
  ["/v1/announcements", "read"],
  ["/v1/suggestions", "read"],
  ["/v2/suggestions", "read"],
  ["/v1/followed_tags", "read:follows"],
  ["/v1/featured_tags", "read:accounts"],
  ["/v1/featured_tags/suggestions", "read:accounts"],
  ["/v1/conversations", "read:statuses"],
  ["/v1/endorsements", "read:accounts"],
  ["/v1/scheduled_statuses", "read:statuses"],
  // Trends are public in Mastodon; Caracol computes none (they aggregate people's activity).
  ["/v1/trends", null],
  ["/v1/trends/tags", null],
  ["/v1/trends/statuses", null],
  ["/v1/trends/links", null],
];

export function miscRoutes() {
  const app = new Hono<AppEnv>();

  for (const [path, table, scope] of [
    ["/v1/bookmarks", bookmarks, "read:bookmarks"],
    ["/v1/favourites", favourites, "read:favourites"],
  ] as const) {
    app.get(path, async (c) => {
      const ctx = c.var.ctx;
      const { accountId, viewer } = requireUser(c, scope);
      const page = parsePage(c);
      const res = await visibleStatusPage(ctx, viewer, page, (p) => markedRows(ctx, table, accountId, p));
      setLinkHeader(c, res);
      return c.json(res.statuses);
    });
  }

  for (const [path, scope] of EMPTY) {
    app.get(path, (c) => {
      if (scope) requireUser(c, scope);
      return c.json([]);
    });
  }

  return app;
}
