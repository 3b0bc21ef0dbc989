// Reading accounts: by id, by handle, several at once, and an account's posts, followers and
// follows. Credentials and relationship changes live in their own route modules, mounted here
// first so that their fixed paths win over `/v1/accounts/:id`.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { findAccounts, findLocalAccountByUsername } from "../../domain/accounts/find.ts";
import { accountStatusRows } from "../../domain/accounts/statuses.ts";
import { followersPage, followingPage } from "../../domain/follows/lists.ts";
import { serializeAccountById, serializeAccounts } from "../entities/account.ts";
import { visibleStatusPage } from "../status-page.ts";
import { optionalUser } from "../auth.ts";
import { queryParams, validate, zArray, zBool } from "../params.ts";
import { parsePage, setLinkHeader } from "../pagination.ts";
import { notFound } from "../errors.ts";
import { isId } from "../../lib/id.ts";
import { accountPage, visibleAccount } from "../account-routes-helpers.ts";
import { accountCredentialsRoutes } from "./account_credentials.ts";
import { accountActionRoutes } from "./account_actions.ts";
import { lookupRemoteAccount } from "../../federation/resolve-api.ts";

const statusesSchema = z.object({
  pinned: zBool.optional().default(false),
  exclude_replies: zBool.optional().default(false),
  exclude_reblogs: zBool.optional().default(false),
  only_media: zBool.optional().default(false),
  tagged: z.string().max(200).optional(),
});

export function accountsRoutes() {
  const app = new Hono<AppEnv>();
  app.route("/", accountCredentialsRoutes());
  app.route("/", accountActionRoutes());
  const ID = "/v1/accounts/:id{[0-9]+}";

  app.get("/v1/accounts/lookup", async (c) => {
    const viewer = optionalUser(c, "read:accounts");
    const acct = String(queryParams(c).acct ?? "");
    const [username, domain] = acct.replace(/^@/, "").split("@");
    if (!username) throw notFound();
    const remote = domain && domain.toLowerCase() !== c.var.ctx.config.domain.toLowerCase();
    // Remote handles: the stored account, or (signed in) one looked up by WebFinger.
    const row = remote ? await lookupRemoteAccount(c.var.ctx, viewer, username, domain) : await findLocalAccountByUsername(c.var.ctx, username);
    const account = row && (await serializeAccountById(c.var.ctx, viewer, row.id));
    if (!account) throw notFound();
    return c.json(account);
  });

  app.get("/v1/accounts", async (c) => {
    const viewer = optionalUser(c, "read:accounts");
    // As Mastodon: ids that are not ids match nothing, and only the first 40 are looked at.
    const { id: given } = validate(z.object({ id: zArray(z.string()).optional().default([]) }), queryParams(c));
    const id = [...new Set(given.filter(isId))].slice(0, 40);
    const serialized = await serializeAccounts(c.var.ctx, viewer, await findAccounts(c.var.ctx, id));
    return c.json(id.flatMap((x) => serialized.get(x) ?? []));
  });

  app.get(ID, async (c) => {
    const viewer = optionalUser(c, "read:accounts");
    const { row } = await visibleAccount(c, viewer, c.req.param("id"));
    const account = await serializeAccountById(c.var.ctx, viewer, row.id);
    if (!account) throw notFound();
    return c.json(account);
  });

  app.get(`${ID}/statuses`, async (c) => {
    const viewer = optionalUser(c, "read:statuses");
    const { row, view } = await visibleAccount(c, viewer, c.req.param("id"));
    const f = validate(statusesSchema, queryParams(c));
    const page = parsePage(c, 20, 40);
    if (!view.parts.posts) return c.json([]);
    const filters = { pinned: f.pinned, excludeReplies: f.exclude_replies, excludeReblogs: f.exclude_reblogs, onlyMedia: f.only_media, tagged: f.tagged };
    const result = await visibleStatusPage(c.var.ctx, viewer, page, (p) => accountStatusRows(c.var.ctx, row.id, filters, p));
    setLinkHeader(c, result);
    return c.json(result.statuses);
  });

  for (const which of ["followers", "following"] as const) {
    app.get(`${ID}/${which}`, async (c) => {
      const viewer = optionalUser(c, "read:accounts");
      const { row, view } = await visibleAccount(c, viewer, c.req.param("id"));
      const page = parsePage(c, 40, 80);
      if (!view.parts[which]) return c.json([]);
      const rows = await (which === "followers" ? followersPage : followingPage)(c.var.ctx, row.id, page);
      return c.json(await accountPage(c, viewer, rows));
    });
  }

  return app;
}
