// The outbox: domain events -> activities -> Fedify's durable delivery queues.
//
// emit() only writes the event to a queue of its own ("events", in the same table as Fedify's
// queues): the user's request never waits for recipient lists, gate checks or DNS, and an event
// survives a crash once emit() has returned. A worker (startWorkers) turns each event into
// activities (./activities.ts), decides recipients through the audience gate (./recipients.ts)
// and hands them to Fedify's sendActivity, whose fanout and outbox queues deliver and retry.
// Give-ups Fedify reports (permanent HTTP failures, circuit-breaker drops), give-ups after the
// last retry and inboxes we refuse to post to are recorded in delivery_failures; ./guard.ts
// checks each queued delivery once more right before Fedify posts it.
import { getLogger } from "@logtape/logtape";
import type { Ctx } from "../../domain/context.ts";
import type { DomainEvent, EventSink } from "../../domain/events.ts";
import type { Db } from "../../db/client.ts";
import { serverStanding } from "../../domain/federation-policy/standing.ts";
import { newId } from "../../lib/id.ts";
import type { CaracolFederation } from "../federation.ts";
import { DrizzleMessageQueue } from "../queue.ts";
import { activitiesFor } from "./activities.ts";
import { exchangesWith } from "./recipients.ts";
import { recordDeliveryFailure } from "./failures.ts";

const logger = getLogger(["caracol", "federation", "outbox"]);

export const EVENTS_QUEUE = "events";
/** every queue in the table: Fedify's three (src/federation/federation.ts) and ours */
const QUEUES = ["inbox", "outbox", "fanout", EVENTS_QUEUE];

type Queued = { id: string; event: DomainEvent };

export type Outbox = { sink: EventSink; work(signal: AbortSignal): Promise<void> };

/** Events about one subject are handled in order (a Delete never overtakes its Create). */
function orderingKeyOf(e: DomainEvent): string {
  switch (e.type) {
    case "status.created":
    case "status.updated":
    case "status.deleted":
    case "reblog.created":
    case "reblog.deleted":
      return `status:${e.statusId}`;
    case "favourite.created":
    case "favourite.deleted":
      return `favourite:${e.accountId}:${e.statusId}`;
    case "account.updated":
    case "account.deleted":
      return `account:${e.accountId}`;
    case "relay.follow":
    case "relay.unfollow":
      return `relay:${e.inboxUrl}`;
    default:
      return `pair:${[e.accountId, e.targetAccountId].sort().join(":")}`;
  }
}

/**
 * Queues an event straight into the database, for callers without a running outbox (the CLI
 * with the server stopped opens the database alone): the server's worker sends it when it runs.
 */
export async function enqueueEvent(db: Db, event: DomainEvent): Promise<void> {
  await new DrizzleMessageQueue(db, { name: EVENTS_QUEUE }).enqueue({ id: newId(), event } satisfies Queued, { orderingKey: orderingKeyOf(event) });
}

export function createOutbox(ctx: Ctx, federation: CaracolFederation): Outbox {
  const queue = new DrizzleMessageQueue(ctx.db, { name: EVENTS_QUEUE, concurrency: 4 });

  federation.setOutboxPermanentFailureHandler(async (_fctx, v) => {
    await recordDeliveryFailure(ctx, {
      activityId: v.activity.id?.href ?? null,
      activityType: v.activity.constructor.name,
      inbox: v.inbox.href,
      actorIds: v.actorIds.map((a) => a.href),
      reason: v.reason,
      statusCode: v.statusCode || null,
      error: v.error.message,
    });
  });

  const sink: EventSink = {
    async emit(event) {
      try {
        await queue.enqueue({ id: newId(), event } satisfies Queued, { orderingKey: orderingKeyOf(event) });
      } catch (error) {
        // The change is committed: failing the user's request now would misreport it.
        logger.error("Could not queue {type} for federation: {error}", { type: event.type, error });
      }
    },
  };

  async function handle(message: Queued): Promise<void> {
    const fctx = federation.createContext(new URL(ctx.config.origin), ctx);
    for (const o of await activitiesFor(fctx, message.event, message.id)) {
      for (const r of o.refused) {
        await recordDeliveryFailure(ctx, {
          activityId: o.activity.id?.href ?? null,
          activityType: o.activity.constructor.name,
          inbox: r.inbox,
          actorIds: [r.actorId],
          reason: "forbidden_address",
        });
      }
      for (const w of o.withheld ?? []) {
        await recordDeliveryFailure(ctx, {
          activityId: o.activity.id?.href ?? null,
          activityType: o.activity.constructor.name,
          inbox: w.inbox,
          actorIds: [w.actorId],
          reason: "author_blocks_server",
          error: w.why,
        });
      }
      // Once more right before handing over: a large fan-out takes a while to decide, and a
      // domain suspended meanwhile should not even be queued. (Queued deliveries are checked
      // again before each POST by ./guard.ts.)
      const deliveries = [];
      for (const d of o.deliveries) if (exchangesWith(await serverStanding(ctx, d.inbox.host))) deliveries.push(d);
      if (deliveries.length === 0) continue;
      await fctx.sendActivity(
        typeof o.sender === "string" ? { identifier: o.sender } : o.sender,
        deliveries.map((d) => ({ id: d.actorId, inboxId: d.inbox, endpoints: null })),
        o.activity,
        { preferSharedInbox: true, orderingKey: o.orderingKey, excludeBaseUris: [new URL(ctx.config.origin)] },
      );
    }
  }

  return { sink, work: (signal) => queue.listen(handle, { signal }) };
}

/**
 * Makes every claimed queue message claimable again. Only for start-up of the embedded server,
 * which holds the data directory's lock and so is the only worker: whatever was claimed before
 * belonged to a process that is gone (killed mid-delivery), and waiting out its 30 s leases
 * would only delay the resumed deliveries. With PostgreSQL several workers may share the
 * queues, so there the leases simply expire.
 */
export async function releaseStaleLeases(db: Db): Promise<number> {
  let released = 0;
  for (const name of QUEUES) released += await new DrizzleMessageQueue(db, { name }).releaseAllLeases();
  return released;
}
