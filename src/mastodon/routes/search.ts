// Search v2 and account search. Signed-in only: a logged-out search box is a scraper's best
// friend. Results pass the audience gate through the usual serialisers.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { requireUser } from "../auth.ts";
import { badRequest } from "../errors.ts";
import { queryParams, validate, zBool, zId, zInt } from "../params.ts";
import { serializeAccounts } from "../entities/account.ts";
import { serializeStatuses } from "../entities/status.ts";
import { tagToMastodon } from "../entities/tag.ts";
import { searchAccounts, searchStatuses, searchTags } from "../../domain/search/search.ts";
import { resolveForSearch } from "../../federation/resolve-api.ts";

const common = {
  q: z.string().max(1000).optional(),
  limit: zInt(1, 1000).optional(),
  offset: zInt(0, 10000).optional(),
  following: zBool.optional(),
  resolve: zBool.optional(),
};
const v2Schema = z.object({
  ...common,
  type: z.enum(["accounts", "statuses", "hashtags"]).optional(),
  account_id: zId.optional(),
  max_id: zId.optional(),
  min_id: zId.optional(),
  exclude_unreviewed: zBool.optional(),
});
const accountSchema = z.object(common);

/** Query values may arrive empty (`type=`); treat those as absent. */
function nonEmpty(params: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== ""));
}

export function searchRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/v2/search", async (c) => {
    const ctx = c.var.ctx;
    const { accountId, viewer } = requireUser(c, "read:search");
    const p = validate(v2Schema, nonEmpty(queryParams(c)));
    const q = p.q?.trim();
    if (!q) throw badRequest("Missing search query");
    const win = { limit: Math.min(p.limit ?? 20, 40), offset: p.offset ?? 0 };
    const want = (t: string) => !p.type || p.type === t;
    let [accountRows, statusRows, tagRows] = await Promise.all([
      want("accounts") ? searchAccounts(ctx, accountId, q, { ...win, following: p.following }) : [],
      want("statuses") ? searchStatuses(ctx, accountId, q, { ...win, accountId: p.account_id, maxId: p.max_id, minId: p.min_id }) : [],
      want("hashtags") ? searchTags(ctx, accountId, q, win) : [],
    ]);
    // resolve=true: a handle or URL of something on another server is looked up there (signed-in only).
    if (p.resolve && !p.offset) {
      const found = await resolveForSearch(ctx, viewer, q);
      if (want("accounts")) accountRows = [...found.accounts.filter((a) => !accountRows.some((r) => r.id === a.id)), ...accountRows];
      if (want("statuses")) statusRows = [...found.statuses.filter((s) => !statusRows.some((r) => r.id === s.id)), ...statusRows];
    }
    const accountMap = await serializeAccounts(ctx, viewer, accountRows);
    return c.json({
      accounts: accountRows.map((a) => accountMap.get(a.id)).filter((a) => a !== undefined),
      statuses: await serializeStatuses(ctx, viewer, statusRows),
      hashtags: tagRows.map((t) => tagToMastodon(ctx, t)),
    });
  });

  app.get("/v1/accounts/search", async (c) => {
    const ctx = c.var.ctx;
    const { accountId, viewer } = requireUser(c, "read:accounts");
    const p = validate(accountSchema, nonEmpty(queryParams(c)));
    const q = p.q?.trim();
    if (!q) throw badRequest("Missing search query");
    let rows = await searchAccounts(ctx, accountId, q, { limit: Math.min(p.limit ?? 40, 80), offset: p.offset ?? 0, following: p.following });
    if (p.resolve && !p.offset && !p.following) {
      const found = (await resolveForSearch(ctx, viewer, q)).accounts;
      rows = [...found.filter((a) => !rows.some((r) => r.id === a.id)), ...rows];
    }
    const map = await serializeAccounts(ctx, viewer, rows);
    return c.json(rows.map((a) => map.get(a.id)).filter((a) => a !== undefined));
  });

  return app;
}
