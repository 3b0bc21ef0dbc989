// Turns what a local person typed (plain text) into the HTML stored and served as `content`.
// The output is built from escaped text plus a handful of tags we write ourselves, so no
// input can smuggle markup through: nothing typed is ever passed through as HTML.
import { and, inArray, isNull, sql } from "drizzle-orm";
import * as linkify from "linkifyjs";
import { accounts } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
export { sanitizeHtml } from "./sanitize.ts";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}

// Mastodon's rules: a mention is not preceded by a word character or a slash (so e-mail
// addresses and URL paths are not mentions); a hashtag needs at least one letter.
const MENTION_RE = /(?<![\p{L}\p{N}_/])@([a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?)(?:@([\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*(?::\d{1,5})?))?/giu;
const HASHTAG_RE = /(?<![\p{L}\p{N}_/)#])#([\p{L}\p{N}_\p{M}]*\p{L}[\p{L}\p{N}_\p{M}]*)/gu;
const MAX_TAG_LENGTH = 100;

type Piece =
  | { kind: "text"; value: string }
  | { kind: "url"; value: string }
  | { kind: "mention"; value: string; username: string; domain: string | null }
  | { kind: "tag"; value: string; name: string };

/** Only links the author spelled out with http(s):// become links; bare domains stay text. */
function findUrls(text: string): { start: number; end: number; value: string }[] {
  return linkify
    .find(text, "url")
    .filter((m) => /^https?:\/\//i.test(m.value) && isHttpUrl(m.value))
    .map((m) => ({ start: m.start, end: m.end, value: m.value }));
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

function splitMentionsAndTags(text: string, out: Piece[]) {
  type Hit = { index: number; length: number; piece: Piece };
  const hits: Hit[] = [];
  for (const m of text.matchAll(MENTION_RE)) {
    hits.push({ index: m.index, length: m[0].length, piece: { kind: "mention", value: m[0], username: m[1], domain: m[2] ?? null } });
  }
  for (const m of text.matchAll(HASHTAG_RE)) {
    if (m[1].length > MAX_TAG_LENGTH) continue;
    hits.push({ index: m.index, length: m[0].length, piece: { kind: "tag", value: m[0], name: m[1] } });
  }
  hits.sort((a, b) => a.index - b.index);
  let pos = 0;
  for (const h of hits) {
    if (h.index < pos) continue;
    if (h.index > pos) out.push({ kind: "text", value: text.slice(pos, h.index) });
    out.push(h.piece);
    pos = h.index + h.length;
  }
  if (pos < text.length) out.push({ kind: "text", value: text.slice(pos) });
}

function tokenize(text: string): Piece[] {
  const out: Piece[] = [];
  let pos = 0;
  for (const u of findUrls(text)) {
    if (u.start > pos) splitMentionsAndTags(text.slice(pos, u.start), out);
    out.push({ kind: "url", value: u.value });
    pos = u.end;
  }
  if (pos < text.length) splitMentionsAndTags(text.slice(pos), out);
  return out;
}

type MentionTarget = { id: string; username: string; href: string };

/** Looks up mentioned handles among accounts we already know; unknown handles stay plain text. */
async function resolveMentions(ctx: Ctx, pieces: Piece[]): Promise<Map<string, MentionTarget>> {
  const wanted = new Map<string, { username: string; domain: string | null }>();
  const local = ctx.config.domain.toLowerCase();
  for (const p of pieces) {
    if (p.kind !== "mention") continue;
    const domain = p.domain && p.domain.toLowerCase() !== local ? p.domain.toLowerCase() : null;
    wanted.set(mentionKey(p.username, domain), { username: p.username.toLowerCase(), domain });
  }
  const out = new Map<string, MentionTarget>();
  if (wanted.size === 0) return out;
  const names = [...new Set([...wanted.values()].map((w) => w.username))];
  const rows = await ctx.db
    .select({ id: accounts.id, username: accounts.username, domain: accounts.domain, url: accounts.url, uri: accounts.uri })
    .from(accounts)
    .where(and(inArray(sql`lower(${accounts.username})`, names), isNull(accounts.suspendedAt)));
  for (const r of rows) {
    const key = mentionKey(r.username, r.domain?.toLowerCase() ?? null);
    if (wanted.has(key)) out.set(key, { id: r.id, username: r.username, href: r.url ?? r.uri });
  }
  return out;
}

function mentionKey(username: string, domain: string | null): string {
  return `${username.toLowerCase()}@${domain ?? ""}`;
}

function pieceDomain(ctx: Ctx, p: { domain: string | null }): string | null {
  return p.domain && p.domain.toLowerCase() !== ctx.config.domain.toLowerCase() ? p.domain.toLowerCase() : null;
}

function linkHtml(url: string): string {
  // Mastodon hides the scheme and cuts long URLs for display; the href keeps the whole URL.
  const prefix = url.match(/^https?:\/\/(?:www\.)?/i)?.[0] ?? "";
  const rest = [...url.slice(prefix.length)];
  const shown = rest.slice(0, 30).join("");
  const hidden = rest.slice(30).join("");
  const shownClass = hidden ? ' class="ellipsis"' : "";
  return (
    `<a href="${escapeHtml(url)}" rel="nofollow noopener noreferrer" target="_blank">` +
    `<span class="invisible">${escapeHtml(prefix)}</span><span${shownClass}>${escapeHtml(shown)}</span>` +
    `<span class="invisible">${escapeHtml(hidden)}</span></a>`
  );
}

function textHtml(s: string): string {
  return escapeHtml(s).replace(/\n/g, "<br>");
}

async function render(ctx: Ctx, text: string): Promise<{ html: string; mentionedAccountIds: string[]; tags: string[] }> {
  const normalized = text
    .replace(/\r\n?/g, "\n")
    .replace(/\u0000/g, "")
    .replace(/\n[ \t]+(?=\n)/g, "\n")
    .trim();
  if (normalized === "") return { html: "", mentionedAccountIds: [], tags: [] };
  const pieces = tokenize(normalized);
  const targets = await resolveMentions(ctx, pieces);
  const mentioned = new Set<string>();
  const tags = new Map<string, string>();
  let body = "";
  for (const p of pieces) {
    if (p.kind === "text") body += textHtml(p.value);
    else if (p.kind === "url") body += linkHtml(p.value);
    else if (p.kind === "tag") {
      if (!tags.has(p.name.toLowerCase())) tags.set(p.name.toLowerCase(), p.name);
      const href = `${ctx.config.origin}/tags/${encodeURIComponent(p.name)}`;
      body += `<a href="${escapeHtml(href)}" class="mention hashtag" rel="tag">#<span>${escapeHtml(p.name)}</span></a>`;
    } else {
      const t = targets.get(mentionKey(p.username, pieceDomain(ctx, p)));
      if (!t) {
        body += textHtml(p.value);
        continue;
      }
      mentioned.add(t.id);
      body += `<span class="h-card" translate="no"><a href="${escapeHtml(t.href)}" class="u-url mention">@<span>${escapeHtml(t.username)}</span></a></span>`;
    }
  }
  // Paragraphs are split on blank lines; the single newlines left became <br> above.
  const html = body
    .split(/(?:<br>){2,}/)
    .map((para) => para.replace(/^(?:<br>)+|(?:<br>)+$/g, ""))
    .filter((para) => para !== "")
    .map((para) => `<p>${para}</p>`)
    .join("");
  return { html, mentionedAccountIds: [...mentioned], tags: [...tags.values()] };
}

/** A post's text as HTML, with the local accounts and known remote accounts it mentions and its hashtags. */
export function formatStatusText(ctx: Ctx, text: string): Promise<{ html: string; mentionedAccountIds: string[]; tags: string[] }> {
  return render(ctx, text);
}

/** A profile bio as HTML (the same rules as posts; its mentions notify nobody). */
export async function formatNote(ctx: Ctx, text: string): Promise<string> {
  return (await render(ctx, text)).html;
}

/** Mastodon's count: code points, every URL as 23, a remote mention as its local part. */
export function countStatusChars(text: string): number {
  let total = 0;
  let pos = 0;
  for (const u of findUrls(text)) {
    total += countWithMentions(text.slice(pos, u.start)) + 23;
    pos = u.end;
  }
  return total + countWithMentions(text.slice(pos));
}

function countWithMentions(s: string): number {
  return [...s.replace(MENTION_RE, (_m, user: string) => `@${user}`)].length;
}
