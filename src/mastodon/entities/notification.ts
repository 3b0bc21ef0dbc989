// Notification entities for one viewer. The account and the status of each notification go
// through the same serialisers (and so the same audience gate) as everywhere else: a
// notification whose status the viewer may no longer see is dropped, never shown half-empty.
import { inArray } from "drizzle-orm";
import { statuses } from "../../db/schema/index.ts";
import type { Ctx } from "../../domain/context.ts";
import type { Viewer } from "../../domain/audience/viewer.ts";
import type { NotificationRow } from "../../domain/notifications/read.ts";
import type { ActiveFilter } from "../../domain/filters/match.ts";
import type { PageParams } from "../../db/paginate.ts";
import { loadAccounts, serializeAccounts, type MastodonAccount } from "./account.ts";
import { serializeStatuses, type MastodonStatus } from "./status.ts";
import { applyFilters } from "./filter.ts";

export type MastodonNotification = {
  id: string;
  type: NotificationRow["type"];
  created_at: string;
  group_key: string;
  account: MastodonAccount;
  status?: MastodonStatus;
};

export async function serializeNotifications(
  ctx: Ctx,
  viewer: Viewer,
  rows: readonly NotificationRow[],
  filters: readonly ActiveFilter[] = [],
): Promise<MastodonNotification[]> {
  if (rows.length === 0) return [];
  const accountMap = await serializeAccounts(ctx, viewer, await loadAccounts(ctx, rows.map((r) => r.fromAccountId)));
  const statusIds = [...new Set(rows.map((r) => r.statusId).filter((x): x is string => !!x))];
  const statusRows = statusIds.length ? await ctx.db.select().from(statuses).where(inArray(statuses.id, statusIds)) : [];
  const shown = applyFilters(filters, await serializeStatuses(ctx, viewer, statusRows));
  const statusMap = new Map(shown.map((s) => [s.id, s]));
  const out: MastodonNotification[] = [];
  for (const r of rows) {
    const account = accountMap.get(r.fromAccountId);
    if (!account) continue;
    const n: MastodonNotification = { id: r.id, type: r.type, created_at: r.createdAt.toISOString(), group_key: `ungrouped-${r.id}`, account };
    if (r.statusId) {
      const status = statusMap.get(r.statusId);
      if (!status) continue;
      n.status = status;
    }
    out.push(n);
  }
  return out;
}

const MAX_ROUNDS = 5;

/** Like visibleStatusPage: reads further rows when some are dropped, until the page is full. */
export async function notificationPage(
  ctx: Ctx,
  viewer: Viewer,
  page: PageParams,
  filters: readonly ActiveFilter[],
  fetchRows: (p: PageParams) => Promise<NotificationRow[]>,
): Promise<{ notifications: MastodonNotification[]; newest?: string; oldest?: string }> {
  const ascending = !!page.minId;
  const out: MastodonNotification[] = [];
  let cursorPage: PageParams = { ...page, limit: Math.min(page.limit * 2, 160) };
  for (let round = 0; round < MAX_ROUNDS && out.length < page.limit; round++) {
    const rows = await fetchRows(cursorPage);
    if (rows.length === 0) break;
    for (const n of await serializeNotifications(ctx, viewer, rows, filters)) if (out.length < page.limit) out.push(n);
    if (rows.length < cursorPage.limit) break;
    const last = rows[rows.length - 1].id;
    cursorPage = ascending ? { ...cursorPage, minId: last } : { ...cursorPage, maxId: last };
  }
  const sorted = ascending ? out.reverse() : out;
  return { notifications: sorted, newest: sorted[0]?.id, oldest: sorted[sorted.length - 1]?.id };
}
