// Fedify's key-value store and message queue, kept in the app database so that the embedded
// server needs nothing else and a killed process loses neither cached state nor pending work.
// Used only by src/federation/kv.ts and src/federation/queue.ts.
import { sql } from "drizzle-orm";
import { bigint, customType, index, integer, json, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, ts } from "../columns.ts";

/**
 * Byte-wise ordered text: KV keys are JSON-encoded arrays, and a prefix listing is a range scan
 * on the primary key, which only matches string prefixes under the "C" collation (other
 * collations ignore punctuation and case when ordering).
 */
const textC = customType<{ data: string }>({ dataType: () => 'text COLLATE "C"' });

export const fedifyKv = pgTable(
  "fedify_kv",
  {
    /** JSON.stringify of the KvKey array, e.g. ["_fedify","publicKey","https://..."] */
    key: textC("key").primaryKey(),
    /** json, not jsonb: jsonb rejects "\u0000" in strings, and cached remote documents may hold one */
    value: json("value").notNull(),
    /** null: no TTL; expired rows read as absent and are deleted by purgeExpired() */
    expiresAt: ts("expires_at"),
  },
  (t) => [index("fedify_kv_expires_idx").on(t.expiresAt).where(sql`${t.expiresAt} is not null`)],
);

export const fedifyQueue = pgTable(
  "fedify_queue",
  {
    /** increasing: the order of messages that share an ordering key */
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** which queue: Fedify can take separate inbox, outbox and fanout queues (FederationQueueOptions) */
    queue: text("queue").notNull().default("default"),
    message: json("message").notNull(),
    orderingKey: text("ordering_key"),
    deliverAfter: ts("deliver_after").notNull().defaultNow(),
    /** claims so far (the current one included) */
    attempts: integer("attempts").notNull().default(0),
    /** lease: while in the future, the worker that claimed the message owns it */
    lockedUntil: ts("locked_until"),
    /** a token per claim, so that a worker whose lease ran out cannot delete or release a re-claim */
    lockedBy: text("locked_by"),
    lastError: text("last_error"),
    /** set when the handler failed too often: kept for inspection, never claimed again */
    failedAt: ts("failed_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("fedify_queue_ready_idx").on(t.queue, t.deliverAfter, t.id).where(sql`${t.failedAt} is null`),
    index("fedify_queue_ordering_idx").on(t.queue, t.orderingKey, t.id).where(sql`${t.orderingKey} is not null`),
  ],
);
