import { index, integer, pgTable, primaryKey, text, uniqueIndex, boolean } from "drizzle-orm/pg-core";
import { accounts } from "./accounts.ts";
import { statuses } from "./statuses.ts";
import { createdAt, snowflake, ts } from "../columns.ts";

/** Stored home timelines (fan-out on write): one row per status per local reader. */
export const homeFeed = pgTable(
  "home_feed",
  {
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    statusId: snowflake("status_id")
      .notNull()
      .references(() => statuses.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.statusId] }), index("home_feed_status_idx").on(t.statusId)],
);

export const NOTIFICATION_TYPES = [
  "mention",
  "status",
  "reblog",
  "follow",
  "follow_request",
  "favourite",
  "poll",
  "update",
  "admin.sign_up",
  "admin.report",
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const notifications = pgTable(
  "notifications",
  {
    id: snowflake("id").primaryKey(),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    fromAccountId: snowflake("from_account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    type: text("type", { enum: NOTIFICATION_TYPES }).notNull(),
    statusId: snowflake("status_id").references(() => statuses.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [
    index("notifications_account_idx").on(t.accountId, t.id),
    uniqueIndex("notifications_dedupe_idx").on(t.accountId, t.fromAccountId, t.type, t.statusId),
  ],
);

export const markers = pgTable(
  "markers",
  {
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    timeline: text("timeline", { enum: ["home", "notifications"] }).notNull(),
    lastReadId: text("last_read_id").notNull(),
    version: integer("version").notNull().default(0),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.timeline] })],
);

export const lists = pgTable(
  "lists",
  {
    id: snowflake("id").primaryKey(),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    repliesPolicy: text("replies_policy", { enum: ["followed", "list", "none"] }).notNull().default("list"),
    exclusive: boolean("exclusive").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index("lists_account_idx").on(t.accountId)],
);

export const listAccounts = pgTable(
  "list_accounts",
  {
    listId: snowflake("list_id")
      .notNull()
      .references(() => lists.id, { onDelete: "cascade" }),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.listId, t.accountId] }), index("list_accounts_account_idx").on(t.accountId)],
);
