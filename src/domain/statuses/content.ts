// Writes what the formatter found in a post's text (mentions, hashtags) next to the status row.
import { and, eq, inArray, notInArray, sql } from "drizzle-orm";
import { mentions, statusTags, tags } from "../../db/schema/index.ts";
import type { Db } from "../../db/client.ts";
import { newId } from "../../lib/id.ts";

/** Ensures tag rows exist (case-insensitively unique) and returns their ids. */
async function tagIds(db: Db, names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return [];
  await db
    .insert(tags)
    .values(names.map((name) => ({ id: newId(), name })))
    .onConflictDoNothing();
  const lowered = names.map((n) => n.toLowerCase());
  const rows = await db.select({ id: tags.id }).from(tags).where(inArray(sql`lower(${tags.name})`, lowered));
  return rows.map((r) => r.id);
}

/** Replaces the status' hashtags with `names`. */
export async function setStatusTags(db: Db, statusId: string, names: readonly string[]): Promise<void> {
  const ids = await tagIds(db, names);
  await db
    .delete(statusTags)
    .where(ids.length ? and(eq(statusTags.statusId, statusId), notInArray(statusTags.tagId, ids)) : eq(statusTags.statusId, statusId));
  if (ids.length) {
    await db
      .insert(statusTags)
      .values(ids.map((tagId) => ({ statusId, tagId })))
      .onConflictDoNothing();
  }
}

/** Replaces the status' mentions with `accountIds`; returns the ones that are new. */
export async function setStatusMentions(db: Db, statusId: string, accountIds: readonly string[]): Promise<string[]> {
  const before = new Set((await db.select({ id: mentions.accountId }).from(mentions).where(eq(mentions.statusId, statusId))).map((r) => r.id));
  const keep = new Set(accountIds);
  const gone = [...before].filter((id) => !keep.has(id));
  const added = accountIds.filter((id) => !before.has(id));
  if (gone.length) await db.delete(mentions).where(and(eq(mentions.statusId, statusId), inArray(mentions.accountId, gone)));
  if (added.length) {
    await db
      .insert(mentions)
      .values(added.map((accountId) => ({ statusId, accountId })))
      .onConflictDoNothing();
  }
  return added;
}
