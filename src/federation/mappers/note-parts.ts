// Pieces of a remote post read from its embedded values: tags (mentions, hashtags, custom
// emojis), media attachments and poll options. Only embedded data is read (NO_FETCH).
import { Document, Emoji, Hashtag, Link, Mention, Question } from "@fedify/vocab";
import type { Object as ASObject } from "@fedify/vocab";
import { NO_FETCH, httpUrl, plainText, rawList, rawProp } from "./common.ts";

export const MAX_MENTIONS = 200;
export const MAX_HASHTAGS = 50;
export const MAX_EMOJIS = 100;
export const MAX_ATTACHMENTS = 16;
export const MAX_ALT = 1_500;
export const MAX_POLL_OPTIONS = 64;

export type RemoteEmoji = { shortcode: string; url: string };

export type RemoteAttachment = {
  url: string;
  mediaType: string | null;
  /** alt text, plain */
  name: string | null;
  width: number | null;
  height: number | null;
  blurhash: string | null;
};

export type RemotePollOption = { title: string; votes: number | null };

export type RemotePoll = {
  options: RemotePollOption[];
  multiple: boolean;
  endsAt: Date | null;
  closed: boolean;
  votersCount: number | null;
};

export type Tags = { mentions: string[]; hashtags: string[]; emojis: RemoteEmoji[] };

const HASHTAG_RE = /^[\p{L}\p{M}\p{N}_\u00b7\u200c]{1,100}$/u;
const SHORTCODE_RE = /^[a-zA-Z0-9_]{1,100}$/;
const BLURHASH_RE = /^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{6,100}$/;

function firstUrl(urls: readonly (URL | Link)[]): string | null {
  for (const u of urls) {
    const href = httpUrl(u instanceof Link ? u.href : u);
    if (href !== null) return href;
  }
  return null;
}

function dimension(n: number | null | undefined): number | null {
  return typeof n === "number" && Number.isInteger(n) && n > 0 && n < 1_000_000 ? n : null;
}

export async function readTags(object: ASObject): Promise<Tags> {
  const mentions: string[] = [];
  const hashtags: string[] = [];
  const emojis: RemoteEmoji[] = [];
  for await (const tag of object.getTags(NO_FETCH)) {
    if (tag instanceof Mention) {
      const href = httpUrl(tag.href);
      if (href !== null && !mentions.includes(href) && mentions.length < MAX_MENTIONS) mentions.push(href);
    } else if (tag instanceof Hashtag) {
      const name = plainText(tag.name == null ? "" : String(tag.name), 200).replace(/^#+/, "");
      if (HASHTAG_RE.test(name) && !hashtags.some((h) => h.toLowerCase() === name.toLowerCase()) && hashtags.length < MAX_HASHTAGS) {
        hashtags.push(name);
      }
    } else if (tag instanceof Emoji) {
      const shortcode = (tag.name == null ? "" : String(tag.name)).trim().replace(/^:|:$/g, "");
      const icon = await tag.getIcon(NO_FETCH);
      const url = icon === null ? httpUrl(tag.iconId) : firstUrl(icon.urls);
      if (SHORTCODE_RE.test(shortcode) && url !== null && !emojis.some((e) => e.shortcode === shortcode) && emojis.length < MAX_EMOJIS) {
        emojis.push({ shortcode, url });
      }
    }
  }
  return { mentions, hashtags, emojis };
}

/** The sender's JSON for the attachment with this url (for blurhash, which Fedify does not model). */
function rawAttachment(source: unknown, url: string): unknown {
  for (const a of rawList(source, "attachment")) {
    const u = rawProp(a, "url");
    const href = typeof u === "string" ? u : rawProp(Array.isArray(u) ? u[0] : u, "href");
    if (href === url) return a;
  }
  return undefined;
}

export async function readAttachments(object: ASObject, source: unknown): Promise<RemoteAttachment[]> {
  const out: RemoteAttachment[] = [];
  for await (const item of object.getAttachments(NO_FETCH)) {
    if (out.length >= MAX_ATTACHMENTS) break;
    let url: string | null = null;
    let mediaType: string | null = null;
    let name: string | null = null;
    let width: number | null = null;
    let height: number | null = null;
    if (item instanceof Document) {
      url = firstUrl(item.urls);
      mediaType = item.mediaType;
      name = item.name == null ? null : String(item.name);
      width = dimension(item.width);
      height = dimension(item.height);
    } else if (item instanceof Link) {
      // A bare Link is a media attachment only when it says it is media.
      if (!item.mediaType || !/^(image|video|audio)\//.test(item.mediaType)) continue;
      url = httpUrl(item.href);
      mediaType = item.mediaType;
      name = item.name == null ? null : String(item.name);
      width = dimension(item.width);
      height = dimension(item.height);
    } else {
      continue;
    }
    if (url === null) continue;
    const blurhash = rawProp(rawAttachment(source, url), "blurhash");
    const alt = name === null ? "" : plainText(name, MAX_ALT);
    out.push({
      url,
      mediaType: mediaType !== null && /^[\w.+-]+\/[\w.+-]+$/.test(mediaType) ? mediaType.toLowerCase() : null,
      name: alt === "" ? null : alt,
      width,
      height,
      blurhash: typeof blurhash === "string" && BLURHASH_RE.test(blurhash) ? blurhash : null,
    });
  }
  return out;
}

export async function readPoll(question: Question): Promise<RemotePoll> {
  const options: RemotePollOption[] = [];
  let multiple = false;
  const collect = async (items: AsyncIterable<ASObject>) => {
    for await (const option of items) {
      if (options.length >= MAX_POLL_OPTIONS) break;
      const title = plainText(option.name == null ? "" : String(option.name), 200);
      if (title === "") continue;
      const replies = await option.getReplies(NO_FETCH);
      const total = replies?.totalItems;
      options.push({ title, votes: typeof total === "number" && total >= 0 ? total : null });
    }
  };
  await collect(question.getExclusiveOptions(NO_FETCH));
  if (options.length === 0) {
    await collect(question.getInclusiveOptions(NO_FETCH));
    multiple = options.length > 0;
  }
  const closed = question.closed;
  const endsAt = question.endTime ?? (closed !== null && typeof closed === "object" ? closed : null);
  const voters = question.voters;
  return {
    options,
    multiple,
    endsAt: endsAt === null ? null : new Date(endsAt.epochMilliseconds),
    closed: closed === true || (closed !== null && typeof closed === "object"),
    votersCount: typeof voters === "number" && voters >= 0 ? voters : null,
  };
}
