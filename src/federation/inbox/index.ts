// The inbox: one handler per activity type (or small group), registered on Fedify's inbox
// listeners. Fedify has already verified the sender before any of this runs: an HTTP signature
// (draft-cavage or RFC 9421) whose key belongs to the activity's actor, or a Linked Data
// signature / object integrity proof; anything else was answered 401 and never queued. The
// handlers run from the inbox queue (so a slow remote server never holds up the sender).
//
// Repeats: Fedify's queue worker records every processed activity id (one day) and skips it
// when it comes again, whichever inbox it came through; and every row an activity creates is
// unique by its uri or its pair of accounts, so even two copies processed at once change
// nothing twice.
import type { Federation, InboxListenerSetters } from "@fedify/fedify";
import { Accept, Add, Announce, Block, Create, Delete, EmojiReact, Flag, Follow, Like, Move, QuoteRequest, Reject, Remove, Undo, Update } from "@fedify/vocab";
import type { Ctx } from "../../domain/context.ts";
import { INSTANCE_ACTOR } from "../actor.ts";
import { rememberFederation } from "../resolve-context.ts";
import { logger } from "./common.ts";
import { onAccept, onFollow, onReject } from "./follow.ts";
import { onUndo } from "./undo.ts";
import { onCreate, onUpdate } from "./create.ts";
import { onDelete, onUnverifiedDelete } from "./delete.ts";
import { onAnnounce } from "./announce.ts";
import { onLike } from "./like.ts";
import { onBlock, onMove } from "./block.ts";
import { onFeatured, onFlag } from "./flag.ts";
import { onQuoteRequest } from "./quote-request.ts";
import { heldWhilePending } from "./hold.ts";

export function registerInbox(listeners: InboxListenerSetters<Ctx>, federation: Federation<Ctx>, ctx: Ctx): void {
  // The API routes resolve remote accounts and posts through this federation too.
  rememberFederation(ctx, federation);
  listeners
    // What the shared inbox fetches (the sender's key, a re-fetched object) is signed by the
    // instance actor; a personal inbox's fetches are signed by its owner (Fedify's default).
    .setSharedKeyDispatcher(() => ({ identifier: INSTANCE_ACTOR }))
    .withIdempotency("global")
    // Servers awaiting approval (approval-first mode): their activities are held, not handled.
    .on(Follow, heldWhilePending(onFollow))
    .on(Accept, heldWhilePending(onAccept))
    .on(Reject, heldWhilePending(onReject))
    .on(Undo, heldWhilePending(onUndo))
    .on(Create, heldWhilePending(onCreate))
    .on(Update, heldWhilePending(onUpdate))
    .on(Delete, heldWhilePending(onDelete))
    .on(Announce, heldWhilePending(onAnnounce))
    .on(Like, heldWhilePending(onLike))
    .on(EmojiReact, heldWhilePending(onLike))
    .on(Block, heldWhilePending(onBlock))
    .on(Move, heldWhilePending(onMove))
    .on(Flag, heldWhilePending(onFlag))
    .on(Add, heldWhilePending(onFeatured))
    .on(Remove, heldWhilePending(onFeatured))
    .on(QuoteRequest, heldWhilePending(onQuoteRequest))
    .onUnverifiedActivity(onUnverifiedDelete)
    .onError((_ictx, error) => {
      logger.error("Inbox handler failed (Fedify retries it): {error}", { error });
    });
}
