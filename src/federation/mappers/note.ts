// Inbound converter: a post-like ActivityStreams object (Note, Article, Page, Question, Video,
// Event, Audio, Image, Pleroma's ChatMessage) -> the fields of a `statuses` row for a remote post.
//
// Trust rules:
// - the id must be http(s), must not claim this server's host, and, when the caller says which
//   URL the document was fetched from (`fetchedFrom`), must be that URL; otherwise the object is
//   refused with `refetch: <id>` (what Pleroma's spoofed-object fixture tests: a JSON file
//   uploaded as media that claims to be a post);
// - `attributedTo` must include the author the caller vouches for (the actor of the signed
//   activity, or the owner of the origin it was fetched from) and the author must be on the same
//   host as the object id.
// Content is sanitised (sanitizeHtml); names and content warnings are plain text. The audience
// comes from the addressing, see addressing.ts for the table.
import { Article, ChatMessage, Event, Audio, Image, Note, Page, Question, Video, Link } from "@fedify/vocab";
import type { Object as ASObject } from "@fedify/vocab";
import type { Audience } from "../../db/schema/statuses.ts";
import { sanitizeHtml } from "../../domain/statuses/sanitize.ts";
import {
  escapeHtml,
  hostOf,
  httpUrl,
  instantToDate,
  languageOf,
  localHost,
  mapError,
  plainText,
  rawProp,
  sameHost,
  typeName,
  type MapError,
} from "./common.ts";
import { offlineContextLoader } from "./document-loader.ts";
import { addressedOf, audienceFromAddressing } from "./addressing.ts";
import { readAttachments, readPoll, readTags, type RemoteAttachment, type RemoteEmoji, type RemotePoll } from "./note-parts.ts";

export type { RemoteAttachment, RemoteEmoji, RemotePoll } from "./note-parts.ts";

export const MAX_CONTENT_HTML = 100_000;
export const MAX_SPOILER = 1_000;
export const MAX_TITLE = 500;

export type RemoteObjectType = "Note" | "Article" | "Page" | "Question" | "Video" | "Event" | "Audio" | "Image" | "ChatMessage";

export type RemoteStatusRecord = {
  kind: "status";
  objectType: RemoteObjectType;
  uri: string;
  url: string | null;
  attributedTo: string;
  /** sanitised HTML */
  content: string;
  /** plain text */
  spoilerText: string;
  sensitive: boolean;
  language: string | null;
  published: Date | null;
  updated: Date | null;
  inReplyTo: string | null;
  quoteUri: string | null;
  audience: Audience;
  /** addressed actors/collections other than Public, AuthenticatedAgent and the author's followers */
  recipients: string[];
  mentions: string[];
  hashtags: string[];
  emojis: RemoteEmoji[];
  attachments: RemoteAttachment[];
  poll: RemotePoll | null;
};

export type StatusMapOptions = {
  /** this server's origin ("https://caracol.example"): objects claiming to live here are refused */
  localOrigin: string;
  /** the author the caller has verified (signed activity's actor, or fetched origin's owner) */
  authorUri: string;
  /** the author's followers collection; undefined = unknown (see addressing.ts), null = none */
  followersUrl?: string | null;
  /** the URL this document was fetched from, when it was fetched rather than delivered */
  fetchedFrom?: string;
  /** the sender's JSON for this object (blurhash, bare `Public`); defaults to Fedify's cached copy */
  source?: unknown;
};

const TYPES: readonly [new (...args: never[]) => ASObject, RemoteObjectType][] = [
  [Note, "Note"],
  [Article, "Article"],
  [Page, "Page"],
  [Question, "Question"],
  [Video, "Video"],
  [Event, "Event"],
  [Audio, "Audio"],
  [Image, "Image"],
  [ChatMessage, "ChatMessage"],
];

/** Types whose `name` is a title shown above the content; the others use `summary` as a CW. */
const TITLED = new Set<RemoteObjectType>(["Article", "Page", "Video", "Event", "Audio", "Image"]);

export function statusTypeOf(object: ASObject): RemoteObjectType | null {
  for (const [cls, name] of TYPES) if (object instanceof cls) return name;
  return null;
}

/** The sender's own JSON when Fedify still holds it (documents parsed at the top level). */
export async function cachedSource(object: ASObject): Promise<unknown> {
  try {
    const json = await object.toJsonLd({ contextLoader: offlineContextLoader });
    return rawProp(json, "id") === object.id?.href ? json : undefined;
  } catch {
    return undefined;
  }
}

function pickContent(object: ASObject): { text: string; language: string | null } {
  const all = object.contents;
  const language = all.map((c) => languageOf(c)).find((l) => l !== null) ?? null;
  const plain = all.find((c) => typeof c === "string" && c.trim() !== "");
  const chosen = plain ?? all.find((c) => String(c).trim() !== "") ?? "";
  return { text: String(chosen), language };
}

function contentHtml(object: ASObject, type: RemoteObjectType, text: string, poll: RemotePoll | null, url: string | null): string {
  const mediaType = object.mediaType?.toLowerCase() ?? "text/html";
  const cut = text.slice(0, MAX_CONTENT_HTML);
  // PeerTube and others send Markdown or plain text: show it as text, never as markup.
  const body = /^text\/(markdown|plain)/.test(mediaType)
    ? cut
        .split(/\n{2,}/)
        .map((p) => p.trim())
        .filter((p) => p !== "")
        .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
        .join("")
    : cut;
  const parts: string[] = [];
  if (TITLED.has(type)) {
    const title = plainText(object.name == null ? "" : String(object.name), MAX_TITLE);
    if (title !== "") parts.push(`<p><strong>${escapeHtml(title)}</strong></p>`);
  }
  parts.push(body);
  if (poll !== null && poll.options.length > 0) {
    parts.push(`<ul>${poll.options.map((o) => `<li>${escapeHtml(o.title)}</li>`).join("")}</ul>`);
  }
  if (TITLED.has(type) && body.trim() === "" && url !== null) {
    parts.push(`<p><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>`);
  }
  return sanitizeHtml(parts.join(""));
}

export async function objectToStatus(object: ASObject, options: StatusMapOptions): Promise<RemoteStatusRecord | MapError> {
  const type = statusTypeOf(object);
  if (type === null) return mapError("unsupported_type", `${typeName(object)} is not a post type`);
  if (object.id === null) return mapError("missing_id", `${type} has no id`);
  const uri = httpUrl(object.id);
  if (uri === null) return mapError("invalid_id", `${type} id ${object.id.href} is not http(s)`);
  if (options.fetchedFrom !== undefined && httpUrl(options.fetchedFrom) !== uri) {
    return mapError("id_mismatch", `${type} ${uri} was served from ${options.fetchedFrom}`, uri);
  }
  if (hostOf(uri) === localHost(options.localOrigin)) {
    return mapError("local_origin", `${type} ${uri} claims to live on this server`);
  }

  const attributions = object.attributionIds.map((u) => u.href);
  if (attributions.length === 0) return mapError("attribution_mismatch", `${type} ${uri} has no attributedTo`);
  if (!attributions.includes(options.authorUri)) {
    return mapError("attribution_mismatch", `${type} ${uri} is attributed to ${attributions.join(", ")}, not ${options.authorUri}`);
  }
  if (!sameHost(options.authorUri, uri)) {
    return mapError("origin_mismatch", `${type} ${uri} is not on the host of its author ${options.authorUri}`, uri);
  }

  const source = options.source ?? (await cachedSource(object));
  const { text, language } = pickContent(object);
  // The "original page" link: an HTML page on the object's own host (no links to elsewhere dressed up as the original).
  const url = (() => {
    for (const u of object.urls) {
      const href = httpUrl(u instanceof Link ? u.href : u);
      if (href !== null && sameHost(href, uri) && (!(u instanceof Link) || !u.mediaType || u.mediaType.startsWith("text/html"))) return href;
    }
    return null;
  })();
  const poll = object instanceof Question ? await readPoll(object) : null;
  const addressing = audienceFromAddressing(addressedOf(object), {
    authorUri: options.authorUri,
    followersUrl: options.followersUrl,
    source,
  });
  const tags = await readTags(object);
  const quote = object instanceof Note || object instanceof Article || object instanceof Question || object instanceof ChatMessage ? (object.quoteId ?? object.quoteUrl) : null;

  return {
    kind: "status",
    objectType: type,
    uri,
    url,
    attributedTo: options.authorUri,
    content: contentHtml(object, type, text, poll, url),
    spoilerText: TITLED.has(type) ? "" : plainText(object.summary == null ? "" : String(object.summary), MAX_SPOILER),
    sensitive: object.sensitive === true,
    language,
    published: instantToDate(object.published),
    updated: instantToDate(object.updated),
    inReplyTo: httpUrl(object.replyTargetId),
    quoteUri: httpUrl(quote),
    audience: addressing.audience,
    recipients: addressing.recipients,
    mentions: tags.mentions,
    hashtags: tags.hashtags,
    emojis: tags.emojis,
    attachments: await readAttachments(object, source),
    poll,
  };
}
