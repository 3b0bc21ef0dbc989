import { and, eq, or, gt, isNull } from "drizzle-orm";
import { accounts, blocks, mutes, notifications, type NotificationType } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { newId } from "../../lib/id.ts";

/**
 * Records a notification for a local account, unless it would come from themselves, from
 * someone they block, or from someone they muted with notifications hidden. Repeats are ignored.
 */
export async function notify(
  ctx: Ctx,
  n: { accountId: string; fromAccountId: string; type: NotificationType; statusId?: string | null },
): Promise<void> {
  if (n.accountId === n.fromAccountId) return;
  const [target] = await ctx.db.select({ domain: accounts.domain }).from(accounts).where(eq(accounts.id, n.accountId));
  if (!target || target.domain !== null) return;
  const [blocked] = await ctx.db
    .select({ id: blocks.id })
    .from(blocks)
    .where(
      or(
        and(eq(blocks.accountId, n.accountId), eq(blocks.targetAccountId, n.fromAccountId)),
        and(eq(blocks.accountId, n.fromAccountId), eq(blocks.targetAccountId, n.accountId)),
      ),
    );
  if (blocked) return;
  const [muted] = await ctx.db
    .select({ id: mutes.id })
    .from(mutes)
    .where(
      and(
        eq(mutes.accountId, n.accountId),
        eq(mutes.targetAccountId, n.fromAccountId),
        eq(mutes.hideNotifications, true),
        or(isNull(mutes.expiresAt), gt(mutes.expiresAt, new Date())),
      ),
    );
  if (muted) return;
  await ctx.db
    .insert(notifications)
    .values({ id: newId(), accountId: n.accountId, fromAccountId: n.fromAccountId, type: n.type, statusId: n.statusId ?? null })
    .onConflictDoNothing();
}
