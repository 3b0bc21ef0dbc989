// Personal data kept for the person's own sake, and what remains of a deleted account.
//
// Sign-in history: who signed in to an account, when, and how. The address and the full user
// agent are kept only for CARACOL_IP_RETENTION_HOURS (the purge-addresses job nulls them);
// the row itself stays, so people can still see "when, which app, which kind of device".
import { index, pgTable, text } from "drizzle-orm/pg-core";
import { accounts } from "./accounts.ts";
import { apps } from "./oauth.ts";
import { createdAt, snowflake, ts } from "../columns.ts";

export const SIGN_IN_METHODS = ["web", "oauth"] as const;

export const signIns = pgTable(
  "sign_ins",
  {
    id: snowflake("id").primaryKey(),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    at: ts("at").notNull().defaultNow(),
    method: text("method", { enum: SIGN_IN_METHODS }).notNull(),
    /** the app a token was issued to (oauth sign-ins) */
    appId: snowflake("app_id").references(() => apps.id, { onDelete: "set null" }),
    /** canonical client address; null once the retention window has passed (or never stored) */
    ip: text("ip"),
    /** the User-Agent header as sent; null after the retention window */
    userAgent: text("user_agent"),
    /** a coarse summary ("Firefox on Linux") that outlives the user agent; never identifying */
    device: text("device").notNull().default(""),
  },
  (t) => [index("sign_ins_account_at_idx").on(t.accountId, t.at), index("sign_ins_at_idx").on(t.at)],
);

/**
 * What is left of a deleted local account: its username (never handed out again, so nobody can
 * take over the old handle and its followers elsewhere) and its actor URI, answered with 410
 * Gone. Nothing else: no id, no profile, no keys.
 */
export const accountTombstones = pgTable("account_tombstones", {
  /** lower-cased, as usernames are compared */
  username: text("username").primaryKey(),
  uri: text("uri").notNull(),
  deletedAt: createdAt(),
});
