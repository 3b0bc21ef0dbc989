// Deliveries the outbox gave up on, for operators (and for cleaning up followers that are gone).
// Only give-ups are kept, not every retry: Fedify retries on its own, and its logs show those.
import { sql } from "drizzle-orm";
import { bigint, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt } from "../columns.ts";

export const deliveryFailures = pgTable(
  "delivery_failures",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    activityId: text("activity_id"),
    activityType: text("activity_type").notNull(),
    inbox: text("inbox").notNull(),
    /** the remote actors this inbox stood for */
    actorIds: text("actor_ids").array().notNull().default(sql`'{}'::text[]`),
    /**
     * "http": the inbox answered a permanent-failure status (404, 410);
     * "circuit-breaker-ttl": the host stayed unreachable until Fedify dropped the held activity;
     * "forbidden_address": the inbox is not http(s) or not on a public address, so it was never sent.
     */
    reason: text("reason").notNull(),
    statusCode: integer("status_code"),
    error: text("error"),
    createdAt: createdAt(),
  },
  (t) => [index("delivery_failures_created_idx").on(t.createdAt), index("delivery_failures_inbox_idx").on(t.inbox)],
);
