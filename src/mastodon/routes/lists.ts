// Lists (Mastodon 4.x): the owner's lists and their members. GET /api/v1/accounts/:id/lists
// lives here too, as it answers from the lists the owner keeps.
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { requireUser } from "../auth.ts";
import { notFound } from "../errors.ts";
import { parsePage, setLinkHeader } from "../pagination.ts";
import { bodyParams, validate, zArray, zBool, zId, zInt } from "../params.ts";
import { listToMastodon } from "../entities/list.ts";
import { loadAccounts, serializeAccountById, serializeAccounts } from "../entities/account.ts";
import { addMembers, createList, deleteList, getList, ListError, listMemberIds, listsContaining, ownLists, removeMembers, updateList } from "../../domain/lists/lists.ts";

const title = z.string().trim().min(1, "can't be blank").max(200);
const policy = z.enum(["followed", "list", "none"]);
const createSchema = z.object({ title, replies_policy: policy.optional(), exclusive: zBool.optional() });
const updateSchema = z.object({ title: title.optional(), replies_policy: policy.optional(), exclusive: zBool.optional() });
const membersSchema = z.object({ account_ids: zArray(zId).pipe(z.array(zId).min(1, "can't be blank").max(250)) });

async function ownList(c: Context<AppEnv>, accountId: string) {
  const id = c.req.param("id") ?? "";
  const list = zId.safeParse(id).success ? await getList(c.var.ctx, accountId, id) : null;
  if (!list) throw notFound();
  return list;
}

export function listsRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/v1/lists", async (c) => {
    const { accountId } = requireUser(c, "read:lists");
    return c.json((await ownLists(c.var.ctx, accountId)).map(listToMastodon));
  });

  app.post("/v1/lists", async (c) => {
    const { accountId } = requireUser(c, "write:lists");
    const p = validate(createSchema, await bodyParams(c));
    const list = await createList(c.var.ctx, accountId, { title: p.title, repliesPolicy: p.replies_policy, exclusive: p.exclusive });
    return c.json(listToMastodon(list));
  });

  app.get("/v1/lists/:id", async (c) => {
    const { accountId } = requireUser(c, "read:lists");
    return c.json(listToMastodon(await ownList(c, accountId)));
  });

  app.put("/v1/lists/:id", async (c) => {
    const { accountId } = requireUser(c, "write:lists");
    const list = await ownList(c, accountId);
    const p = validate(updateSchema, await bodyParams(c));
    const updated = await updateList(c.var.ctx, accountId, list.id, { title: p.title, repliesPolicy: p.replies_policy, exclusive: p.exclusive });
    if (!updated) throw notFound();
    return c.json(listToMastodon(updated));
  });

  app.delete("/v1/lists/:id", async (c) => {
    const { accountId } = requireUser(c, "write:lists");
    const list = await ownList(c, accountId);
    await deleteList(c.var.ctx, accountId, list.id);
    return c.json({});
  });

  app.get("/v1/lists/:id/accounts", async (c) => {
    const ctx = c.var.ctx;
    const { accountId, viewer } = requireUser(c, "read:lists");
    const list = await ownList(c, accountId);
    // limit=0 asks for every member, as Mastodon allows.
    const rawLimit = validate(z.object({ limit: zInt(0, 1000).optional() }), { limit: c.req.query("limit") || undefined }).limit;
    const page = rawLimit === 0 ? { limit: 0 } : parsePage(c, 40, 80);
    const ids = await listMemberIds(ctx, list.id, page);
    const serialized = await serializeAccounts(ctx, viewer, await loadAccounts(ctx, ids));
    const out = ids.map((id) => serialized.get(id)).filter((a) => a !== undefined);
    if (page.limit > 0) setLinkHeader(c, { newest: ids[0], oldest: ids[ids.length - 1] });
    return c.json(out);
  });

  app.post("/v1/lists/:id/accounts", async (c) => {
    const { accountId } = requireUser(c, "write:lists");
    const list = await ownList(c, accountId);
    const p = validate(membersSchema, await bodyParams(c));
    try {
      await addMembers(c.var.ctx, accountId, list.id, p.account_ids);
    } catch (e) {
      if (e instanceof ListError) throw notFound(e.message);
      throw e;
    }
    return c.json({});
  });

  app.delete("/v1/lists/:id/accounts", async (c) => {
    const { accountId } = requireUser(c, "write:lists");
    const list = await ownList(c, accountId);
    const p = validate(membersSchema, await bodyParams(c));
    await removeMembers(c.var.ctx, list.id, p.account_ids);
    return c.json({});
  });

  app.get("/v1/accounts/:id/lists", async (c) => {
    const ctx = c.var.ctx;
    const { accountId, viewer } = requireUser(c, "read:lists");
    const id = c.req.param("id");
    if (!zId.safeParse(id).success || !(await serializeAccountById(ctx, viewer, id))) throw notFound();
    return c.json((await listsContaining(ctx, accountId, id)).map(listToMastodon));
  });

  return app;
}
