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
//   KIND: anonymous | local | follower | mentioned | read_accounts | remote | circle |
//   restricted | blocked. One's own profile and latest posts (up to 20) as that viewer receives
//   them: { viewer, account: Account|null, statuses: Status[]|null, activitypub? }.
//   account and statuses are what GET /api/v1/accounts/:id and /statuses answer that viewer
//   (null: 404, resp. 403 for a token without read:statuses). For the remote kinds
//   (remote, circle, restricted, blocked) `activitypub` holds { actor: object|null, notes:
//   object[] }: the actor document and the Notes a signed fetch from such a server gets
//   (null / absent where it is refused). See src/mastodon/view-as-render.ts.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { requireUser } from "../auth.ts";
import { bodyParams, queryParams, validate, zId } from "../params.ts";
import { notFound, unprocessable } from "../errors.ts";
import { act } from "../account-routes-helpers.ts";
import { getPrivacySettings, privacyUpdateSchema, updatePrivacySettings } from "../../domain/accounts/privacy-settings.ts";
import { VIEW_AS_KINDS, ViewAsError } from "../../domain/audience/view-as.ts";
import { renderViewAs } from "../view-as-render.ts";

const viewAsSchema = z.object({ as: z.enum(VIEW_AS_KINDS), circle_id: zId.optional() });

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
      return c.json(await renderViewAs(c.var.ctx, c.var.federation, accountId, q.as, { circleId: q.circle_id }));
    } catch (e) {
      if (e instanceof ViewAsError) throw unprocessable(e.message, { circle_id: [{ error: "ERR_INVALID", description: e.message }] });
      throw e;
    }
  });

  return app;
}
