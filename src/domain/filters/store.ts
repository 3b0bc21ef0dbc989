// A person's content filters (Mastodon's filters v2): a title, the contexts it applies in, an
// action, and keywords and statuses that trigger it. Every function is scoped to the owner, so
// another person's filter is indistinguishable from one that does not exist.
import { and, asc, eq, inArray } from "drizzle-orm";
import { filterKeywords, filters, filterStatuses } from "../../db/schema/index.ts";
import type { FILTER_CONTEXTS } from "../../db/schema/filters.ts";
import { newId } from "../../lib/id.ts";
import type { Ctx } from "../context.ts";

export type FilterRow = typeof filters.$inferSelect;
export type KeywordRow = typeof filterKeywords.$inferSelect;
export type FilterStatusRow = typeof filterStatuses.$inferSelect;
export type FilterContext = (typeof FILTER_CONTEXTS)[number];
export type FilterAction = FilterRow["action"];
export type FullFilter = { filter: FilterRow; keywords: KeywordRow[]; statuses: FilterStatusRow[] };

export class FilterError extends Error {
  readonly kind: "not_found" | "invalid";
  constructor(kind: "not_found" | "invalid", message: string) {
    super(message);
    this.kind = kind;
  }
}

export type KeywordInput = { keyword: string; wholeWord?: boolean };
export type FilterInput = { title: string; context: FilterContext[]; action: FilterAction; expiresAt: Date | null; keywords: KeywordInput[] };
export type KeywordChange = { id?: string; keyword?: string; wholeWord?: boolean; destroy?: boolean };
export type FilterChange = { title?: string; context?: FilterContext[]; action?: FilterAction; expiresAt?: Date | null; keywords?: KeywordChange[] };

async function withChildren(ctx: Ctx, rows: FilterRow[]): Promise<FullFilter[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [kws, sts] = await Promise.all([
    ctx.db.select().from(filterKeywords).where(inArray(filterKeywords.filterId, ids)).orderBy(asc(filterKeywords.id)),
    ctx.db.select().from(filterStatuses).where(inArray(filterStatuses.filterId, ids)).orderBy(asc(filterStatuses.id)),
  ]);
  return rows.map((filter) => ({
    filter,
    keywords: kws.filter((k) => k.filterId === filter.id),
    statuses: sts.filter((s) => s.filterId === filter.id),
  }));
}

export async function listFilters(ctx: Ctx, me: string): Promise<FullFilter[]> {
  return withChildren(ctx, await ctx.db.select().from(filters).where(eq(filters.accountId, me)).orderBy(asc(filters.id)));
}

export async function getFilter(ctx: Ctx, me: string, id: string): Promise<FullFilter | null> {
  const rows = await ctx.db.select().from(filters).where(and(eq(filters.id, id), eq(filters.accountId, me)));
  return (await withChildren(ctx, rows))[0] ?? null;
}

export async function createFilter(ctx: Ctx, me: string, input: FilterInput): Promise<FullFilter> {
  const id = newId();
  await ctx.db.transaction(async (tx) => {
    await tx.insert(filters).values({ id, accountId: me, title: input.title, context: input.context, action: input.action, expiresAt: input.expiresAt });
    if (input.keywords.length)
      await tx.insert(filterKeywords).values(input.keywords.map((k) => ({ id: newId(), filterId: id, keyword: k.keyword, wholeWord: k.wholeWord ?? true })));
  });
  return (await getFilter(ctx, me, id))!;
}

/** Applies a change in one transaction; an unknown keyword id fails the whole change. */
export async function updateFilter(ctx: Ctx, me: string, id: string, change: FilterChange): Promise<FullFilter | null> {
  const current = await getFilter(ctx, me, id);
  if (!current) return null;
  const own = new Set(current.keywords.map((k) => k.id));
  for (const k of change.keywords ?? []) {
    if (k.id !== undefined && !own.has(k.id)) throw new FilterError("not_found", "Record not found");
    if (k.id === undefined && !k.destroy && !k.keyword) throw new FilterError("invalid", "keyword can't be blank");
  }
  await ctx.db.transaction(async (tx) => {
    const set: Partial<typeof filters.$inferInsert> = {};
    if (change.title !== undefined) set.title = change.title;
    if (change.context !== undefined) set.context = change.context;
    if (change.action !== undefined) set.action = change.action;
    if (change.expiresAt !== undefined) set.expiresAt = change.expiresAt;
    if (Object.keys(set).length) await tx.update(filters).set(set).where(eq(filters.id, id));
    for (const k of change.keywords ?? []) {
      if (k.id !== undefined && k.destroy) await tx.delete(filterKeywords).where(eq(filterKeywords.id, k.id));
      else if (k.id !== undefined) {
        const kset: Partial<KeywordRow> = {};
        if (k.keyword) kset.keyword = k.keyword;
        if (k.wholeWord !== undefined) kset.wholeWord = k.wholeWord;
        if (Object.keys(kset).length) await tx.update(filterKeywords).set(kset).where(eq(filterKeywords.id, k.id));
      } else if (!k.destroy) await tx.insert(filterKeywords).values({ id: newId(), filterId: id, keyword: k.keyword!, wholeWord: k.wholeWord ?? true });
    }
  });
  return getFilter(ctx, me, id);
}

export async function deleteFilter(ctx: Ctx, me: string, id: string): Promise<boolean> {
  const rows = await ctx.db.delete(filters).where(and(eq(filters.id, id), eq(filters.accountId, me))).returning({ id: filters.id });
  return rows.length > 0;
}

export async function addKeyword(ctx: Ctx, me: string, filterId: string, k: KeywordInput): Promise<KeywordRow | null> {
  if (!(await getFilter(ctx, me, filterId))) return null;
  const [row] = await ctx.db.insert(filterKeywords).values({ id: newId(), filterId, keyword: k.keyword, wholeWord: k.wholeWord ?? true }).returning();
  return row;
}

export async function getKeyword(ctx: Ctx, me: string, id: string): Promise<KeywordRow | null> {
  const [row] = await ctx.db
    .select({ k: filterKeywords })
    .from(filterKeywords)
    .innerJoin(filters, eq(filters.id, filterKeywords.filterId))
    .where(and(eq(filterKeywords.id, id), eq(filters.accountId, me)));
  return row?.k ?? null;
}

export async function updateKeyword(ctx: Ctx, me: string, id: string, k: Partial<KeywordInput>): Promise<KeywordRow | null> {
  const current = await getKeyword(ctx, me, id);
  if (!current) return null;
  const set: Partial<KeywordRow> = {};
  if (k.keyword !== undefined) set.keyword = k.keyword;
  if (k.wholeWord !== undefined) set.wholeWord = k.wholeWord;
  if (Object.keys(set).length === 0) return current;
  const [row] = await ctx.db.update(filterKeywords).set(set).where(eq(filterKeywords.id, id)).returning();
  return row;
}

export async function deleteKeyword(ctx: Ctx, me: string, id: string): Promise<boolean> {
  if (!(await getKeyword(ctx, me, id))) return false;
  await ctx.db.delete(filterKeywords).where(eq(filterKeywords.id, id));
  return true;
}

/** The caller has checked that the status is one the owner may see. */
export async function addFilterStatus(ctx: Ctx, me: string, filterId: string, statusId: string): Promise<FilterStatusRow | null> {
  const full = await getFilter(ctx, me, filterId);
  if (!full) return null;
  if (full.statuses.some((s) => s.statusId === statusId)) throw new FilterError("invalid", "Status has already been taken");
  const [row] = await ctx.db.insert(filterStatuses).values({ id: newId(), filterId, statusId }).returning();
  return row;
}

export async function getFilterStatus(ctx: Ctx, me: string, id: string): Promise<FilterStatusRow | null> {
  const [row] = await ctx.db
    .select({ s: filterStatuses })
    .from(filterStatuses)
    .innerJoin(filters, eq(filters.id, filterStatuses.filterId))
    .where(and(eq(filterStatuses.id, id), eq(filters.accountId, me)));
  return row?.s ?? null;
}

export async function deleteFilterStatus(ctx: Ctx, me: string, id: string): Promise<boolean> {
  if (!(await getFilterStatus(ctx, me, id))) return false;
  await ctx.db.delete(filterStatuses).where(eq(filterStatuses.id, id));
  return true;
}
