// What one account's ties to others are, in a few batched queries (Mastodon's Relationship).
import { and, eq, inArray } from "drizzle-orm";
import { accountNotes, blocks, followRequests, follows, mutes } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { activeMute } from "./mutes.ts";

export type RelationshipFacts = {
  id: string;
  following: boolean;
  showingReblogs: boolean;
  notifying: boolean;
  languages: string[] | null;
  followedBy: boolean;
  blocking: boolean;
  blockedBy: boolean;
  muting: boolean;
  mutingNotifications: boolean;
  mutingExpiresAt: Date | null;
  requested: boolean;
  requestedBy: boolean;
  note: string;
};

export async function relationshipsOf(ctx: Ctx, meId: string, targetIds: readonly string[]): Promise<RelationshipFacts[]> {
  const ids = [...new Set(targetIds)];
  if (ids.length === 0) return [];
  const db = ctx.db;
  const [out, inFollows, outReq, inReq, outBlocks, inBlocks, myMutes, notes] = await Promise.all([
    db.select().from(follows).where(and(eq(follows.accountId, meId), inArray(follows.targetAccountId, ids))),
    db.select({ id: follows.accountId }).from(follows).where(and(eq(follows.targetAccountId, meId), inArray(follows.accountId, ids))),
    db.select().from(followRequests).where(and(eq(followRequests.accountId, meId), inArray(followRequests.targetAccountId, ids))),
    db.select({ id: followRequests.accountId }).from(followRequests).where(and(eq(followRequests.targetAccountId, meId), inArray(followRequests.accountId, ids))),
    db.select({ id: blocks.targetAccountId }).from(blocks).where(and(eq(blocks.accountId, meId), inArray(blocks.targetAccountId, ids))),
    db.select({ id: blocks.accountId }).from(blocks).where(and(eq(blocks.targetAccountId, meId), inArray(blocks.accountId, ids))),
    db.select().from(mutes).where(and(eq(mutes.accountId, meId), inArray(mutes.targetAccountId, ids), activeMute())),
    db.select().from(accountNotes).where(and(eq(accountNotes.accountId, meId), inArray(accountNotes.targetAccountId, ids))),
  ]);
  const followBy = new Map(out.map((r) => [r.targetAccountId, r]));
  const requestBy = new Map(outReq.map((r) => [r.targetAccountId, r]));
  const muteBy = new Map(myMutes.map((r) => [r.targetAccountId, r]));
  const noteBy = new Map(notes.map((r) => [r.targetAccountId, r.comment]));
  const set = (rows: { id: string }[]) => new Set(rows.map((r) => r.id));
  const [followedBy, requestedBy, blocking, blockedBy] = [set(inFollows), set(inReq), set(outBlocks), set(inBlocks)];
  return ids.map((id) => {
    // A pending request carries the options the follow will have once accepted.
    const f = followBy.get(id) ?? requestBy.get(id);
    const m = muteBy.get(id);
    return {
      id,
      following: followBy.has(id),
      showingReblogs: f?.showReblogs ?? false,
      notifying: f?.notify ?? false,
      languages: f?.languages ?? null,
      followedBy: followedBy.has(id),
      blocking: blocking.has(id),
      blockedBy: blockedBy.has(id),
      muting: !!m,
      mutingNotifications: m?.hideNotifications ?? false,
      mutingExpiresAt: m?.expiresAt ?? null,
      requested: requestBy.has(id),
      requestedBy: requestedBy.has(id),
      note: noteBy.get(id) ?? "",
    };
  });
}
