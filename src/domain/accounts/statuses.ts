// The rows behind an account's list of posts (GET /api/v1/accounts/:id/statuses). Only the
// query lives here; which rows a viewer sees is decided by the gate afterwards.
import { and, eq, exists, isNull, or, sql, type SQL } from "drizzle-orm";
import { mediaAttachments, pins, statuses, statusTags, tags } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { pageBy, type PageParams } from "../../db/paginate.ts";

export type AccountStatusFilters = { pinned: boolean; excludeReplies: boolean; excludeReblogs: boolean; onlyMedia?: boolean; tagged?: string };

export async function accountStatusRows(ctx: Ctx, accountId: string, f: AccountStatusFilters, page: PageParams) {
  const p = pageBy(statuses.id, page);
  const conds: (SQL | undefined)[] = [eq(statuses.accountId, accountId), p.where];
  // As Mastodon: replies go, but a thread of one's own posts (self-replies) stays.
  if (f.excludeReplies) conds.push(or(isNull(statuses.inReplyToId), eq(statuses.inReplyToAccountId, statuses.accountId)));
  if (f.excludeReblogs) conds.push(isNull(statuses.reblogOfId));
  if (f.pinned) {
    conds.push(exists(ctx.db.select({ x: sql`1` }).from(pins).where(and(eq(pins.statusId, statuses.id), eq(pins.accountId, accountId)))));
  }
  // As Mastodon: the post itself must carry media, so boosts (which carry none) are left out.
  if (f.onlyMedia) conds.push(exists(ctx.db.select({ x: sql`1` }).from(mediaAttachments).where(eq(mediaAttachments.statusId, statuses.id))));
  if (f.tagged) {
    const tagged = f.tagged.replace(/^#/, "");
    conds.push(
      exists(
        ctx.db
          .select({ x: sql`1` })
          .from(statusTags)
          .innerJoin(tags, eq(tags.id, statusTags.tagId))
          .where(and(eq(statusTags.statusId, statuses.id), sql`lower(${tags.name}) = lower(${tagged})`)),
      ),
    );
  }
  const rows = await ctx.db.select().from(statuses).where(and(...conds)).orderBy(p.orderBy).limit(page.limit);
  return rows.map((status) => ({ status, cursor: status.id }));
}
