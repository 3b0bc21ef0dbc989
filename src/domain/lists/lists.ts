// A person's lists of accounts they follow. Every function is scoped to the owner, so another
// person's list is indistinguishable from one that does not exist.
import { and, asc, eq, gt, inArray, lt, desc } from "drizzle-orm";
import { follows, listAccounts, lists } from "../../db/schema/index.ts";
import { newId } from "../../lib/id.ts";
import type { Ctx } from "../context.ts";

export type ListRow = typeof lists.$inferSelect;
export type RepliesPolicy = ListRow["repliesPolicy"];
export type ListInput = { title: string; repliesPolicy?: RepliesPolicy; exclusive?: boolean };

export class ListError extends Error {
  readonly kind: "not_found" | "invalid";
  constructor(kind: "not_found" | "invalid", message: string) {
    super(message);
    this.kind = kind;
  }
}

export async function ownLists(ctx: Ctx, me: string): Promise<ListRow[]> {
  return ctx.db.select().from(lists).where(eq(lists.accountId, me)).orderBy(asc(lists.id));
}

export async function getList(ctx: Ctx, me: string, id: string): Promise<ListRow | null> {
  const [row] = await ctx.db.select().from(lists).where(and(eq(lists.id, id), eq(lists.accountId, me)));
  return row ?? null;
}

export async function createList(ctx: Ctx, me: string, input: ListInput): Promise<ListRow> {
  const [row] = await ctx.db
    .insert(lists)
    .values({ id: newId(), accountId: me, title: input.title, repliesPolicy: input.repliesPolicy ?? "list", exclusive: input.exclusive ?? false })
    .returning();
  return row;
}

export async function updateList(ctx: Ctx, me: string, id: string, change: Partial<ListInput>): Promise<ListRow | null> {
  const current = await getList(ctx, me, id);
  if (!current) return null;
  const set: Partial<ListRow> = {};
  if (change.title !== undefined) set.title = change.title;
  if (change.repliesPolicy !== undefined) set.repliesPolicy = change.repliesPolicy;
  if (change.exclusive !== undefined) set.exclusive = change.exclusive;
  if (Object.keys(set).length === 0) return current;
  const [row] = await ctx.db.update(lists).set(set).where(eq(lists.id, id)).returning();
  return row;
}

export async function deleteList(ctx: Ctx, me: string, id: string): Promise<boolean> {
  const rows = await ctx.db.delete(lists).where(and(eq(lists.id, id), eq(lists.accountId, me))).returning({ id: lists.id });
  return rows.length > 0;
}

/** Member account ids by id, newest first (or oldest first after min_id); limit 0 means all. */
export async function listMemberIds(ctx: Ctx, listId: string, page: { maxId?: string; sinceId?: string; minId?: string; limit: number }): Promise<string[]> {
  const ascending = !!page.minId;
  const q = ctx.db
    .select({ id: listAccounts.accountId })
    .from(listAccounts)
    .where(
      and(
        eq(listAccounts.listId, listId),
        page.maxId ? lt(listAccounts.accountId, page.maxId) : undefined,
        page.sinceId ? gt(listAccounts.accountId, page.sinceId) : undefined,
        page.minId ? gt(listAccounts.accountId, page.minId) : undefined,
      ),
    )
    .orderBy(ascending ? asc(listAccounts.accountId) : desc(listAccounts.accountId));
  const rows = page.limit > 0 ? await q.limit(page.limit) : await q;
  const ids = rows.map((r) => r.id);
  return ascending ? ids.reverse() : ids;
}

/** Only accounts the owner follows may be added (as Mastodon); all or nothing. */
export async function addMembers(ctx: Ctx, me: string, listId: string, accountIds: string[]): Promise<void> {
  const ids = [...new Set(accountIds)];
  const followed = await ctx.db
    .select({ id: follows.targetAccountId })
    .from(follows)
    .where(and(eq(follows.accountId, me), inArray(follows.targetAccountId, ids)));
  if (followed.length !== ids.length) throw new ListError("not_found", "Record not found");
  await ctx.db
    .insert(listAccounts)
    .values(ids.map((accountId) => ({ listId, accountId })))
    .onConflictDoNothing();
}

export async function removeMembers(ctx: Ctx, listId: string, accountIds: string[]): Promise<void> {
  await ctx.db.delete(listAccounts).where(and(eq(listAccounts.listId, listId), inArray(listAccounts.accountId, accountIds)));
}

/** The owner's lists that contain an account. */
export async function listsContaining(ctx: Ctx, me: string, accountId: string): Promise<ListRow[]> {
  const rows = await ctx.db
    .select({ l: lists })
    .from(lists)
    .innerJoin(listAccounts, eq(listAccounts.listId, lists.id))
    .where(and(eq(lists.accountId, me), eq(listAccounts.accountId, accountId)))
    .orderBy(asc(lists.id));
  return rows.map((r) => r.l);
}
