import { boolean, index, pgTable, text } from "drizzle-orm/pg-core";
import { accounts } from "./accounts.ts";
import { statuses } from "./statuses.ts";
import { createdAt, snowflake, ts } from "../columns.ts";

export const FILTER_CONTEXTS = ["home", "notifications", "public", "thread", "account"] as const;

export const filters = pgTable(
  "filters",
  {
    id: snowflake("id").primaryKey(),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    context: text("context").array().notNull(),
    action: text("action", { enum: ["warn", "hide", "blur"] }).notNull().default("warn"),
    expiresAt: ts("expires_at"),
    createdAt: createdAt(),
  },
  (t) => [index("filters_account_idx").on(t.accountId)],
);

export const filterKeywords = pgTable(
  "filter_keywords",
  {
    id: snowflake("id").primaryKey(),
    filterId: snowflake("filter_id")
      .notNull()
      .references(() => filters.id, { onDelete: "cascade" }),
    keyword: text("keyword").notNull(),
    wholeWord: boolean("whole_word").notNull().default(true),
  },
  (t) => [index("filter_keywords_filter_idx").on(t.filterId)],
);

export const filterStatuses = pgTable(
  "filter_statuses",
  {
    id: snowflake("id").primaryKey(),
    filterId: snowflake("filter_id")
      .notNull()
      .references(() => filters.id, { onDelete: "cascade" }),
    statusId: snowflake("status_id")
      .notNull()
      .references(() => statuses.id, { onDelete: "cascade" }),
  },
  (t) => [index("filter_statuses_filter_idx").on(t.filterId)],
);
