// Caracol's own API extension (not part of Mastodon's):
//
// GET   /api/v1/caracol/privacy   (read:accounts)  all of one's privacy settings, one object:
//   { profile_audiences: {<part>: "self"|"followers"|"local"|"authenticated"|"public", ...},
//     logged_out_access: "all"|"profiles"|"none",          the person's own choice
//     effective_logged_out_access: "all"|"profiles"|"none", after the instance setting (narrower wins)
//     default_audience: "direct"|"followers"|"local"|"circle"|"authenticated"|"unlisted"|"public",
//     default_circle_id: string|null, locked: bool, discoverable: bool, indexable: bool,
//     feeds: "on"|"off" }
// PATCH /api/v1/caracol/privacy   (write:accounts)  any subset of the keys above (except the
//   effective value), plus `private_profile: true`, which brings every profile part wider than
//   followers down to followers (parts already narrower stay so). Answers the new settings.
//   Any invalid value: 422 and nothing is changed.
// GET   /api/v1/caracol/view_as?as=KIND[&circle_id=ID]   (read:accounts)
//   KIND: anonymous | local | follower | remote | circle | blocked. One's own profile and latest
//   posts (up to 20) as that viewer receives them from GET /api/v1/accounts/:id and
//   /api/v1/accounts/:id/statuses: { viewer, account: Account|null, statuses: Status[] }.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import type { Ctx } from "../../domain/context.ts";
import type { Viewer } from "../../domain/audience/viewer.ts";
import { requireUser } from "../auth.ts";
import { bodyParams, queryParams, validate, zId } from "../params.ts";
import { notFound, unprocessable } from "../errors.ts";
import { act } from "../account-routes-helpers.ts";
import { getPrivacySettings, privacyUpdateSchema, updatePrivacySettings } from "../../domain/accounts/privacy-settings.ts";
import { renderAs, VIEW_AS_KINDS, ViewAsError } from "../../domain/audience/view-as.ts";
import { profileFacts, profileView } from "../../domain/audience/facts.ts";
import { accountStatusRows } from "../../domain/accounts/statuses.ts";
import { serializeAccountById, type MastodonAccount } from "../entities/account.ts";
import type { MastodonStatus } from "../entities/status.ts";
import { visibleStatusPage } from "../status-page.ts";

const viewAsSchema = z.object({ as: z.enum(VIEW_AS_KINDS), circle_id: zId.optional() });

/** Default filters and page of GET /api/v1/accounts/:id/statuses, so view_as shows the same list. */
const ACCOUNT_STATUSES_DEFAULTS = { pinned: false, excludeReplies: false, excludeReblogs: false, onlyMedia: false };
const VIEW_AS_LIMIT = 20;

/**
 * The same steps as GET /api/v1/accounts/:id and /statuses for this viewer: the gate's profile
 * view (a hidden profile is a 404 there, null here), the posts only when the "posts" part is
 * visible, and the same paged, gated serializer.
 */
async function renderProfile(ctx: Ctx, viewer: Viewer, accountId: string): Promise<{ account: MastodonAccount | null; statuses: MastodonStatus[] }> {
  const view = profileView(viewer, (await profileFacts(ctx, viewer, [accountId])).get(accountId)!);
  if (!view.visible) return { account: null, statuses: [] };
  const account = await serializeAccountById(ctx, viewer, accountId);
  if (!view.parts.posts) return { account, statuses: [] };
  const page = await visibleStatusPage(ctx, viewer, { limit: VIEW_AS_LIMIT }, (p) => accountStatusRows(ctx, accountId, ACCOUNT_STATUSES_DEFAULTS, p));
  return { account, statuses: page.statuses };
}

export function caracolRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/v1/caracol/privacy", async (c) => {
    const { accountId } = requireUser(c, "read:accounts");
    const settings = await getPrivacySettings(c.var.ctx, accountId);
    if (!settings) throw notFound();
    return c.json(settings);
  });

  app.patch("/v1/caracol/privacy", async (c) => {
    const { accountId } = requireUser(c, "write:accounts");
    const update = validate(privacyUpdateSchema, await bodyParams(c));
    await act(() => updatePrivacySettings(c.var.ctx, accountId, update));
    return c.json(await getPrivacySettings(c.var.ctx, accountId));
  });

  app.get("/v1/caracol/view_as", async (c) => {
    const { accountId } = requireUser(c, "read:accounts");
    const q = validate(viewAsSchema, queryParams(c));
    try {
      const out = await renderAs(c.var.ctx, accountId, q.as, { circleId: q.circle_id }, (ctx, viewer) => renderProfile(ctx, viewer, accountId));
      return c.json({ viewer: q.as, ...out });
    } catch (e) {
      if (e instanceof ViewAsError) throw unprocessable(e.message, { circle_id: [{ error: "ERR_INVALID", description: e.message }] });
      throw e;
    }
  });

  return app;
}
