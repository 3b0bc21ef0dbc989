// Shared pieces of the inbound ActivityStreams -> domain converters: the error type, URL and
// origin helpers, plain-text extraction, and the options that keep Fedify's property getters
// from ever touching the network.
//
// The mappers are pure in the sense that matters here: no I/O, no clock, no database. They are
// async only because @fedify/vocab exposes embedded values (tags, attachments, icons, keys, the
// object of an activity) through async getters; those getters are always called with a
// document loader that refuses every URL, so only what is embedded in the document is read.
import sanitize from "sanitize-html";
import type { LanguageString } from "@fedify/vocab";
import { refusingDocumentLoader, offlineContextLoader } from "./document-loader.ts";

export type MapErrorCode =
  | "missing_id"
  | "invalid_id"
  | "missing_field"
  | "invalid_field"
  | "origin_mismatch"
  | "id_mismatch"
  | "local_origin"
  | "attribution_mismatch"
  | "unsupported_type";

/** Why a document was refused. `refetch` is set when the right move is to fetch the uri from its origin. */
export type MapError = {
  readonly kind: "error";
  readonly code: MapErrorCode;
  readonly reason: string;
  readonly refetch?: string;
};

export function mapError(code: MapErrorCode, reason: string, refetch?: string): MapError {
  return refetch === undefined ? { kind: "error", code, reason } : { kind: "error", code, reason, refetch };
}

export function isMapError(value: unknown): value is MapError {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "error";
}

/** Options for Fedify's async getters: embedded values only, no fetching, our own origin checks. */
export const NO_FETCH = {
  documentLoader: refusingDocumentLoader,
  contextLoader: offlineContextLoader,
  suppressError: true,
  crossOrigin: "trust",
} as const;

/** The URL as a string when it is absolute http(s), else null. */
export function httpUrl(value: URL | string | null | undefined): string | null {
  if (value == null) return null;
  let url: URL;
  try {
    url = value instanceof URL ? value : new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (url.username !== "" || url.password !== "" || url.hostname === "") return null;
  return url.href;
}

/** Lower-case host with port (when not the default one), or null for anything not http(s). */
export function hostOf(value: URL | string | null | undefined): string | null {
  const href = httpUrl(value);
  return href === null ? null : new URL(href).host.toLowerCase();
}

export function sameHost(a: URL | string | null | undefined, b: URL | string | null | undefined): boolean {
  const ha = hostOf(a);
  return ha !== null && ha === hostOf(b);
}

/** Host of an origin given as "https://example.com" or a bare host. */
export function localHost(localOrigin: string): string {
  return hostOf(localOrigin) ?? localOrigin.toLowerCase();
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "";
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

const STRIP_ALL: sanitize.IOptions = {
  allowedTags: [],
  allowedAttributes: {},
  disallowedTagsMode: "discard",
  nonTextTags: ["script", "style", "textarea", "option", "noscript", "template", "iframe", "object", "embed", "svg", "math", "title", "head"],
};

/**
 * Plain text from something that may carry markup (display names, content warnings, field
 * names): tags and script-like elements dropped, entities decoded, control characters removed,
 * whitespace collapsed, cut to `max` code points. The result is text, to be escaped on output.
 */
export function plainText(value: string | null | undefined, max: number): string {
  if (!value) return "";
  const stripped = decodeEntities(sanitize(value, STRIP_ALL));
  const cleaned = stripped.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, " ");
  const collapsed = cleaned.replace(/\s+/g, " ").trim();
  return [...collapsed].slice(0, max).join("");
}

/** Escapes text for inclusion in HTML we build ourselves (titles, poll options). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

export function instantToDate(instant: { epochMilliseconds: number } | null | undefined): Date | null {
  if (instant == null) return null;
  const date = new Date(instant.epochMilliseconds);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The language tag of a LanguageString (contentMap key), or null for plain strings and "und". */
export function languageOf(value: string | LanguageString | null | undefined): string | null {
  if (value == null || typeof value === "string") return null;
  const locale = (value as LanguageString).locale;
  const tag = locale?.baseName ?? null;
  if (!tag || tag === "und") return null;
  return tag.length <= 35 ? tag : null;
}

/** The text of the first non-empty value of a plain/language-tagged list. */
export function firstText(values: readonly (string | LanguageString)[]): string | LanguageString | null {
  for (const v of values) if (String(v).trim() !== "") return v;
  return values.length > 0 ? values[0] : null;
}

/** The ActivityStreams (or extension) type name of a parsed object: "Note", "EmojiReact", "Object". */
export function typeName(object: object): string {
  const typeId = (object.constructor as { typeId?: URL }).typeId;
  if (typeId instanceof URL) return typeId.href.replace(/^.*[#/]/, "") || typeId.href;
  return object.constructor.name.replace(/\$\d+$/, "");
}

/** Reads a property of the sender's compact JSON (for extension terms Fedify does not model). */
export function rawProp(raw: unknown, key: string): unknown {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return undefined;
  return (raw as Record<string, unknown>)[key];
}

export function rawList(raw: unknown, key: string): unknown[] {
  const v = rawProp(raw, key);
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}
