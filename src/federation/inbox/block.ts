// Block of a local account by a remote one, and Move of a remote account.
//
// A Block cuts every tie both ways (follows and pending requests, with the counters) and is
// kept as a blocks row from the remote account to the local one, with the Block's id so that
// an Undo can find it. A Move is recorded when the new actor lists the old one in alsoKnownAs
// (otherwise anyone could claim anyone's followers); followers are not moved yet.
import type { Block, Move } from "@fedify/vocab";
import { accountMoves, blocks } from "../../db/schema/index.ts";
import { newId } from "../../lib/id.ts";
import { deleteFollow, deleteFollowRequest } from "../../domain/follows/graph.ts";
import { unmergeFromHome } from "../../domain/timelines/fanout.ts";
import { hostOf } from "../mappers/common.ts";
import { fetchActorRecord, isBlockedHost, isLocalUri, resolveRemoteAccount } from "../resolve.ts";
import { upsertRemoteAccount } from "../resolve-store.ts";
import { classify, ignore, localAccountByUri, logger, quiet, sender, type InboxCtx } from "./common.ts";

export async function onBlock(ictx: InboxCtx, activity: Block): Promise<void> {
  const c = await classify(ictx, activity, "Block");
  if (!c) return;
  const ctx = ictx.data;
  const target = await localAccountByUri(ctx, c.object);
  if (!target) return ignore(c, `${c.object} is not a local account`);
  const blocker = await sender(ictx, c);
  if (!blocker) return;
  await ctx.db.transaction(async (tx) => {
    await tx.insert(blocks).values({ id: newId(), accountId: blocker.id, targetAccountId: target.id, uri: c.id }).onConflictDoNothing();
    await deleteFollow(tx, blocker.id, target.id);
    await deleteFollow(tx, target.id, blocker.id);
    await deleteFollowRequest(tx, blocker.id, target.id);
    await deleteFollowRequest(tx, target.id, blocker.id);
  });
  await unmergeFromHome(quiet(ctx), target.id, blocker.id);
}

export async function onMove(ictx: InboxCtx, activity: Move): Promise<void> {
  const c = await classify(ictx, activity, "Move");
  if (!c) return;
  const ctx = ictx.data;
  const mover = await sender(ictx, c);
  if (!mover) return;
  let movedToAccountId: string | null = null;
  if (isLocalUri(ctx, c.target)) {
    // Moving here: our accounts do not list aliases yet, so the move is only recorded.
    movedToAccountId = (await localAccountByUri(ctx, c.target))?.id ?? null;
    if (!movedToAccountId) return ignore(c, `${c.target} is not a local account`);
  } else {
    if (await isBlockedHost(ctx, hostOf(c.target))) return ignore(c, "the new account's server is blocked");
    const record = await fetchActorRecord(ictx, c.target);
    if (!record || record.uri !== c.target) return ignore(c, "the new account could not be fetched");
    if (!record.alsoKnownAs.includes(mover.uri)) return ignore(c, "the new account does not list the old one in alsoKnownAs");
    movedToAccountId = (await upsertRemoteAccount(ctx, record))?.id ?? (await resolveRemoteAccount(ictx, c.target))?.id ?? null;
  }
  const values = { movedToUri: c.target, movedToAccountId, uri: c.id };
  await ctx.db
    .insert(accountMoves)
    .values({ accountId: mover.id, ...values })
    .onConflictDoUpdate({ target: accountMoves.accountId, set: values });
  logger.info("{from} moved to {to}; followers are not migrated automatically", { from: mover.uri, to: c.target });
}
