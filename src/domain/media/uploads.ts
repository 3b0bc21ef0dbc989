// Local uploads: an image goes through processImage (metadata stripped), its files are written
// under a fresh random key, and a media_attachments row records them. Until a status takes it,
// an upload belongs to its uploader alone (status_id null); the purge job removes forgotten ones.
import { and, eq, isNull } from "drizzle-orm";
import { mediaAttachments, type MediaMeta, type MediaUsage } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { newId } from "../../lib/id.ts";
import { MediaError } from "./errors.ts";
import { processImage } from "./process.ts";
import { mediaUrlPath, newStorageKey, removeMediaFiles, writeMediaFiles } from "./storage.ts";

export type MediaRow = typeof mediaAttachments.$inferSelect;
export type UploadFile = { bytes: Uint8Array; declaredType: string };

/** Mastodon's limit on alt text. */
export const MAX_DESCRIPTION = 1500;

export function checkDescription(description: string | undefined): void {
  if (description !== undefined && description.length > MAX_DESCRIPTION) throw new MediaError("invalid", `Description is too long (at most ${MAX_DESCRIPTION} characters)`);
}

/** Mastodon's focus parameter: "x,y", each from -1.0 to 1.0. */
export function parseFocus(focus: string | undefined): MediaMeta["focus"] | undefined {
  if (focus === undefined || focus === "") return undefined;
  const m = focus.match(/^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/);
  const [x, y] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(Math.abs(x) <= 1 && Math.abs(y) <= 1)) throw new MediaError("invalid", "Focus must be two numbers from -1.0 to 1.0, as \"x,y\"");
  return { x, y };
}

export async function storeUpload(ctx: Ctx, accountId: string, file: UploadFile, opts: { description?: string; focus?: string; usage?: MediaUsage } = {}): Promise<MediaRow> {
  if (file.bytes.byteLength > ctx.config.maxUploadBytes) throw new MediaError("too_large", `The file is larger than the limit of ${Math.floor(ctx.config.maxUploadBytes / 1048576)} MB`);
  if (file.bytes.byteLength === 0) throw new MediaError("invalid", "The file is empty");
  if (/^(video|audio)\//i.test(file.declaredType)) throw new MediaError("unsupported", "Video and audio uploads are not supported yet; images only (JPEG, PNG, WebP, GIF)");
  checkDescription(opts.description);
  const focus = parseFocus(opts.focus);
  const image = await processImage(file.bytes);
  const key = newStorageKey();
  const originalName = `original.${image.ext}`;
  const smallName = `small.${image.ext}`;
  await writeMediaFiles(ctx.config, key, { [originalName]: image.original.bytes, [smallName]: image.small.bytes });
  const row: MediaRow = {
    id: newId(),
    statusId: null,
    accountId,
    type: "image",
    contentType: image.contentType,
    remoteUrl: null,
    url: mediaUrlPath(key, originalName),
    previewUrl: mediaUrlPath(key, smallName),
    description: opts.description?.trim() || null,
    blurhash: image.blurhash,
    meta: focus ? { ...image.meta, focus } : image.meta,
    storageKey: key,
    usage: opts.usage ?? "attachment",
    position: 0,
    createdAt: new Date(),
  };
  try {
    await ctx.db.insert(mediaAttachments).values(row);
  } catch (e) {
    await removeMediaFiles(ctx.config, [key]); // no row, no file: nothing left behind
    throw e;
  }
  return row;
}

/** One's own upload that no status has taken yet (Mastodon's GET/PUT/DELETE /api/v1/media/:id). */
export async function findOwnUnattached(ctx: Ctx, accountId: string, id: string): Promise<MediaRow> {
  const [row] = await ctx.db
    .select()
    .from(mediaAttachments)
    .where(and(eq(mediaAttachments.id, id), eq(mediaAttachments.accountId, accountId), isNull(mediaAttachments.statusId), eq(mediaAttachments.usage, "attachment")));
  if (!row) throw new MediaError("not_found", "Record not found");
  return row;
}

export async function updateUpload(ctx: Ctx, accountId: string, id: string, u: { description?: string; focus?: string }): Promise<MediaRow> {
  const row = await findOwnUnattached(ctx, accountId, id);
  checkDescription(u.description);
  const focus = parseFocus(u.focus);
  const set: Partial<MediaRow> = {};
  if (u.description !== undefined) set.description = u.description.trim() || null;
  if (focus) set.meta = { ...(row.meta ?? {}), focus };
  if (Object.keys(set).length === 0) return row;
  const [updated] = await ctx.db
    .update(mediaAttachments)
    .set(set)
    .where(and(eq(mediaAttachments.id, row.id), isNull(mediaAttachments.statusId)))
    .returning();
  if (!updated) throw new MediaError("not_found", "Record not found");
  return updated;
}

export async function deleteUpload(ctx: Ctx, accountId: string, id: string): Promise<MediaRow> {
  const row = await findOwnUnattached(ctx, accountId, id);
  const [gone] = await ctx.db.delete(mediaAttachments).where(and(eq(mediaAttachments.id, row.id), isNull(mediaAttachments.statusId))).returning();
  if (!gone) throw new MediaError("not_found", "Record not found");
  await removeMediaFiles(ctx.config, [gone.storageKey]);
  return gone;
}
