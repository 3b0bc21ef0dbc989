import { boolean, index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { accounts } from "./accounts.ts";
import { createdAt, snowflake, ts } from "../columns.ts";

const accountPair = {
  id: snowflake("id").primaryKey(),
  accountId: snowflake("account_id")
    .notNull()
    .references(() => accounts.id, { onDelete: "cascade" }),
  targetAccountId: snowflake("target_account_id")
    .notNull()
    .references(() => accounts.id, { onDelete: "cascade" }),
  createdAt: createdAt(),
};

/** An approved follow: accountId follows targetAccountId. */
export const follows = pgTable(
  "follows",
  {
    ...accountPair,
    uri: text("uri"),
    showReblogs: boolean("show_reblogs").notNull().default(true),
    notify: boolean("notify").notNull().default(false),
    languages: text("languages").array(),
  },
  (t) => [
    uniqueIndex("follows_pair_idx").on(t.accountId, t.targetAccountId),
    index("follows_target_idx").on(t.targetAccountId),
  ],
);

/** A follow waiting for the target's approval. */
export const followRequests = pgTable(
  "follow_requests",
  {
    ...accountPair,
    uri: text("uri"),
    showReblogs: boolean("show_reblogs").notNull().default(true),
    notify: boolean("notify").notNull().default(false),
    languages: text("languages").array(),
  },
  (t) => [
    uniqueIndex("follow_requests_pair_idx").on(t.accountId, t.targetAccountId),
    index("follow_requests_target_idx").on(t.targetAccountId),
  ],
);

export const blocks = pgTable(
  "blocks",
  { ...accountPair, uri: text("uri") },
  (t) => [uniqueIndex("blocks_pair_idx").on(t.accountId, t.targetAccountId), index("blocks_target_idx").on(t.targetAccountId)],
);

export const mutes = pgTable(
  "mutes",
  {
    ...accountPair,
    hideNotifications: boolean("hide_notifications").notNull().default(true),
    expiresAt: ts("expires_at"),
  },
  (t) => [uniqueIndex("mutes_pair_idx").on(t.accountId, t.targetAccountId)],
);

/** Private notes people keep on other accounts (Relationship.note). */
export const accountNotes = pgTable(
  "account_notes",
  { ...accountPair, comment: text("comment").notNull() },
  (t) => [uniqueIndex("account_notes_pair_idx").on(t.accountId, t.targetAccountId)],
);
