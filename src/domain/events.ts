// What the domain tells the rest of the system after a change is committed. The federation
// outbox turns these into activities; the domain itself knows nothing of ActivityPub.
export type DomainEvent =
  | { type: "status.created"; statusId: string }
  | { type: "status.updated"; statusId: string }
  /** the row is gone by the time this is handled, so the event carries what delivery needs */
  | { type: "status.deleted"; statusId: string; uri: string; accountId: string; audience: string; localOnly: boolean; recipientAccountIds: string[] }
  | { type: "reblog.created"; statusId: string }
  | { type: "reblog.deleted"; statusId: string; uri: string; accountId: string; reblogOfId: string }
  | { type: "favourite.created"; accountId: string; statusId: string }
  | { type: "favourite.deleted"; accountId: string; statusId: string }
  | { type: "follow.requested"; accountId: string; targetAccountId: string; uri: string }
  | { type: "follow.undone"; accountId: string; targetAccountId: string; uri: string | null }
  | { type: "follow.accepted"; accountId: string; targetAccountId: string; uri: string | null }
  | { type: "follow.rejected"; accountId: string; targetAccountId: string; uri: string | null }
  | { type: "block.created"; accountId: string; targetAccountId: string; uri: string }
  | { type: "block.deleted"; accountId: string; targetAccountId: string; uri: string | null }
  | { type: "account.updated"; accountId: string };

export type EventSink = { emit(event: DomainEvent): Promise<void> };

/** Until federation is wired, events go nowhere. */
export const NO_EVENTS: EventSink = { emit: async () => {} };
