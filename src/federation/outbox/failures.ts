// Give-ups, written to delivery_failures (src/db/schema/delivery.ts documents the first three
// reasons; the type below documents them all).
import { getLogger } from "@logtape/logtape";
import { deliveryFailures } from "../../db/schema/index.ts";
import type { Ctx } from "../../domain/context.ts";

const logger = getLogger(["caracol", "federation", "outbox"]);

export type DeliveryFailure = {
  activityId: string | null;
  activityType: string;
  inbox: string;
  actorIds: string[];
  /**
   * Permanent failures, reported by Fedify: "http" (the inbox answered 404 or 410),
   * "circuit-breaker-ttl" (the host stayed unreachable until Fedify dropped the held activity).
   * Gave up after retries: "gave_up" (the retry policy ran out; ./guard.ts).
   * Refused before sending, so never posted: "forbidden_address" (not http(s), or not on a
   * public address) and "blocked_server" (the inbox's or a recipient's server is suspended or
   * not approved, also when that happened after the delivery was queued; ./guard.ts).
   * Withheld, so never posted: "author_blocks_server" (the activity carries content of an author
   * whose server publishes a suspension of the recipient's server; ./consent.ts).
   */
  reason: "http" | "circuit-breaker-ttl" | "gave_up" | "forbidden_address" | "blocked_server" | "author_blocks_server";
  statusCode?: number | null;
  error?: string | null;
};

export async function recordDeliveryFailure(ctx: Ctx, f: DeliveryFailure): Promise<void> {
  logger.warn("Gave up delivering {activityId} to {inbox}: {reason}", { ...f });
  await ctx.db.insert(deliveryFailures).values({
    activityId: f.activityId,
    activityType: f.activityType,
    inbox: f.inbox,
    actorIds: f.actorIds,
    reason: f.reason,
    statusCode: f.statusCode ?? null,
    // a remote server's error body is not ours to keep in full
    error: f.error ? f.error.slice(0, 500) : null,
  });
}
