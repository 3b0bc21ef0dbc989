// A decorator around Fedify's outbox queue: the last word before each POST, and the place
// where give-ups become rows in delivery_failures.
//
// Fedify 2.3.6 has no per-delivery hook. It checks nothing between queueing a delivery and
// posting it, and after the last retry it only logs: onOutboxError gets the error but neither
// the inbox nor whether a retry follows. So the outbox queue's listen() runs each OutboxMessage
// inside an AsyncLocalStorage scope: before Fedify sees the message, the recipient's server is
// checked again (a suspension after the delivery was queued still stops it) and so is the
// inbox's address; while Fedify handles it, onOutboxError and the retry policy (both called
// within that scope) note the error and a policy that has no further retry, which is the
// give-up recorded once Fedify returns.
import { AsyncLocalStorage } from "node:async_hooks";
import { SendActivityError } from "@fedify/fedify";
import type { MessageQueue, MessageQueueEnqueueOptions, MessageQueueListenOptions, OutboxErrorHandler, RetryPolicy } from "@fedify/fedify";
import { getLogger } from "@logtape/logtape";
import { inArray } from "drizzle-orm";
import { accounts } from "../../db/schema/index.ts";
import type { Ctx } from "../../domain/context.ts";
import { serverStanding } from "../../domain/federation-policy/standing.ts";
import { exchangesWith, inboxAllowed } from "./recipients.ts";
import { recordDeliveryFailure, type DeliveryFailure } from "./failures.ts";

const logger = getLogger(["caracol", "federation", "outbox"]);

/**
 * The fields of Fedify's OutboxMessage we read. Fedify calls the message shape opaque, so it is
 * checked field by field (isOutboxMessage) and anything else passes through untouched.
 */
type OutboxDelivery = { type: "outbox"; inbox: string; activityId?: string; activityType: string; actorIds?: readonly string[] };
/** What happened to the delivery being handled, noted by Fedify's callbacks. */
type Attempt = { error: Error | null; gaveUp: boolean };

function isOutboxMessage(m: unknown): m is OutboxDelivery {
  const o = m as Partial<OutboxDelivery> | null;
  return o != null && typeof o === "object" && o.type === "outbox" && typeof o.inbox === "string" && typeof o.activityType === "string";
}

/** "https://www.w3.org/ns/activitystreams#Create" -> "Create", as the other rows name types. */
const shortType = (type: string) => type.replace(/^.*[#/]/, "") || type;

function failure(m: OutboxDelivery, reason: DeliveryFailure["reason"], rest: Partial<DeliveryFailure> = {}): DeliveryFailure {
  return { activityId: m.activityId ?? null, activityType: shortType(m.activityType), inbox: m.inbox, actorIds: [...(m.actorIds ?? [])], reason, ...rest };
}

/**
 * Why `m` must not be sent now, or null. The inbox's server and each recipient's server are
 * asked: by the actor id's host and by the domain we store for the account (they differ where a
 * server's accounts live on another host than its handles), so that neither can route around a
 * suspension.
 */
async function refusal(ctx: Ctx, m: OutboxDelivery): Promise<DeliveryFailure | null> {
  let inbox: URL;
  try {
    inbox = new URL(m.inbox);
  } catch {
    return failure(m, "forbidden_address", { error: "not a URL" });
  }
  const hosts = new Set([inbox.host]);
  const actorIds = [...(m.actorIds ?? [])];
  for (const id of actorIds) {
    try {
      hosts.add(new URL(id).host);
    } catch {
      // an unparsable actor id names no server; the inbox's host still decides
    }
  }
  if (actorIds.length > 0) {
    const rows = await ctx.db.select({ domain: accounts.domain }).from(accounts).where(inArray(accounts.uri, actorIds));
    for (const r of rows) if (r.domain) hosts.add(r.domain);
  }
  for (const host of hosts) {
    const standing = await serverStanding(ctx, host);
    if (!exchangesWith(standing)) return failure(m, "blocked_server", { error: `${host} is ${standing}` });
  }
  // Addresses are checked when deliveries are chosen; the name may point elsewhere by now.
  if (!(await inboxAllowed(ctx, inbox))) return failure(m, "forbidden_address", { error: "not a public address" });
  return null;
}

export type GuardedOutbox = {
  /** Fedify's outbox queue (pass as `queue.outbox`). */
  queue: MessageQueue;
  /** `outboxRetryPolicy`: the given policy, noting when it stops retrying. */
  retryPolicy: RetryPolicy;
  onOutboxError: OutboxErrorHandler;
};

export function guardOutbox(ctx: Ctx, inner: MessageQueue, policy: RetryPolicy): GuardedOutbox {
  const scope = new AsyncLocalStorage<Attempt>();

  const retryPolicy: RetryPolicy = (rc) => {
    const delay = policy(rc);
    // Fedify asks only after a failure that is neither permanent (404/410, its own handler)
    // nor a circuit-breaker drop; null means it gives up without telling anyone else.
    const attempt = scope.getStore();
    if (delay == null && attempt) attempt.gaveUp = true;
    return delay;
  };

  const onOutboxError: OutboxErrorHandler = (error) => {
    const attempt = scope.getStore();
    if (attempt) attempt.error = error;
  };

  async function handle(handler: (message: any) => Promise<void> | void, m: unknown): Promise<void> {
    if (!isOutboxMessage(m)) return handler(m);
    // A failure to check or to record throws: our queue retries the message later, and it is
    // neither sent unchecked nor dropped unrecorded.
    const refused = await refusal(ctx, m);
    if (refused) {
      await recordDeliveryFailure(ctx, refused);
      return;
    }
    const attempt: Attempt = { error: null, gaveUp: false };
    await scope.run(attempt, () => handler(m));
    if (!attempt.gaveUp) return;
    const e = attempt.error;
    const statusCode = e instanceof SendActivityError ? e.statusCode : null;
    try {
      await recordDeliveryFailure(ctx, failure(m, "gave_up", { statusCode, error: e ? e.message : null }));
    } catch (error) {
      // Fedify is done with the message; throwing now would only make it post once more.
      logger.error("Could not record a give-up for {inbox}: {error}", { inbox: m.inbox, error });
    }
  }

  const queue: MessageQueue = {
    get nativeRetrial() {
      return inner.nativeRetrial;
    },
    enqueue: (message: unknown, options?: MessageQueueEnqueueOptions) => inner.enqueue(message, options),
    listen: (handler, options?: MessageQueueListenOptions) => inner.listen((m) => handle(handler, m), options),
  };
  if (inner.enqueueMany) queue.enqueueMany = (messages, options) => inner.enqueueMany!(messages, options);
  if (inner.getDepth) queue.getDepth = () => inner.getDepth!();
  return { queue, retryPolicy, onOutboxError };
}
