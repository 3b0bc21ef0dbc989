// Attaching uploads to a status, and the files that go when a status goes.
import { and, asc, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import { mediaAttachments } from "../../db/schema/index.ts";
import type { Db } from "../../db/client.ts";
import type { Ctx } from "../context.ts";
import { MediaError } from "./errors.ts";
import { removeMediaFiles } from "./storage.ts";

/** Mastodon's limit of attachments per status. */
export const MAX_ATTACHMENTS = 4;

/** Checks ids before a status is stored: the poster's own, unattached uploads, at most four. */
export async function checkAttachable(db: Db, accountId: string, mediaIds: readonly string[]): Promise<void> {
  const ids = [...new Set(mediaIds)];
  if (ids.length > MAX_ATTACHMENTS) throw new MediaError("invalid", `At most ${MAX_ATTACHMENTS} attachments per post`);
  if (ids.length !== mediaIds.length) throw new MediaError("invalid", "The same attachment was given twice");
  if (ids.length === 0) return;
  const found = await db
    .select({ id: mediaAttachments.id })
    .from(mediaAttachments)
    .where(and(inArray(mediaAttachments.id, ids), eq(mediaAttachments.accountId, accountId), isNull(mediaAttachments.statusId), eq(mediaAttachments.usage, "attachment")));
  if (found.length !== ids.length) throw new MediaError("invalid", "media_ids must name your own uploads that are not attached to a post yet");
}

/**
 * Takes the uploads for the status, in the order given, inside the caller's transaction. The
 * `status_id is null` condition makes two posts racing for one upload end with one winner.
 */
export async function attachMedia(db: Db, accountId: string, statusId: string, mediaIds: readonly string[]): Promise<void> {
  await checkAttachable(db, accountId, mediaIds);
  for (const [position, id] of mediaIds.entries()) {
    const taken = await db
      .update(mediaAttachments)
      .set({ statusId, position })
      .where(and(eq(mediaAttachments.id, id), eq(mediaAttachments.accountId, accountId), isNull(mediaAttachments.statusId)))
      .returning({ id: mediaAttachments.id });
    if (taken.length !== 1) throw new MediaError("invalid", "An attachment was taken by another post");
  }
}

/** The ids of a status's attachments, in order. */
export async function attachedMediaIds(ctx: Ctx, statusId: string): Promise<string[]> {
  const rows = await ctx.db.select({ id: mediaAttachments.id }).from(mediaAttachments).where(eq(mediaAttachments.statusId, statusId)).orderBy(asc(mediaAttachments.position));
  return rows.map((r) => r.id);
}

/** Storage keys of a status's local files; read before the status (and, by cascade, its rows) goes. */
export async function storageKeysOfStatus(ctx: Ctx, statusId: string): Promise<string[]> {
  const rows = await ctx.db
    .select({ key: mediaAttachments.storageKey })
    .from(mediaAttachments)
    .where(and(eq(mediaAttachments.statusId, statusId), isNotNull(mediaAttachments.storageKey)));
  return rows.map((r) => r.key!);
}

export async function removeStatusMediaFiles(ctx: Ctx, keys: readonly string[]): Promise<void> {
  await removeMediaFiles(ctx.config, keys);
}
