// Reading and clearing one's own notifications. Whether the account and status behind each one
// may still be shown is decided by the audience gate when they are serialised.
import { and, eq, inArray, notInArray, type SQL } from "drizzle-orm";
import { markers, notifications, type NotificationType } from "../../db/schema/index.ts";
import { pageBy, type PageParams } from "../../db/paginate.ts";
import type { Ctx } from "../context.ts";
import { notByLimitedStrangers } from "../federation-policy/rule-effects.ts";
import { blockedOrMuted } from "../follows/mutes.ts";

export type NotificationRow = typeof notifications.$inferSelect;

export type NotificationQuery = {
  types?: readonly NotificationType[];
  excludeTypes?: readonly NotificationType[];
  fromAccountId?: string;
};

async function conditions(ctx: Ctx, me: string, q: NotificationQuery): Promise<(SQL | undefined)[]> {
  // Notifications from accounts blocked, or muted with notifications, after the fact stay hidden.
  const silenced = blockedOrMuted(ctx, me, { notifications: true });
  return [
    eq(notifications.accountId, me),
    notInArray(notifications.fromAccountId, silenced),
    // from servers we limit, only what people one follows did (Mastodon's behaviour)
    await notByLimitedStrangers(ctx, me, notifications.fromAccountId),
    q.types?.length ? inArray(notifications.type, [...q.types]) : undefined,
    q.excludeTypes?.length ? notInArray(notifications.type, [...q.excludeTypes]) : undefined,
    q.fromAccountId ? eq(notifications.fromAccountId, q.fromAccountId) : undefined,
  ];
}

/** One page of rows in page order (oldest first when paging with min_id). */
export async function notificationRows(ctx: Ctx, me: string, q: NotificationQuery, page: PageParams): Promise<NotificationRow[]> {
  const pg = pageBy(notifications.id, page);
  return ctx.db
    .select()
    .from(notifications)
    .where(and(pg.where, ...(await conditions(ctx, me, q))))
    .orderBy(pg.orderBy)
    .limit(page.limit);
}

export async function findNotification(ctx: Ctx, me: string, id: string): Promise<NotificationRow | null> {
  const [row] = await ctx.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.id, id), ...(await conditions(ctx, me, {}))));
  return row ?? null;
}

/** Deletes one of the account's notifications; false when there is none with that id. */
export async function dismissNotification(ctx: Ctx, me: string, id: string): Promise<boolean> {
  const rows = await ctx.db
    .delete(notifications)
    .where(and(eq(notifications.id, id), eq(notifications.accountId, me)))
    .returning({ id: notifications.id });
  return rows.length > 0;
}

export async function clearNotifications(ctx: Ctx, me: string): Promise<void> {
  await ctx.db.delete(notifications).where(eq(notifications.accountId, me));
}

/** The id after which notifications count as unread (the notifications marker), if any. */
export async function readMarker(ctx: Ctx, me: string): Promise<string | undefined> {
  const [row] = await ctx.db
    .select({ id: markers.lastReadId })
    .from(markers)
    .where(and(eq(markers.accountId, me), eq(markers.timeline, "notifications")));
  return row && /^\d{1,19}$/.test(row.id) ? row.id : undefined;
}
