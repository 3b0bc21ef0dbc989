// Pages of statuses for one viewer. Rows come from a query, then go through the gate (inside
// serializeStatuses); when the gate hides some, further rows are read until the page is full.
import type { Ctx } from "../domain/context.ts";
import type { Viewer } from "../domain/audience/viewer.ts";
import type { PageParams } from "../db/paginate.ts";
import { serializeStatuses, type MastodonStatus, type StatusRow } from "./entities/status.ts";

const MAX_ROUNDS = 5;

/**
 * `fetchRows(page)` returns rows in the page's order (newest first, or oldest first with minId),
 * at most page.limit of them, keyed by `cursorOf` (the status id, or a feed row's id).
 */
export async function visibleStatusPage<R extends { status: StatusRow; cursor: string }>(
  ctx: Ctx,
  viewer: Viewer,
  page: PageParams,
  fetchRows: (p: PageParams) => Promise<R[]>,
  /** optional last step per batch, e.g. the viewer's content filters, which may drop statuses */
  refine?: (list: MastodonStatus[]) => Promise<MastodonStatus[]>,
): Promise<{ statuses: MastodonStatus[]; newest?: string; oldest?: string }> {
  const ascending = !!page.minId;
  const out: { s: MastodonStatus; cursor: string }[] = [];
  let cursorPage: PageParams = { ...page, limit: Math.min(page.limit * 2, 80) };
  for (let round = 0; round < MAX_ROUNDS && out.length < page.limit; round++) {
    const rows = await fetchRows(cursorPage);
    if (rows.length === 0) break;
    let serialized = await serializeStatuses(ctx, viewer, rows.map((r) => r.status));
    if (refine) serialized = await refine(serialized);
    const byId = new Map(serialized.map((s) => [s.id, s]));
    for (const r of rows) {
      const s = byId.get(r.status.id);
      if (s && out.length < page.limit) out.push({ s, cursor: r.cursor });
    }
    if (rows.length < cursorPage.limit) break;
    const last = rows[rows.length - 1].cursor;
    cursorPage = ascending ? { ...cursorPage, minId: last } : { ...cursorPage, maxId: last };
  }
  // min_id pages are fetched oldest first; the API answers newest first either way.
  const sorted = ascending ? out.reverse() : out;
  return {
    statuses: sorted.map((x) => x.s),
    newest: sorted[0]?.cursor,
    oldest: sorted[sorted.length - 1]?.cursor,
  };
}
