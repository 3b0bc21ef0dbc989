// Remote media as references: the attachments of a remote post become media_attachments rows
// that point at the remote files (nothing is downloaded; caching comes later). The mappers
// already keep to these limits; they are checked again here because this is where the rows are
// written, whatever produced the record.
import { asc, eq } from "drizzle-orm";
import { mediaAttachments, type MediaMeta, type MediaType } from "../db/schema/index.ts";
import type { Db } from "../db/client.ts";
import { newId } from "../lib/id.ts";
import type { RemoteAttachment } from "./mappers/note.ts";

export const MAX_REMOTE_MEDIA = 16;
export const MAX_DESCRIPTION = 1_500;

export type MediaRow = typeof mediaAttachments.$inferSelect;
/** The parts of a row that come from the remote document (what an Update can change). */
export type RemoteMediaValues = Pick<MediaRow, "type" | "contentType" | "remoteUrl" | "description" | "blurhash" | "meta" | "position">;

const EXTENSIONS: [RegExp, MediaType][] = [
  [/\.(jpe?g|png|gif|webp|avif|heic|bmp)$/i, "image"],
  [/\.(mp4|m4v|webm|mov|ogv)$/i, "video"],
  [/\.(mp3|m4a|ogg|oga|opus|wav|flac|aac)$/i, "audio"],
];

/** Mastodon's type from the declared MIME type, or from the file name when none was declared. */
export function mediaTypeOf(contentType: string | null, url: string): MediaType {
  const major = contentType?.split("/")[0];
  if (major === "image" || major === "video" || major === "audio") return major;
  if (contentType !== null) return "unknown";
  let path = "";
  try {
    path = new URL(url).pathname;
  } catch {
    return "unknown";
  }
  return EXTENSIONS.find(([re]) => re.test(path))?.[1] ?? "unknown";
}

function httpOnly(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
  } catch {
    return null;
  }
}

/** What will be stored for a post's attachments: http(s) only, at most 16, alt text cut. */
export function remoteMediaValues(attachments: readonly RemoteAttachment[]): RemoteMediaValues[] {
  const out: RemoteMediaValues[] = [];
  for (const a of attachments) {
    if (out.length >= MAX_REMOTE_MEDIA) break;
    const remoteUrl = httpOnly(a.url);
    if (remoteUrl === null) continue;
    const meta: MediaMeta | null =
      a.width !== null && a.height !== null ? { original: { width: a.width, height: a.height, aspect: a.width / a.height } } : null;
    const description = a.name?.trim().slice(0, MAX_DESCRIPTION) || null;
    out.push({ type: mediaTypeOf(a.mediaType, remoteUrl), contentType: a.mediaType, remoteUrl, description, blurhash: a.blurhash, meta, position: out.length });
  }
  return out;
}

export async function statusMedia(db: Db, statusId: string): Promise<MediaRow[]> {
  return db.select().from(mediaAttachments).where(eq(mediaAttachments.statusId, statusId)).orderBy(asc(mediaAttachments.position));
}

/** JSON with sorted keys: jsonb hands objects back with its own key order. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
}

/** Whether stored rows already say what `values` says (a repeated Update changes nothing). */
export function sameMedia(rows: readonly MediaRow[], values: readonly RemoteMediaValues[]): boolean {
  const key = (m: RemoteMediaValues) => canonical([m.type, m.contentType, m.remoteUrl, m.description, m.blurhash, m.meta, m.position]);
  return rows.length === values.length && rows.every((r, i) => key(r) === key(values[i]));
}

/** Replaces the media of a remote status; call inside the transaction that writes the status. */
export async function replaceRemoteMedia(db: Db, statusId: string, accountId: string, values: readonly RemoteMediaValues[], at = new Date()): Promise<void> {
  await db.delete(mediaAttachments).where(eq(mediaAttachments.statusId, statusId));
  if (values.length === 0) return;
  await db.insert(mediaAttachments).values(values.map((v) => ({ ...v, id: newId(at), statusId, accountId, url: null, previewUrl: null, createdAt: at })));
}
