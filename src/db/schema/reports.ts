// What other servers tell us that someone here has to act on or remember: reports of local
// accounts (ActivityPub Flag) and accounts that announced a move (ActivityPub Move). Minimal on
// purpose: the moderation work will grow the reports table; moves are only recorded, followers
// are not migrated automatically yet.
import { index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { accounts } from "./accounts.ts";
import { createdAt, snowflake, ts } from "../columns.ts";

export const reports = pgTable(
  "reports",
  {
    id: snowflake("id").primaryKey(),
    /** the Flag's id for reports from other servers (repeats are ignored); null for local ones */
    uri: text("uri"),
    /**
     * who reported: often a remote server's instance actor rather than a person; null once the
     * reporter's account was deleted (the report stays, anonymised, for the moderators)
     */
    accountId: snowflake("account_id").references(() => accounts.id, { onDelete: "set null" }),
    targetAccountId: snowflake("target_account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    /** reported statuses of the target (ids as strings; rows may be gone since) */
    statusIds: text("status_ids").array().notNull().default([]),
    /** plain text */
    comment: text("comment").notNull().default(""),
    actionTakenAt: ts("action_taken_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("reports_uri_idx").on(t.uri), index("reports_target_idx").on(t.targetAccountId, t.id)],
);

/** The latest Move announced by a remote account (one row per moved account). */
export const accountMoves = pgTable(
  "account_moves",
  {
    accountId: snowflake("account_id")
      .primaryKey()
      .references(() => accounts.id, { onDelete: "cascade" }),
    /** the new actor's uri, checked to list the old one in its alsoKnownAs */
    movedToUri: text("moved_to_uri").notNull(),
    movedToAccountId: snowflake("moved_to_account_id").references(() => accounts.id, { onDelete: "set null" }),
    /** the Move activity's id */
    uri: text("uri"),
    createdAt: createdAt(),
  },
);
