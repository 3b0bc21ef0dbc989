// Domain events -> activities, each with the deliveries the gate allows. Activity ids are
// stable (derived from the row, or from the queued event's own id when there is no row), so a
// re-handled event or a retried delivery repeats the same id and the receiver can deduplicate.
import type { Context, RequestContext, SenderKeyPair } from "@fedify/fedify";
import { Accept, Announce, Block, Create, Delete, Follow, Like, Reject, Tombstone, Undo, Update, type Activity } from "@fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";
import { and, eq, isNull } from "drizzle-orm";
import { accounts, mentions, statuses } from "../../db/schema/index.ts";
import type { Ctx } from "../../domain/context.ts";
import type { DomainEvent } from "../../domain/events.ts";
import { filterVisibleStatuses, statusFacts, type GateStatus } from "../../domain/audience/facts.ts";
import { canViewStatus, isOpenToEveryone } from "../../domain/audience/gate.ts";
import { addressingFor, statusToNote } from "../note.ts";
import { localActor } from "../actor.ts";
import { deliveriesFor, remoteAccounts, remoteFollowers, type Delivery, type Refusal, type RemoteViewer } from "./recipients.ts";
import { honourAuthorsBlocks, type Withheld } from "./consent.ts";
import { relayable, relayDeliveries, relayFollowActivity } from "./relay-activities.ts";
import { accountDeletion } from "./account-deletion.ts";

/** `withheld`: deliveries left out because an author whose content it carries is blocked there (./consent.ts). */
export type Outgoing = { /** an identifier, or the keys themselves (a deleted account has no row to look them up) */ sender: string | SenderKeyPair[]; activity: Activity; deliveries: Delivery[]; refused: Refusal[]; orderingKey: string; withheld?: Withheld[] };
type F = Context<Ctx>;
type StatusRow = typeof statuses.$inferSelect;

async function localAccount(ctx: Ctx, id: string) {
  const [row] = await ctx.db
    .select({ id: accounts.id, username: accounts.username })
    .from(accounts)
    .where(and(eq(accounts.id, id), isNull(accounts.domain), isNull(accounts.suspendedAt)));
  return row ?? null;
}

async function status(ctx: Ctx, id: string): Promise<StatusRow | null> {
  const [row] = await ctx.db.select().from(statuses).where(eq(statuses.id, id));
  return row ?? null;
}

async function seesAll(ctx: Ctx, viewer: RemoteViewer, rows: GateStatus[]): Promise<boolean> {
  return (await filterVisibleStatuses(ctx, viewer, rows)).length === rows.length;
}

const instant = (d: Date) => Temporal.Instant.from(d.toISOString()) as never;

/** Create or Update of a local post, to whoever the gate lets see it. */
async function noteActivity(fctx: F, s: StatusRow, kind: "create" | "update", eventId: string): Promise<Outgoing[]> {
  const ctx = fctx.data;
  const author = await localAccount(ctx, s.accountId);
  if (!author || s.reblogOfId) return [];
  const note = await statusToNote(fctx, s, author.username);
  if (!note) return []; // local-only and local audiences are never federated
  const mentioned = (await ctx.db.select({ id: mentions.accountId }).from(mentions).where(eq(mentions.statusId, s.id))).map((m) => m.id);
  const candidates = [...(await remoteFollowers(ctx, author.id)), ...(await remoteAccounts(ctx, [...mentioned, s.inReplyToAccountId]))];
  const chosen = withRelays(await deliveriesFor(ctx, candidates, (viewer) => seesAll(ctx, viewer, [s])), relayable(s) ? await relayDeliveries(ctx) : null);
  // a reply carries the thread it answers: where its author's server would not send, neither do we
  const { deliveries, withheld } = await honourAuthorsBlocks(ctx, s.inReplyToAccountId !== s.accountId ? [s.inReplyToAccountId] : [], chosen.deliveries);
  const refused = chosen.refused;
  const common = { actor: fctx.getActorUri(author.username), object: note, tos: note.toIds, ccs: note.ccIds };
  const activity =
    kind === "create"
      ? new Create({ ...common, id: new URL(`${s.uri}/activity`), published: instant(s.createdAt) })
      : new Update({ ...common, id: new URL(`${s.uri}#updates/${eventId}`), updated: instant(s.editedAt ?? new Date()) });
  return [{ sender: author.username, activity, deliveries, refused, orderingKey: s.uri, withheld }];
}

async function deletedNote(fctx: F, e: Extract<DomainEvent, { type: "status.deleted" }>): Promise<Outgoing[]> {
  const ctx = fctx.data;
  const author = await localAccount(ctx, e.accountId);
  if (!author) return [];
  const mentionedAccounts = await remoteAccounts(ctx, e.recipientAccountIds);
  // addressed as the post was: a circle post to its circle (without the id, addressingFor
  // gives up on it and the Delete would go nowhere)
  const addressing = addressingFor({ ...e, circleId: e.circleId ?? null }, fctx.getFollowersUri(author.username), mentionedAccounts.map((a) => new URL(a.uri)));
  if (!addressing) return [];
  // The row and its mentions are gone: the gate decides on the facts it can still gather, with
  // the mentions and circle members the event carried in place of the deleted rows. (No
  // circleId here: the members come from the event, not from the circle as it is now.)
  const gone: GateStatus = { id: e.statusId, accountId: e.accountId, audience: e.audience, localOnly: e.localOnly, circleId: null };
  const wasMentioned = new Set(e.recipientAccountIds);
  const circleDomains = e.circleDomains ?? [];
  const candidates = [...(await remoteFollowers(ctx, author.id)), ...mentionedAccounts];
  const chosen = await deliveriesFor(ctx, candidates, async (viewer) => {
    const facts = (await statusFacts(ctx, viewer, [gone])).get(gone.id)!;
    return canViewStatus(viewer, { ...facts, circleDomains, viewerIsMentioned: wasMentioned.has(viewer.accountId ?? "") });
  });
  // relays had the post if it was public: they and their subscribers should drop it too
  const { deliveries, refused } = withRelays(chosen, isOpenToEveryone(e) ? await relayDeliveries(ctx) : null);
  const activity = new Delete({
    id: new URL(`${e.uri}#delete`),
    actor: fctx.getActorUri(author.username),
    object: new Tombstone({ id: new URL(e.uri) }),
    tos: addressing.to,
    ccs: addressing.cc,
  });
  return [{ sender: author.username, activity, deliveries, refused, orderingKey: e.uri }];
}

/** Adds relay deliveries to an inbox list (one delivery per inbox). */
function withRelays(chosen: { deliveries: Delivery[]; refused: Refusal[] }, relay: { deliveries: Delivery[]; refused: Refusal[] } | null) {
  if (!relay) return chosen;
  const inboxes = new Set(chosen.deliveries.map((d) => d.inbox.href));
  return { deliveries: [...chosen.deliveries, ...relay.deliveries.filter((d) => !inboxes.has(d.inbox.href))], refused: [...chosen.refused, ...relay.refused] };
}

/** Announce (or its Undo): only where both the boost and the boosted post may be seen. */
async function boostActivity(fctx: F, boost: GateStatus & { uri: string; createdAt?: Date }, originalId: string, undo: boolean): Promise<Outgoing[]> {
  const ctx = fctx.data;
  const booster = await localAccount(ctx, boost.accountId);
  const original = await status(ctx, originalId);
  if (!booster || !original) return [];
  const [originalAuthor] = await remoteAccounts(ctx, [original.accountId]);
  const authorUri = originalAuthor ? new URL(originalAuthor.uri) : fctx.getActorUri((await localAccount(ctx, original.accountId))?.username ?? "");
  const addressing = addressingFor(boost, fctx.getFollowersUri(booster.username), [authorUri]);
  if (!addressing) return [];
  const candidates = [...(await remoteFollowers(ctx, booster.id)), ...(originalAuthor ? [originalAuthor] : [])];
  // for an Undo the boost row is gone; the gate needs only its audience columns, which remain
  const chosen = await deliveriesFor(ctx, candidates, (viewer) => seesAll(ctx, viewer, [boost, original]));
  // An Announce carries the original to new servers: its author's server's blocks apply. The
  // Undo goes wherever the Announce may have gone (it retracts, it carries nothing).
  const { deliveries, withheld } = undo ? { deliveries: chosen.deliveries, withheld: [] } : await honourAuthorsBlocks(ctx, [original.accountId], chosen.deliveries);
  const refused = chosen.refused;
  const actor = fctx.getActorUri(booster.username);
  const announce = new Announce({
    id: new URL(boost.uri),
    actor,
    object: new URL(original.uri),
    tos: addressing.to,
    ccs: addressing.cc,
    published: boost.createdAt ? instant(boost.createdAt) : null,
  });
  const activity = undo ? new Undo({ id: new URL(`${boost.uri}#undo`), actor, object: announce, tos: addressing.to, ccs: addressing.cc }) : announce;
  return [{ sender: booster.username, activity, deliveries, refused, orderingKey: boost.uri, withheld }];
}

async function likeActivity(fctx: F, e: Extract<DomainEvent, { type: "favourite.created" | "favourite.deleted" }>): Promise<Outgoing[]> {
  const ctx = fctx.data;
  const liker = await localAccount(ctx, e.accountId);
  const s = await status(ctx, e.statusId);
  if (!liker || !s) return [];
  const [author] = await remoteAccounts(ctx, [s.accountId]);
  if (!author) return [];
  const { deliveries, refused } = await deliveriesFor(ctx, [author], (viewer) => seesAll(ctx, viewer, [s]));
  const actor = fctx.getActorUri(liker.username);
  const to = [new URL(author.uri)];
  const like = new Like({ id: new URL(`${actor.href}/likes/${e.favouriteId}`), actor, object: new URL(s.uri), tos: to });
  const activity = e.type === "favourite.created" ? like : new Undo({ id: new URL(`${like.id!.href}#undo`), actor, object: like, tos: to });
  return [{ sender: liker.username, activity, deliveries, refused, orderingKey: like.id!.href }];
}

/**
 * Relationship activities (Follow, Accept, Reject, Block and their Undos) between a local actor
 * and one remote account: no content travels, so only our standing with its server matters.
 */
async function relationship(fctx: F, localId: string, remoteId: string, build: (actor: URL, remote: URL) => Activity): Promise<Outgoing[]> {
  const ctx = fctx.data;
  const me = await localAccount(ctx, localId);
  const [remote] = await remoteAccounts(ctx, [remoteId]);
  if (!me || !remote) return [];
  const { deliveries, refused } = await deliveriesFor(ctx, [remote], async () => true);
  const actor = fctx.getActorUri(me.username);
  return [{ sender: me.username, activity: build(actor, new URL(remote.uri)), deliveries, refused, orderingKey: `${actor.href} ${remote.uri}` }];
}

/** Update(Person) to followers' servers, shaped by the profile gate for each server's standing. */
async function profileUpdate(fctx: F, accountId: string, eventId: string): Promise<Outgoing[]> {
  const ctx = fctx.data;
  const me = await localAccount(ctx, accountId);
  if (!me) return [];
  const [account] = await ctx.db.select().from(accounts).where(eq(accounts.id, accountId));
  const { deliveries, refused } = await deliveriesFor(ctx, await remoteFollowers(ctx, accountId), async () => true);
  const out: Outgoing[] = [];
  for (const standing of [...new Set(deliveries.map((d) => d.standing))]) {
    // A server sees what any of its signed-in users may: accountId null, so followers-only parts
    // never reach a server that would show them to everyone there. localActor uses only the
    // Context half of RequestContext (URIs and keys).
    const viewer: RemoteViewer = { kind: "remote", accountId: null, domain: "", standing };
    const person = await localActor(fctx as RequestContext<Ctx>, account, viewer);
    const actor = fctx.getActorUri(me.username);
    const activity = new Update({ id: new URL(`${actor.href}#updates/${eventId}-${standing}`), actor, object: person, tos: [fctx.getFollowersUri(me.username)] });
    out.push({ sender: me.username, activity, deliveries: deliveries.filter((d) => d.standing === standing), refused, orderingKey: actor.href });
  }
  return out;
}

export async function activitiesFor(fctx: F, e: DomainEvent, eventId: string): Promise<Outgoing[]> {
  const ctx = fctx.data;
  switch (e.type) {
    case "status.created":
    case "status.updated": {
      const s = await status(ctx, e.statusId);
      return s ? noteActivity(fctx, s, e.type === "status.created" ? "create" : "update", eventId) : [];
    }
    case "status.deleted":
      return deletedNote(fctx, e);
    case "reblog.created": {
      const boost = await status(ctx, e.statusId);
      return boost?.reblogOfId ? boostActivity(fctx, boost, boost.reblogOfId, false) : [];
    }
    case "reblog.deleted":
      return boostActivity(fctx, { id: e.statusId, uri: e.uri, accountId: e.accountId, audience: e.audience, localOnly: e.localOnly, circleId: null }, e.reblogOfId, true);
    case "favourite.created":
    case "favourite.deleted":
      return likeActivity(fctx, e);
    case "follow.requested":
      return relationship(fctx, e.accountId, e.targetAccountId, (actor, object) => new Follow({ id: new URL(e.uri), actor, object, tos: [object] }));
    case "follow.undone":
      return relationship(fctx, e.accountId, e.targetAccountId, (actor, object) => {
        const follow = new Follow({ id: e.uri ? new URL(e.uri) : null, actor, object });
        return new Undo({ id: new URL(e.uri ? `${e.uri}#undo` : `${actor.href}#follows/${eventId}/undo`), actor, object: follow, tos: [object] });
      });
    case "follow.accepted":
    case "follow.rejected":
      // the local account is the target of the follow; the remote account asked
      return relationship(fctx, e.targetAccountId, e.accountId, (actor, follower) => {
        const follow = new Follow({ id: e.uri ? new URL(e.uri) : null, actor: follower, object: actor });
        const values = { actor, object: follow, tos: [follower] };
        return e.type === "follow.accepted"
          ? new Accept({ ...values, id: new URL(`${actor.href}#accepts/${eventId}`) })
          : new Reject({ ...values, id: new URL(`${actor.href}#rejects/${eventId}`) });
      });
    case "block.created":
    case "block.deleted":
      return relationship(fctx, e.accountId, e.targetAccountId, (actor, object) => {
        const block = new Block({ id: new URL(e.uri ?? `${actor.href}/blocks/${e.blockId}`), actor, object, tos: [object] });
        return e.type === "block.created" ? block : new Undo({ id: new URL(`${block.id!.href}#undo`), actor, object: block, tos: [object] });
      });
    case "account.updated":
      return profileUpdate(fctx, e.accountId, eventId);
    case "account.deleted":
      return accountDeletion(fctx, e);
    case "relay.follow":
    case "relay.unfollow":
      return relayFollowActivity(fctx, e);
  }
}
