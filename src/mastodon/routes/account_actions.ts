// Relationship changes and lists: follow, unfollow, remove_from_followers, block, mute, note,
// relationships, and the lists of blocks and mutes. Each answers a Relationship (or a page).
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { follow, removeFromFollowers, unfollow } from "../../domain/follows/follow.ts";
import { block, blockPage, unblock } from "../../domain/follows/blocks.ts";
import { MAX_NOTE, mute, mutePage, setAccountNote, unmute } from "../../domain/follows/mutes.ts";
import { findAccounts } from "../../domain/accounts/find.ts";
import { serializeAccounts } from "../entities/account.ts";
import { serializeRelationship, serializeRelationships } from "../entities/relationship.ts";
import type { Scope } from "../../domain/oauth/scopes.ts";
import { requireUser } from "../auth.ts";
import { bodyParams, queryParams, validate, zArray, zBool, zInt } from "../params.ts";
import { parsePage } from "../pagination.ts";
import { accountPage, act, visibleAccount } from "../account-routes-helpers.ts";

const followSchema = z.object({
  reblogs: zBool.optional(),
  notify: zBool.optional(),
  languages: zArray(z.string().regex(/^[a-z]{2,3}$/, "is not a language code")).nullable().optional(),
});

const muteSchema = z.object({
  notifications: zBool.optional().default(true),
  duration: zInt(0, 2_147_483_647).optional().default(0),
});

const noteSchema = z.object({
  comment: z
    .string()
    .refine((s) => [...s].length <= MAX_NOTE, `is too long (maximum is ${MAX_NOTE} characters)`)
    .nullable()
    .optional(),
});

/** The signed-in account with `scope`, and the target account it may see (404 otherwise). */
async function actor(c: Context<AppEnv>, scope: Scope) {
  const { accountId, viewer } = requireUser(c, scope);
  const { row } = await visibleAccount(c, viewer, c.req.param("id")!);
  return { me: accountId, target: row.id };
}

export function accountActionRoutes() {
  const app = new Hono<AppEnv>();
  const ID = "/v1/accounts/:id{[0-9]+}";

  app.get("/v1/accounts/relationships", async (c) => {
    const { accountId, viewer } = requireUser(c, "read:follows");
    const p = validate(z.object({ id: zArray(z.string()).optional().default([]) }), queryParams(c));
    const ids = p.id.slice(0, 100);
    // Only accounts the viewer may see get an answer; the rest are left out, as unknown ids are.
    const visible = await serializeAccounts(c.var.ctx, viewer, await findAccounts(c.var.ctx, ids));
    const wanted = [...new Set(ids)].filter((id) => visible.has(id));
    return c.json(await serializeRelationships(c.var.ctx, accountId, wanted));
  });

  app.post(`${ID}/follow`, async (c) => {
    const { me, target } = await actor(c, "write:follows");
    const p = validate(followSchema, await bodyParams(c));
    await act(() => follow(c.var.ctx, me, target, { reblogs: p.reblogs, notify: p.notify, languages: p.languages }));
    return c.json(await serializeRelationship(c.var.ctx, me, target));
  });

  app.post(`${ID}/unfollow`, async (c) => {
    const { me, target } = await actor(c, "write:follows");
    await act(() => unfollow(c.var.ctx, me, target));
    return c.json(await serializeRelationship(c.var.ctx, me, target));
  });

  app.post(`${ID}/remove_from_followers`, async (c) => {
    const { me, target } = await actor(c, "write:follows");
    await act(() => removeFromFollowers(c.var.ctx, me, target));
    return c.json(await serializeRelationship(c.var.ctx, me, target));
  });

  app.post(`${ID}/block`, async (c) => {
    const { me, target } = await actor(c, "write:blocks");
    await act(() => block(c.var.ctx, me, target));
    return c.json(await serializeRelationship(c.var.ctx, me, target));
  });

  app.post(`${ID}/unblock`, async (c) => {
    const { me, target } = await actor(c, "write:blocks");
    await act(() => unblock(c.var.ctx, me, target));
    return c.json(await serializeRelationship(c.var.ctx, me, target));
  });

  app.post(`${ID}/mute`, async (c) => {
    const { me, target } = await actor(c, "write:mutes");
    const p = validate(muteSchema, await bodyParams(c));
    await act(() => mute(c.var.ctx, me, target, { notifications: p.notifications, durationSeconds: p.duration }));
    return c.json(await serializeRelationship(c.var.ctx, me, target));
  });

  app.post(`${ID}/unmute`, async (c) => {
    const { me, target } = await actor(c, "write:mutes");
    await act(() => unmute(c.var.ctx, me, target));
    return c.json(await serializeRelationship(c.var.ctx, me, target));
  });

  app.post(`${ID}/note`, async (c) => {
    const { me, target } = await actor(c, "write:accounts");
    const p = validate(noteSchema, await bodyParams(c));
    await act(() => setAccountNote(c.var.ctx, me, target, p.comment ?? ""));
    return c.json(await serializeRelationship(c.var.ctx, me, target));
  });

  app.get("/v1/blocks", async (c) => {
    const { accountId, viewer } = requireUser(c, "read:blocks");
    const rows = await blockPage(c.var.ctx, accountId, parsePage(c, 40, 80));
    return c.json(await accountPage(c, viewer, rows));
  });

  app.get("/v1/mutes", async (c) => {
    const { accountId, viewer } = requireUser(c, "read:mutes");
    const rows = await mutePage(c.var.ctx, accountId, parsePage(c, 40, 80));
    return c.json(await accountPage(c, viewer, rows, (r, a) => ({ ...a, mute_expires_at: r.expiresAt?.toISOString() ?? null })));
  });

  return app;
}
