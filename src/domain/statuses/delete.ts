// Deleting one's own post (or boost). Boosts of it go with it; replies stay, pointing at a post
// that is gone, as in Mastodon. Rows that hang off the status (mentions, tags, favourites,
// bookmarks, pins, feed entries, notifications, edits) are removed by the foreign keys.
import { eq, inArray, sql } from "drizzle-orm";
import { accounts, circleMembers, mentions, statuses } from "../../db/schema/index.ts";
import type { Db } from "../../db/client.ts";
import type { Ctx } from "../context.ts";
import { COUNTED_REPLY_AUDIENCES, type StatusRow } from "./create.ts";
import { removeStatusMediaFiles, storageKeysOfStatus } from "../media/attach.ts";

const minusOne = (col: typeof accounts.statusesCount | typeof statuses.repliesCount | typeof statuses.reblogsCount) => sql`greatest(${col} - 1, 0)`;

export async function deleteStatus(ctx: Ctx, row: StatusRow): Promise<void> {
  // read before the rows go: the outbox tells the mentioned accounts' servers too
  const mentioned = (await ctx.db.select({ id: mentions.accountId }).from(mentions).where(eq(mentions.statusId, row.id))).map((m) => m.id);
  // and a circle post's member servers: the Delete goes to followers there, as the post did,
  // even if the circle changes before the outbox gets to the event
  const circleDomains =
    row.audience === "circle" && row.circleId
      ? (await ctx.db.select({ domain: circleMembers.domain }).from(circleMembers).where(eq(circleMembers.circleId, row.circleId))).map((m) => m.domain)
      : [];
  // the media rows go with the status (foreign key); their files are removed right after
  const mediaKeys = await storageKeysOfStatus(ctx, row.id);
  await ctx.db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    const boosts = await db.select({ id: statuses.id, accountId: statuses.accountId }).from(statuses).where(eq(statuses.reblogOfId, row.id));
    if (boosts.length) {
      await db.delete(statuses).where(inArray(statuses.id, boosts.map((b) => b.id)));
      await db
        .update(accounts)
        .set({ statusesCount: minusOne(accounts.statusesCount) })
        .where(inArray(accounts.id, boosts.map((b) => b.accountId)));
    }
    await db.delete(statuses).where(eq(statuses.id, row.id));
    if (row.audience !== "direct") {
      await db.update(accounts).set({ statusesCount: minusOne(accounts.statusesCount) }).where(eq(accounts.id, row.accountId));
    }
    if (row.inReplyToId && COUNTED_REPLY_AUDIENCES.has(row.audience)) {
      await db.update(statuses).set({ repliesCount: minusOne(statuses.repliesCount) }).where(eq(statuses.id, row.inReplyToId));
    }
    if (row.reblogOfId) {
      await db.update(statuses).set({ reblogsCount: minusOne(statuses.reblogsCount) }).where(eq(statuses.id, row.reblogOfId));
    }
  });
  await removeStatusMediaFiles(ctx, mediaKeys);
  const { id: statusId, uri, accountId, audience, localOnly, circleId } = row;
  await ctx.events.emit(
    row.reblogOfId
      ? { type: "reblog.deleted", statusId, uri, accountId, reblogOfId: row.reblogOfId, audience, localOnly }
      : { type: "status.deleted", statusId, uri, accountId, audience, localOnly, recipientAccountIds: mentioned, circleId, circleDomains },
  );
}
