// Filters v2 entities, and applying a person's filters to serialised statuses: matches are
// reported in Status.filtered, and a "hide" filter removes the status altogether.
import type { Ctx } from "../../domain/context.ts";
import type { FilterRow, FilterStatusRow, FullFilter, KeywordRow, FilterContext } from "../../domain/filters/store.ts";
import { activeFilters, matchFilters, type ActiveFilter } from "../../domain/filters/match.ts";
import type { MastodonStatus } from "./status.ts";

export type MastodonFilterKeyword = { id: string; keyword: string; whole_word: boolean };
export type MastodonFilterStatus = { id: string; status_id: string };
export type MastodonFilter = {
  id: string;
  title: string;
  context: string[];
  expires_at: string | null;
  filter_action: FilterRow["action"];
  keywords?: MastodonFilterKeyword[];
  statuses?: MastodonFilterStatus[];
};
export type MastodonFilterResult = { filter: MastodonFilter; keyword_matches: string[] | null; status_matches: string[] | null };

export const keywordToMastodon = (k: KeywordRow): MastodonFilterKeyword => ({ id: k.id, keyword: k.keyword, whole_word: k.wholeWord });
export const filterStatusToMastodon = (s: FilterStatusRow): MastodonFilterStatus => ({ id: s.id, status_id: s.statusId });

function filterBase(f: FilterRow): MastodonFilter {
  return { id: f.id, title: f.title, context: f.context, expires_at: f.expiresAt?.toISOString() ?? null, filter_action: f.action };
}

export function filterToMastodon(f: FullFilter): MastodonFilter {
  return { ...filterBase(f.filter), keywords: f.keywords.map(keywordToMastodon), statuses: f.statuses.map(filterStatusToMastodon) };
}

/** Fills `filtered` on each status (and a boost's inner status); leaves out those a hide filter matches. */
export function applyFilters(active: readonly ActiveFilter[], list: MastodonStatus[]): MastodonStatus[] {
  if (active.length === 0) return list;
  const out: MastodonStatus[] = [];
  for (const s of list) {
    const proper = s.reblog ?? s;
    const matches = matchFilters(active, { ids: [s.id, proper.id], html: proper.content, spoiler: proper.spoiler_text });
    if (matches.some((m) => m.filter.action === "hide")) continue;
    const results: MastodonFilterResult[] = matches.map((m) => ({
      filter: filterBase(m.filter),
      keyword_matches: m.keywordMatches.length ? m.keywordMatches : null,
      status_matches: m.statusMatches.length ? m.statusMatches : null,
    }));
    const filtered = results.length ? results : (s.filtered ?? []);
    out.push(s.reblog ? { ...s, filtered, reblog: { ...s.reblog, filtered } } : { ...s, filtered });
  }
  return out;
}

/** A refinement step for visibleStatusPage: the viewer's filters for one context. */
export async function filterRefiner(ctx: Ctx, accountId: string | null, context: FilterContext) {
  const active = accountId ? await activeFilters(ctx, accountId, context) : [];
  return async (list: MastodonStatus[]) => applyFilters(active, list);
}
