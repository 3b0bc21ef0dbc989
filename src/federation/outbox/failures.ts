// Give-ups, written to delivery_failures (src/db/schema/delivery.ts says what each reason means).
import { getLogger } from "@logtape/logtape";
import { deliveryFailures } from "../../db/schema/index.ts";
import type { Ctx } from "../../domain/context.ts";

const logger = getLogger(["caracol", "federation", "outbox"]);

export type DeliveryFailure = {
  activityId: string | null;
  activityType: string;
  inbox: string;
  actorIds: string[];
  reason: "http" | "circuit-breaker-ttl" | "forbidden_address";
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
