// Mastodon's MediaAttachment entity, and the batch loader behind Status.media_attachments.
// Only the Status serializer calls the loader, with ids the audience gate has already let
// through: media is never looked up for a status the viewer may not see.
import { asc, eq, inArray } from "drizzle-orm";
import { accounts, mediaAttachments, type MediaMeta, type MediaType } from "../../db/schema/index.ts";
import type { Ctx } from "../../domain/context.ts";
import { mediaRejected } from "../../domain/federation-policy/rule-effects.ts";
import { remoteMediaUrls, type ProxyUrl } from "../../domain/media/remote-proxy.ts";

export type MediaRow = typeof mediaAttachments.$inferSelect;

export type MastodonMediaAttachment = {
  id: string;
  type: MediaType;
  url: string | null;
  preview_url: string | null;
  remote_url: string | null;
  preview_remote_url: null;
  text_url: null;
  meta: MediaMeta | null;
  description: string | null;
  blurhash: string | null;
};

/** Our own files may be stored as paths under the origin; the API always gives absolute URLs. */
function absolute(url: string | null, origin: string): string | null {
  return url === null ? null : new URL(url, origin).href;
}

const asIs: ProxyUrl = (url) => url;

export function serializeMedia(m: MediaRow, origin: string, proxy: ProxyUrl = asIs): MastodonMediaAttachment {
  // Remote media is not stored here: with the media proxy on, its URLs point at /proxy/<token>
  // so that a reader's app never connects to the remote server (which would see the reader's
  // address). remote_url is proxied too, because apps fall back to it when `url` fails to
  // load. Only images are their own preview; a remote video or audio file has no still image.
  const remote = proxy(m.remoteUrl, "m");
  const url = absolute(m.url, origin) ?? remote;
  const previewUrl = absolute(m.previewUrl, origin) ?? (m.type === "image" ? url : null);
  return {
    id: m.id,
    type: m.type,
    url,
    preview_url: previewUrl,
    remote_url: remote,
    preview_remote_url: null,
    text_url: null,
    meta: m.meta,
    description: m.description,
    blurhash: m.blurhash,
  };
}

/**
 * Media from a server whose media we reject (reject_media): no file URL, preview, blurhash or
 * sizes that a client would load or render; the remote URL stays, for a reader who chooses to
 * follow the link (clients show an "unknown" attachment as a link).
 */
function linkOnly(m: MediaRow): MastodonMediaAttachment {
  return { id: m.id, type: "unknown", url: null, preview_url: null, remote_url: m.remoteUrl, preview_remote_url: null, text_url: null, meta: null, description: m.description, blurhash: null };
}

/** The attachments of all these statuses in one query, each list in position order. */
export async function loadMediaByStatus(ctx: Ctx, statusIds: readonly string[]): Promise<Map<string, MastodonMediaAttachment[]>> {
  const byStatus = new Map<string, MastodonMediaAttachment[]>();
  if (statusIds.length === 0) return byStatus;
  const found = await ctx.db
    .select({ row: mediaAttachments, domain: accounts.domain })
    .from(mediaAttachments)
    .innerJoin(accounts, eq(accounts.id, mediaAttachments.accountId))
    .where(inArray(mediaAttachments.statusId, [...new Set(statusIds)]))
    .orderBy(asc(mediaAttachments.statusId), asc(mediaAttachments.position), asc(mediaAttachments.id));
  const rejected = await mediaRejected(ctx, found.map((f) => f.domain));
  const proxy = found.length ? await remoteMediaUrls(ctx) : asIs;
  for (const { row, domain } of found) {
    const list = byStatus.get(row.statusId!) ?? [];
    list.push(domain && rejected.has(domain) ? linkOnly(row) : serializeMedia(row, ctx.config.origin, proxy));
    byStatus.set(row.statusId!, list);
  }
  return byStatus;
}
