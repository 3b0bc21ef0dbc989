// The one converter from a local status to an ActivityStreams object, with addressing derived
// from its audience (docs/FEDERATION.md has the table).
import type { Context } from "@fedify/fedify";
import { Document, Hashtag, Mention, Note, PUBLIC_COLLECTION } from "@fedify/vocab";
import { LanguageString } from "@fedify/vocab-runtime";
import { Temporal } from "@js-temporal/polyfill";
import { asc, eq, inArray } from "drizzle-orm";
import { accounts, mediaAttachments, mentions, statuses, statusTags, tags } from "../db/schema/index.ts";
import type { Ctx } from "../domain/context.ts";

type StatusRow = typeof statuses.$inferSelect;
type MediaRow = typeof mediaAttachments.$inferSelect;

export type Addressing = { to: URL[]; cc: URL[] };

/** Who a status is addressed to. Local-only statuses are never federated, so they have no addressing. */
export function addressingFor(s: Pick<StatusRow, "audience" | "localOnly"> & { circleId?: string | null }, followers: URL, mentioned: URL[]): Addressing | null {
  if (s.localOnly) return null;
  switch (s.audience) {
    case "public":
      return { to: [PUBLIC_COLLECTION], cc: [followers, ...mentioned] };
    case "unlisted":
      return { to: [followers], cc: [PUBLIC_COLLECTION, ...mentioned] };
    case "authenticated":
    case "followers":
      // Authenticated posts are not addressed to the public collection, so servers that do not
      // know the audience keep them from logged-out viewers (docs/FEDERATION.md).
      return { to: [followers], cc: mentioned };
    case "direct":
      return { to: mentioned, cc: [] };
    case "circle":
      // Addressed to the circle (a collection id of ours) and the followers, never the public:
      // a server that does not know circles keeps it to followers. Who receives it is decided
      // per recipient by the gate (followers on the circle's servers).
      if (!s.circleId) return null;
      return { to: [new URL(`/circles/${s.circleId}`, followers)], cc: [followers, ...mentioned] };
    case "local":
      return null;
  }
}

/**
 * A media attachment as Mastodon sends it: a Document with our copy's URL. Media without a
 * file of ours (remote references, uploads still processing) is left out: we only ever
 * announce files we serve. Blurhash and focal point are not sent: Fedify's vocabulary has no
 * property for them (Mastodon computes its own blurhash when it downloads the file).
 */
export function mediaToDocument(m: Pick<MediaRow, "url" | "contentType" | "description" | "meta">, origin: string): Document | null {
  if (m.url === null) return null;
  const original = m.meta?.original;
  return new Document({
    // Stored either absolute or as a path under our origin.
    url: new URL(m.url, origin),
    mediaType: m.contentType,
    name: m.description,
    width: original?.width ?? null,
    height: original?.height ?? null,
  });
}

export async function statusToNote(fctx: Context<Ctx>, s: StatusRow, authorUsername: string): Promise<Note | null> {
  const ctx = fctx.data;
  const mentionRows = await ctx.db
    .select({ uri: accounts.uri, username: accounts.username, domain: accounts.domain })
    .from(mentions)
    .innerJoin(accounts, eq(accounts.id, mentions.accountId))
    .where(eq(mentions.statusId, s.id));
  const tagRows = await ctx.db.select({ name: tags.name }).from(statusTags).innerJoin(tags, eq(tags.id, statusTags.tagId)).where(eq(statusTags.statusId, s.id));
  const addressing = addressingFor(s, fctx.getFollowersUri(authorUsername), mentionRows.map((m) => new URL(m.uri)));
  if (!addressing) return null;
  const media = await ctx.db.select().from(mediaAttachments).where(eq(mediaAttachments.statusId, s.id)).orderBy(asc(mediaAttachments.position));
  let inReplyTo: URL | null = null;
  if (s.inReplyToId) {
    const [parent] = await ctx.db.select({ uri: statuses.uri }).from(statuses).where(inArray(statuses.id, [s.inReplyToId]));
    if (parent) inReplyTo = new URL(parent.uri);
  }
  return new Note({
    id: new URL(s.uri),
    attribution: fctx.getActorUri(authorUsername),
    tos: addressing.to,
    ccs: addressing.cc,
    // Mastodon reads the language from contentMap, so both forms are sent.
    contents: s.language ? [s.content, new LanguageString(s.content, s.language)] : [s.content],
    summary: s.spoilerText || null,
    sensitive: s.sensitive,
    published: Temporal.Instant.from(s.createdAt.toISOString()) as never,
    updated: s.editedAt ? (Temporal.Instant.from(s.editedAt.toISOString()) as never) : null,
    url: s.url ? new URL(s.url) : null,
    replyTarget: inReplyTo,
    attachments: media.map((m) => mediaToDocument(m, ctx.config.origin)).filter((d): d is Document => d !== null),
    tags: [
      ...mentionRows.map((m) => new Mention({ href: new URL(m.uri), name: `@${m.username}@${m.domain ?? ctx.config.domain}` })),
      ...tagRows.map((t) => new Hashtag({ href: new URL(`${ctx.config.origin}/tags/${encodeURIComponent(t.name)}`), name: `#${t.name}` })),
    ],
  });
}
