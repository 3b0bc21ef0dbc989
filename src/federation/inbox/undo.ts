// Undo of a Follow, Like / EmojiReact, Announce or Block. The undone activity is usually
// embedded (its type and object say what to remove); when only its id is sent, the rows that
// kept an activity id (follows, requests, boosts, blocks) are searched for it. Only the actor
// who did something can undo it: classifyActivity refuses an Undo of someone else's activity,
// and every lookup below is limited to the sender's own rows.
import type { Undo } from "@fedify/vocab";
import { and, eq, isNotNull, or } from "drizzle-orm";
import { blocks, followRequests, follows, statuses } from "../../db/schema/index.ts";
import { deleteFollow, deleteFollowRequest } from "../../domain/follows/graph.ts";
import { deleteStatus } from "../../domain/statuses/delete.ts";
import { classify, ignore, knownSender, localAccountByUri, quiet, statusByUri, type AccountRow, type InboxCtx } from "./common.ts";
import { removeLike } from "./like.ts";

async function undoFollow(ictx: InboxCtx, actor: AccountRow, uri: string | null, object: string | null): Promise<boolean> {
  const ctx = ictx.data;
  let target = await localAccountByUri(ctx, object);
  if (!target && uri) {
    const [row] = await ctx.db
      .select({ t: follows.targetAccountId })
      .from(follows)
      .where(and(eq(follows.accountId, actor.id), eq(follows.uri, uri)))
      .union(ctx.db.select({ t: followRequests.targetAccountId }).from(followRequests).where(and(eq(followRequests.accountId, actor.id), eq(followRequests.uri, uri))));
    target = row ? { id: row.t } as AccountRow : null;
  }
  if (!target) return false;
  const targetId = target.id;
  const [withdrawn, removed] = await ctx.db.transaction(async (tx) => [await deleteFollowRequest(tx, actor.id, targetId), await deleteFollow(tx, actor.id, targetId)]);
  return withdrawn || removed;
}

async function undoAnnounce(ictx: InboxCtx, actor: AccountRow, uri: string | null, object: string | null): Promise<boolean> {
  const ctx = ictx.data;
  const original = await statusByUri(ctx, object);
  const match = or(uri ? eq(statuses.uri, uri) : undefined, original ? eq(statuses.reblogOfId, original.id) : undefined);
  if (!match) return false;
  const [boost] = await ctx.db
    .select()
    .from(statuses)
    .where(and(eq(statuses.accountId, actor.id), isNotNull(statuses.reblogOfId), match));
  if (!boost) return false;
  await deleteStatus(quiet(ctx), boost);
  return true;
}

async function undoBlock(ictx: InboxCtx, actor: AccountRow, uri: string | null, object: string | null): Promise<boolean> {
  const ctx = ictx.data;
  const target = await localAccountByUri(ctx, object);
  const match = or(uri ? eq(blocks.uri, uri) : undefined, target ? eq(blocks.targetAccountId, target.id) : undefined);
  if (!match) return false;
  const gone = await ctx.db.delete(blocks).where(and(eq(blocks.accountId, actor.id), match)).returning({ id: blocks.id });
  return gone.length > 0;
}

export async function onUndo(ictx: InboxCtx, activity: Undo): Promise<void> {
  const c = await classify(ictx, activity, "Undo");
  if (!c) return;
  const actor = await knownSender(ictx, c);
  if (!actor) return;
  const uri = c.object.uri ?? null;
  const object = c.undoneObject;
  let done = false;
  switch (c.undoneType) {
    case "Follow":
      done = await undoFollow(ictx, actor, uri, object);
      break;
    case "Like":
    case "EmojiReact":
      done = await removeLike(ictx, actor.id, object);
      break;
    case "Announce":
      done = await undoAnnounce(ictx, actor, uri, object);
      break;
    case "Block":
      done = await undoBlock(ictx, actor, uri, object);
      break;
    case null:
      // Only the id was sent: whichever of our rows kept it.
      done = (await undoFollow(ictx, actor, uri, null)) || (await undoAnnounce(ictx, actor, uri, null)) || (await undoBlock(ictx, actor, uri, null));
      break;
    default:
      return ignore(c, `Undo of ${c.undoneType} is not handled`);
  }
  if (!done) ignore(c, "nothing matched (already undone?)");
}

