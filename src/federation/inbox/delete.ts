// Delete of a post (only by its author) and of an actor. A deleted actor keeps its accounts row,
// marked suspended, so that its uri cannot be taken over and its id stays stable; its posts,
// the boosts of them, and every follow and request involving it go.
import type { RequestContext, UnverifiedActivityReason } from "@fedify/fedify";
import { Delete, type Activity } from "@fedify/vocab";
import { eq, or } from "drizzle-orm";
import { accounts, followRequests, follows } from "../../db/schema/index.ts";
import type { Db } from "../../db/client.ts";
import type { Ctx } from "../../domain/context.ts";
import { deleteFollow } from "../../domain/follows/graph.ts";
import { deleteStatus } from "../../domain/statuses/delete.ts";
import { purgeStatusesOf } from "../../domain/statuses/purge.ts";
import { httpUrl } from "../mappers/common.ts";
import { classify, ignore, knownSender, logger, quiet, statusByUri, type AccountRow, type InboxCtx } from "./common.ts";

export async function removeRemoteAccount(ctx: Ctx, account: AccountRow): Promise<void> {
  if (account.domain === null) return;
  await ctx.db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    await db.update(accounts).set({ suspendedAt: account.suspendedAt ?? new Date(), statusesCount: 0 }).where(eq(accounts.id, account.id));
    // Its posts go, and the boosts of them (by anyone) with them (and the boosters' counts).
    await purgeStatusesOf(db, [account.id]);
    const pairs = await db
      .select({ a: follows.accountId, t: follows.targetAccountId })
      .from(follows)
      .where(or(eq(follows.accountId, account.id), eq(follows.targetAccountId, account.id)));
    for (const p of pairs) await deleteFollow(db, p.a, p.t);
    await db.delete(followRequests).where(or(eq(followRequests.accountId, account.id), eq(followRequests.targetAccountId, account.id)));
  });
  logger.info("Removed the content of deleted account {uri}", { uri: account.uri });
}

export async function onDelete(ictx: InboxCtx, activity: Delete): Promise<void> {
  const c = await classify(ictx, activity, "Delete");
  if (!c) return;
  const actor = await knownSender(ictx, c);
  if (!actor) return;
  const ctx = ictx.data;
  if (c.target === "actor") return removeRemoteAccount(ctx, actor);
  const row = await statusByUri(ctx, c.object);
  if (!row) return ignore(c, "a post we do not have");
  if (row.accountId !== actor.id) return ignore(c, "only the author can delete a post");
  await deleteStatus(quiet(ctx), row);
}

/**
 * A deleted actor's Delete of itself cannot be verified: its key went with it. When fetching
 * the key got 410 Gone from the actor's own document, the origin has told us what the Delete
 * says, so it is honoured (and answered 202, so that the sender stops retrying).
 */
export async function onUnverifiedDelete(rctx: RequestContext<Ctx>, activity: Activity, reason: UnverifiedActivityReason): Promise<Response | void> {
  if (!(activity instanceof Delete) || reason.type !== "keyFetchError" || !("status" in reason.result) || reason.result.status !== 410) return;
  const actor = httpUrl(activity.actorId);
  if (actor === null || httpUrl(activity.objectId) !== actor || reason.keyId.href.replace(/#.*$/, "") !== actor) return;
  const [account] = await rctx.data.db.select().from(accounts).where(eq(accounts.uri, actor));
  if (account?.domain) await removeRemoteAccount(rctx.data, account);
  return new Response(null, { status: 202 });
}
