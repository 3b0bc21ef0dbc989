import { boolean, index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { accounts } from "./accounts.ts";
import { circles } from "./instance.ts";
import { createdAt, snowflake, ts } from "../columns.ts";

/** Caracol's audiences, narrowest first (DESIGN.md, "The audience model"). */
export const AUDIENCES = ["direct", "followers", "local", "circle", "authenticated", "unlisted", "public"] as const;
export type Audience = (typeof AUDIENCES)[number];

export const statuses = pgTable(
  "statuses",
  {
    id: snowflake("id").primaryKey(),
    uri: text("uri").notNull(),
    url: text("url"),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    inReplyToId: snowflake("in_reply_to_id"),
    inReplyToAccountId: snowflake("in_reply_to_account_id"),
    /** a boost: the boosted status; content fields are empty */
    reblogOfId: snowflake("reblog_of_id"),
    /** sanitised HTML */
    content: text("content").notNull().default(""),
    /** what the author typed, for editing (local statuses) */
    text: text("text").notNull().default(""),
    spoilerText: text("spoiler_text").notNull().default(""),
    sensitive: boolean("sensitive").notNull().default(false),
    language: text("language"),
    audience: text("audience", { enum: AUDIENCES }).notNull(),
    /** never federated (glitch-soc's local_only); implied by the `local` audience */
    localOnly: boolean("local_only").notNull().default(false),
    /** the app it was posted from; shown to the author only */
    applicationId: snowflake("application_id"),
    circleId: snowflake("circle_id").references(() => circles.id, { onDelete: "restrict" }),
    repliesCount: integer("replies_count").notNull().default(0),
    reblogsCount: integer("reblogs_count").notNull().default(0),
    favouritesCount: integer("favourites_count").notNull().default(0),
    createdAt: createdAt(),
    editedAt: ts("edited_at"),
  },
  (t) => [
    uniqueIndex("statuses_uri_idx").on(t.uri),
    index("statuses_account_idx").on(t.accountId, t.id),
    index("statuses_reply_idx").on(t.inReplyToId),
    index("statuses_reblog_idx").on(t.reblogOfId),
    uniqueIndex("statuses_one_reblog_idx")
      .on(t.accountId, t.reblogOfId)
      .where(sql`${t.reblogOfId} is not null`),
  ],
);

/** Earlier versions of an edited status (the current one lives in `statuses`). */
export const statusEdits = pgTable(
  "status_edits",
  {
    id: snowflake("id").primaryKey(),
    statusId: snowflake("status_id")
      .notNull()
      .references(() => statuses.id, { onDelete: "cascade" }),
    content: text("content").notNull(),
    text: text("text").notNull(),
    spoilerText: text("spoiler_text").notNull(),
    sensitive: boolean("sensitive").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("status_edits_status_idx").on(t.statusId, t.id)],
);

export const mentions = pgTable(
  "mentions",
  {
    statusId: snowflake("status_id")
      .notNull()
      .references(() => statuses.id, { onDelete: "cascade" }),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.statusId, t.accountId] }), index("mentions_account_idx").on(t.accountId)],
);

export const tags = pgTable(
  "tags",
  {
    id: snowflake("id").primaryKey(),
    name: text("name").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("tags_name_idx").on(sql`lower(${t.name})`)],
);

export const statusTags = pgTable(
  "status_tags",
  {
    statusId: snowflake("status_id")
      .notNull()
      .references(() => statuses.id, { onDelete: "cascade" }),
    tagId: snowflake("tag_id")
      .notNull()
      .references(() => tags.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.statusId, t.tagId] }), index("status_tags_tag_idx").on(t.tagId, t.statusId)],
);

const accountStatusPair = (name: string) =>
  pgTable(
    name,
    {
      id: snowflake("id").primaryKey(),
      accountId: snowflake("account_id")
        .notNull()
        .references(() => accounts.id, { onDelete: "cascade" }),
      statusId: snowflake("status_id")
        .notNull()
        .references(() => statuses.id, { onDelete: "cascade" }),
      createdAt: createdAt(),
    },
    (t) => [
      uniqueIndex(`${name}_pair_idx`).on(t.accountId, t.statusId),
      index(`${name}_status_idx`).on(t.statusId),
    ],
  );

export const favourites = accountStatusPair("favourites");
export const bookmarks = accountStatusPair("bookmarks");
export const pins = accountStatusPair("pins");

/** Idempotency-Key of POST /api/v1/statuses: the same key within a day returns the same status. */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    statusId: snowflake("status_id")
      .notNull()
      .references(() => statuses.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.key] })],
);
