// Which of a person's filters a status triggers, in one context. Keywords match the text a reader
// sees (content without markup, and the content warning), case-insensitively; a whole-word
// keyword must not sit inside a longer word.
import { and, eq, gt, isNull, or, sql } from "drizzle-orm";
import { filters } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { listFilters, type FilterContext, type FilterRow, type FullFilter } from "./store.ts";

export type ActiveFilter = FullFilter & { patterns: { keyword: string; re: RegExp }[] };
export type FilterMatch = { filter: FilterRow; keywordMatches: string[]; statusMatches: string[] };

const WORD = /[\p{L}\p{N}_]/u;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function keywordPattern(keyword: string, wholeWord: boolean): RegExp {
  const k = escapeRegExp(keyword);
  if (!wholeWord) return new RegExp(k, "iu");
  const start = WORD.test(keyword[0] ?? "") ? "(?<![\\p{L}\\p{N}_])" : "";
  const end = WORD.test(keyword[keyword.length - 1] ?? "") ? "(?![\\p{L}\\p{N}_])" : "";
  return new RegExp(`${start}${k}${end}`, "iu");
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", "#39": "'" };

/** Content as a reader sees it: tags become spaces (so words in separate paragraphs stay apart). */
export function plainText(html: string): string {
  return html
    .replace(/<br\s*\/?>|<\/p>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (m, e: string) => {
      if (ENTITIES[e.toLowerCase()]) return ENTITIES[e.toLowerCase()];
      if (e[0] === "#") {
        const n = e[1].toLowerCase() === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return Number.isFinite(n) && n <= 0x10ffff ? String.fromCodePoint(n) : m;
      }
      return m;
    });
}

/** The owner's filters that are in force now and apply in the context. */
export async function activeFilters(ctx: Ctx, me: string, context: FilterContext): Promise<ActiveFilter[]> {
  const [any] = await ctx.db
    .select({ id: filters.id })
    .from(filters)
    .where(and(eq(filters.accountId, me), sql`${context} = any(${filters.context})`, or(isNull(filters.expiresAt), gt(filters.expiresAt, new Date()))))
    .limit(1);
  if (!any) return [];
  const now = Date.now();
  return (await listFilters(ctx, me))
    .filter((f) => f.filter.context.includes(context) && (!f.filter.expiresAt || f.filter.expiresAt.getTime() > now))
    .map((f) => ({ ...f, patterns: f.keywords.map((k) => ({ keyword: k.keyword, re: keywordPattern(k.keyword, k.wholeWord) })) }));
}

/** `ids` are the status and, for a boost, the boosted status; `html` and `spoiler` are the boosted one's. */
export function matchFilters(active: readonly ActiveFilter[], s: { ids: string[]; html: string; spoiler: string }): FilterMatch[] {
  if (active.length === 0) return [];
  const text = `${s.spoiler}\n${plainText(s.html)}`;
  const out: FilterMatch[] = [];
  for (const f of active) {
    const keywordMatches = f.patterns.filter((p) => p.re.test(text)).map((p) => p.keyword);
    const statusMatches = f.statuses.filter((x) => s.ids.includes(x.statusId)).map((x) => x.statusId);
    if (keywordMatches.length || statusMatches.length) out.push({ filter: f.filter, keywordMatches, statusMatches });
  }
  return out;
}
