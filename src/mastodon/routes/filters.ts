// Filters v2: filters, their keywords and their statuses. Another person's filter answers 404.
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { requireUser } from "../auth.ts";
import { notFound, unprocessable } from "../errors.ts";
import { bodyParams, validate, zArray, zBool, zId, zInt } from "../params.ts";
import { filterStatusToMastodon, filterToMastodon, keywordToMastodon } from "../entities/filter.ts";
import { findVisibleStatus } from "../entities/status.ts";
import { FILTER_CONTEXTS } from "../../db/schema/filters.ts";
import {
  addFilterStatus,
  addKeyword,
  createFilter,
  deleteFilter,
  deleteFilterStatus,
  deleteKeyword,
  FilterError,
  getFilter,
  getFilterStatus,
  getKeyword,
  listFilters,
  updateFilter,
  updateKeyword,
} from "../../domain/filters/store.ts";

const title = z.string().trim().min(1, "can't be blank").max(256);
const context = zArray(z.enum(FILTER_CONTEXTS)).pipe(z.array(z.enum(FILTER_CONTEXTS)).min(1, "can't be blank"));
const action = z.enum(["warn", "hide", "blur"]);
const keyword = z.string().trim().min(1, "can't be blank").max(512);
// "" (or null) means never expires; otherwise seconds from now, as Mastodon.
const expiresIn = z.union([z.literal(""), z.null(), zInt(1, 10 * 365 * 24 * 3600)]);

/** Rails-style nested attributes arrive as an array or as an object keyed by index. */
const attributesList = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.values(v) : v), z.array(item).max(100));

const keywordAttr = z.object({ id: zId.optional(), keyword: keyword.optional(), whole_word: zBool.optional(), _destroy: zBool.optional() });
const createSchema = z.object({
  title,
  context,
  filter_action: action.optional(),
  expires_in: expiresIn.optional(),
  keywords_attributes: attributesList(keywordAttr.extend({ keyword })).optional(),
});
const updateSchema = z.object({
  title: title.optional(),
  context: context.optional(),
  filter_action: action.optional(),
  expires_in: expiresIn.optional(),
  keywords_attributes: attributesList(keywordAttr).optional(),
});
const keywordSchema = z.object({ keyword, whole_word: zBool.optional() });
const keywordUpdateSchema = z.object({ keyword: keyword.optional(), whole_word: zBool.optional() });

const expiry = (v: "" | null | number | undefined) => (v === undefined ? undefined : typeof v === "number" ? new Date(Date.now() + v * 1000) : null);

function idParam(c: Context<AppEnv>, name: string): string {
  const id = c.req.param(name) ?? "";
  if (!zId.safeParse(id).success) throw notFound();
  return id;
}

function mapError(e: unknown): never {
  if (e instanceof FilterError) throw e.kind === "not_found" ? notFound() : unprocessable(e.message);
  throw e;
}

export function filtersRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/v2/filters", async (c) => {
    const { accountId } = requireUser(c, "read:filters");
    return c.json((await listFilters(c.var.ctx, accountId)).map(filterToMastodon));
  });

  app.post("/v2/filters", async (c) => {
    const { accountId } = requireUser(c, "write:filters");
    const p = validate(createSchema, await bodyParams(c));
    const f = await createFilter(c.var.ctx, accountId, {
      title: p.title,
      context: [...new Set(p.context)],
      action: p.filter_action ?? "warn",
      expiresAt: expiry(p.expires_in) ?? null,
      keywords: (p.keywords_attributes ?? []).map((k) => ({ keyword: k.keyword, wholeWord: k.whole_word })),
    });
    return c.json(filterToMastodon(f));
  });

  // Registered before /v2/filters/:id so that these literal paths win.
  app.get("/v2/filters/keywords/:id", async (c) => {
    const { accountId } = requireUser(c, "read:filters");
    const k = await getKeyword(c.var.ctx, accountId, idParam(c, "id"));
    if (!k) throw notFound();
    return c.json(keywordToMastodon(k));
  });

  app.put("/v2/filters/keywords/:id", async (c) => {
    const { accountId } = requireUser(c, "write:filters");
    const id = idParam(c, "id");
    const p = validate(keywordUpdateSchema, await bodyParams(c));
    const k = await updateKeyword(c.var.ctx, accountId, id, { keyword: p.keyword, wholeWord: p.whole_word });
    if (!k) throw notFound();
    return c.json(keywordToMastodon(k));
  });

  app.delete("/v2/filters/keywords/:id", async (c) => {
    const { accountId } = requireUser(c, "write:filters");
    if (!(await deleteKeyword(c.var.ctx, accountId, idParam(c, "id")))) throw notFound();
    return c.json({});
  });

  app.get("/v2/filters/statuses/:id", async (c) => {
    const { accountId } = requireUser(c, "read:filters");
    const s = await getFilterStatus(c.var.ctx, accountId, idParam(c, "id"));
    if (!s) throw notFound();
    return c.json(filterStatusToMastodon(s));
  });

  app.delete("/v2/filters/statuses/:id", async (c) => {
    const { accountId } = requireUser(c, "write:filters");
    const id = idParam(c, "id");
    const s = await getFilterStatus(c.var.ctx, accountId, id);
    if (!s) throw notFound();
    await deleteFilterStatus(c.var.ctx, accountId, id);
    return c.json(filterStatusToMastodon(s));
  });

  app.get("/v2/filters/:id", async (c) => {
    const { accountId } = requireUser(c, "read:filters");
    const f = await getFilter(c.var.ctx, accountId, idParam(c, "id"));
    if (!f) throw notFound();
    return c.json(filterToMastodon(f));
  });

  app.put("/v2/filters/:id", async (c) => {
    const { accountId } = requireUser(c, "write:filters");
    const id = idParam(c, "id");
    if (!(await getFilter(c.var.ctx, accountId, id))) throw notFound();
    const p = validate(updateSchema, await bodyParams(c));
    const f = await updateFilter(c.var.ctx, accountId, id, {
      title: p.title,
      context: p.context && [...new Set(p.context)],
      action: p.filter_action,
      expiresAt: expiry(p.expires_in),
      keywords: p.keywords_attributes?.map((k) => ({ id: k.id, keyword: k.keyword, wholeWord: k.whole_word, destroy: k._destroy })),
    }).catch(mapError);
    if (!f) throw notFound();
    return c.json(filterToMastodon(f));
  });

  app.delete("/v2/filters/:id", async (c) => {
    const { accountId } = requireUser(c, "write:filters");
    if (!(await deleteFilter(c.var.ctx, accountId, idParam(c, "id")))) throw notFound();
    return c.json({});
  });

  app.get("/v2/filters/:id/keywords", async (c) => {
    const { accountId } = requireUser(c, "read:filters");
    const f = await getFilter(c.var.ctx, accountId, idParam(c, "id"));
    if (!f) throw notFound();
    return c.json(f.keywords.map(keywordToMastodon));
  });

  app.post("/v2/filters/:id/keywords", async (c) => {
    const { accountId } = requireUser(c, "write:filters");
    const id = idParam(c, "id");
    if (!(await getFilter(c.var.ctx, accountId, id))) throw notFound();
    const p = validate(keywordSchema, await bodyParams(c));
    const k = await addKeyword(c.var.ctx, accountId, id, { keyword: p.keyword, wholeWord: p.whole_word });
    if (!k) throw notFound();
    return c.json(keywordToMastodon(k));
  });

  app.get("/v2/filters/:id/statuses", async (c) => {
    const { accountId } = requireUser(c, "read:filters");
    const f = await getFilter(c.var.ctx, accountId, idParam(c, "id"));
    if (!f) throw notFound();
    return c.json(f.statuses.map(filterStatusToMastodon));
  });

  app.post("/v2/filters/:id/statuses", async (c) => {
    const ctx = c.var.ctx;
    const { accountId, viewer } = requireUser(c, "write:filters");
    const id = idParam(c, "id");
    if (!(await getFilter(ctx, accountId, id))) throw notFound();
    const p = validate(z.object({ status_id: zId }), await bodyParams(c));
    // A status the person cannot see cannot be named, so filtering it must not confirm it exists.
    if (!(await findVisibleStatus(ctx, viewer, p.status_id))) throw notFound();
    const s = await addFilterStatus(ctx, accountId, id, p.status_id).catch(mapError);
    if (!s) throw notFound();
    return c.json(filterStatusToMastodon(s));
  });

  return app;
}
