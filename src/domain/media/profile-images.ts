// Avatar and header uploads: the same pipeline as attachments (metadata stripped), kept as
// media rows with usage "avatar"/"header" so they have a random key and a serving rule. The
// account's avatar_url/header_url point at the new files; the previous ones are removed.
import { and, eq, inArray, notInArray } from "drizzle-orm";
import { accounts, mediaAttachments } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { storeUpload, type MediaRow, type UploadFile } from "./uploads.ts";
import { removeMediaFiles } from "./storage.ts";

export type ProfileImages = { avatar?: UploadFile; header?: UploadFile };

/** Both files are processed before either is set: a bad header leaves the avatar unchanged too. */
export async function setProfileImages(ctx: Ctx, accountId: string, files: ProfileImages): Promise<void> {
  const stored: MediaRow[] = [];
  try {
    for (const which of ["avatar", "header"] as const) {
      const file = files[which];
      if (file) stored.push(await storeUpload(ctx, accountId, file, { usage: which }));
    }
  } catch (e) {
    if (stored.length) await ctx.db.delete(mediaAttachments).where(inArray(mediaAttachments.id, stored.map((s) => s.id)));
    await removeMediaFiles(ctx.config, stored.map((s) => s.storageKey));
    throw e;
  }
  if (stored.length === 0) return;
  const url = (row: MediaRow) => new URL(row.url!, ctx.config.origin).href;
  const set: { avatarUrl?: string; headerUrl?: string } = {};
  for (const row of stored) set[row.usage === "avatar" ? "avatarUrl" : "headerUrl"] = url(row);
  await ctx.db.update(accounts).set(set).where(eq(accounts.id, accountId));
  const old = await ctx.db
    .delete(mediaAttachments)
    .where(
      and(
        eq(mediaAttachments.accountId, accountId),
        inArray(mediaAttachments.usage, stored.map((s) => s.usage)),
        notInArray(mediaAttachments.id, stored.map((s) => s.id)),
      ),
    )
    .returning({ key: mediaAttachments.storageKey });
  await removeMediaFiles(ctx.config, old.map((o) => o.key));
}
