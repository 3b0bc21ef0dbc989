// What the domain tells the rest of the system after a change is committed. The federation
// outbox turns these into activities; the domain itself knows nothing of ActivityPub.
// Events that follow a deletion carry what delivery needs, because the rows are gone by the
// time the event is handled (the outbox handles events later, from a durable queue).
import type { Audience } from "../db/schema/statuses.ts";

export type DomainEvent =
  | { type: "status.created"; statusId: string }
  | { type: "status.updated"; statusId: string }
  /**
   * recipientAccountIds: the accounts the post mentioned (a mention is what let them see it).
   * circleId, circleDomains: for a circle post, the circle it was addressed to and its member
   * servers when it was deleted (only their followers had it). Events queued before these
   * fields existed lack them.
   */
  | {
      type: "status.deleted";
      statusId: string;
      uri: string;
      accountId: string;
      audience: Audience;
      localOnly: boolean;
      recipientAccountIds: string[];
      circleId?: string | null;
      circleDomains?: string[];
    }
  | { type: "reblog.created"; statusId: string }
  | { type: "reblog.deleted"; statusId: string; uri: string; accountId: string; reblogOfId: string; audience: Audience; localOnly: boolean }
  | { type: "favourite.created"; favouriteId: string; accountId: string; statusId: string }
  | { type: "favourite.deleted"; favouriteId: string; accountId: string; statusId: string }
  /** only for remote targets: the follow_requests row keeps `uri`, the id of our Follow */
  | { type: "follow.requested"; accountId: string; targetAccountId: string; uri: string }
  /** accountId stopped following (or withdrew the request to) targetAccountId */
  | { type: "follow.undone"; accountId: string; targetAccountId: string; uri: string | null }
  /** targetAccountId (local) accepted accountId's request */
  | { type: "follow.accepted"; accountId: string; targetAccountId: string; uri: string | null }
  /** targetAccountId (local) refused accountId's request or removed them from its followers */
  | { type: "follow.rejected"; accountId: string; targetAccountId: string; uri: string | null }
  | { type: "block.created"; blockId: string; accountId: string; targetAccountId: string; uri: string | null }
  | { type: "block.deleted"; blockId: string; accountId: string; targetAccountId: string; uri: string | null }
  | { type: "account.updated"; accountId: string }
  /**
   * a local account was deleted: its rows (keys included) are gone, so the event carries the
   * private keys to sign the Delete with and the inboxes of every server that knew it
   */
  | { type: "account.deleted"; accountId: string; username: string; keys: { type: string; privateKeyJwk: JsonWebKey }[]; recipients: { actorUri: string; inbox: string }[] }
  /** the instance actor follows a relay (Follow of as:Public, as Mastodon does) */
  | { type: "relay.follow"; relayId: string; inboxUrl: string }
  /** the instance actor leaves a relay; the row is gone, so the event carries what the Undo names */
  | { type: "relay.unfollow"; inboxUrl: string; actorUri: string | null; followActivityId: string };

export type EventSink = { emit(event: DomainEvent): Promise<void> };

/** Until federation is wired, events go nowhere. */
export const NO_EVENTS: EventSink = { emit: async () => {} };
