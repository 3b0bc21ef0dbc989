// Follow of a local account, and Accept / Reject of the Follows we sent.
//
// A Follow of a locked account (every account is locked by default) becomes a follow request
// with the Follow's id kept, so that the Accept sent when the person approves can name it. An
// unlocked account is followed at once and answered with Accept; a server we limit always
// waits for approval. A Follow between accounts where either blocks the other is answered
// with Reject.
import type { Accept, Follow, Reject } from "@fedify/vocab";
import { and, eq, or } from "drizzle-orm";
import { followRequests, follows } from "../../db/schema/index.ts";
import { newId } from "../../lib/id.ts";
import { deleteFollow, deleteFollowRequest, insertFollow } from "../../domain/follows/graph.ts";
import { blockedEitherWay } from "../../domain/follows/follow.ts";
import { notify } from "../../domain/notifications/notify.ts";
import { mergeIntoHome, unmergeFromHome } from "../../domain/timelines/fanout.ts";
import { serverStanding } from "../../domain/federation-policy/standing.ts";
import type { ObjectRef } from "../mappers/activity.ts";
import { classify, ignore, localAccountByUri, quiet, sender, type InboxCtx } from "./common.ts";
import { answerFollow } from "./reply.ts";
import { relayAnswered } from "../relays.ts";

export async function onFollow(ictx: InboxCtx, activity: Follow): Promise<void> {
  const c = await classify(ictx, activity, "Follow");
  if (!c) return;
  const ctx = ictx.data;
  const target = await localAccountByUri(ctx, c.object);
  if (!target) return ignore(c, `${c.object} is not a local account`);
  const follower = await sender(ictx, c);
  if (!follower) return;
  if (await blockedEitherWay(ctx, follower.id, target.id)) {
    ignore(c, "a block stands between them: answered with Reject");
    return answerFollow(ictx, "Reject", target, follower, c.id);
  }
  const pair = (t: typeof follows | typeof followRequests) => and(eq(t.accountId, follower.id), eq(t.targetAccountId, target.id));
  // Already following: their server may have lost track, so Accept again, naming the newest Follow.
  const [existing] = await ctx.db.update(follows).set({ uri: c.id }).where(pair(follows)).returning({ id: follows.id });
  if (existing) return answerFollow(ictx, "Accept", target, follower, c.id);
  const limited = (await serverStanding(ctx, follower.domain ?? "")) === "limited";
  if (target.locked || limited) {
    const [pending] = await ctx.db.update(followRequests).set({ uri: c.id }).where(pair(followRequests)).returning({ id: followRequests.id });
    if (pending) return;
    const created = await ctx.db
      .insert(followRequests)
      .values({ id: newId(), accountId: follower.id, targetAccountId: target.id, uri: c.id })
      .onConflictDoNothing()
      .returning({ id: followRequests.id });
    if (created.length) await notify(quiet(ctx), { accountId: target.id, fromAccountId: follower.id, type: "follow_request" });
    return;
  }
  const created = await ctx.db.transaction((tx) => insertFollow(tx, follower.id, target.id, { showReblogs: true, notify: false, languages: null }, c.id));
  if (created) await notify(quiet(ctx), { accountId: target.id, fromAccountId: follower.id, type: "follow" });
  await answerFollow(ictx, "Accept", target, follower, c.id);
}

function refUri(ref: ObjectRef): string | null {
  return ref.uri ?? null;
}

/** Our pending request that an Accept/Reject by `targetId` answers: by the Follow's id, else by who followed. */
async function findOurRequest(ictx: InboxCtx, targetId: string, uri: string | null, followerUri: string | null) {
  const ctx = ictx.data;
  const follower = await localAccountByUri(ctx, followerUri);
  const byUri = uri ? eq(followRequests.uri, uri) : undefined;
  const byPair = follower ? eq(followRequests.accountId, follower.id) : undefined;
  if (!byUri && !byPair) return null;
  const [row] = await ctx.db
    .select()
    .from(followRequests)
    .where(and(eq(followRequests.targetAccountId, targetId), or(byUri, byPair)))
    .limit(1);
  return row ?? null;
}

export async function onAccept(ictx: InboxCtx, activity: Accept): Promise<void> {
  if (await relayAnswered(ictx.data, activity, "accepted")) return;
  const c = await classify(ictx, activity, "Accept");
  if (!c) return;
  const target = await sender(ictx, c);
  if (!target) return;
  const ctx = ictx.data;
  const req = await findOurRequest(ictx, target.id, refUri(c.object), c.followHint?.actor ?? null);
  if (!req) return ignore(c, "no pending follow request of ours matches");
  const created = await ctx.db.transaction(async (tx) => {
    await deleteFollowRequest(tx, req.accountId, target.id);
    return insertFollow(tx, req.accountId, target.id, { showReblogs: req.showReblogs, notify: req.notify, languages: req.languages }, req.uri);
  });
  if (created) await mergeIntoHome(quiet(ctx), req.accountId, target.id);
}

export async function onReject(ictx: InboxCtx, activity: Reject): Promise<void> {
  if (await relayAnswered(ictx.data, activity, "rejected")) return;
  const c = await classify(ictx, activity, "Reject");
  if (!c) return;
  const target = await sender(ictx, c);
  if (!target) return;
  const ctx = ictx.data;
  const uri = refUri(c.object);
  const req = await findOurRequest(ictx, target.id, uri, c.followHint?.actor ?? null);
  if (req) {
    await ctx.db.transaction((tx) => deleteFollowRequest(tx, req.accountId, target.id));
    return;
  }
  // A Reject of a follow they had accepted: they removed us from their followers.
  const follower = await localAccountByUri(ctx, c.followHint?.actor ?? null);
  if (!uri && !follower) return ignore(c, "names no follow");
  const [row] = await ctx.db
    .select()
    .from(follows)
    .where(and(eq(follows.targetAccountId, target.id), or(uri ? eq(follows.uri, uri) : undefined, follower ? eq(follows.accountId, follower.id) : undefined)))
    .limit(1);
  if (!row) return ignore(c, "no follow of ours matches");
  const removed = await ctx.db.transaction((tx) => deleteFollow(tx, row.accountId, target.id));
  if (removed) await unmergeFromHome(quiet(ctx), row.accountId, target.id);
}
