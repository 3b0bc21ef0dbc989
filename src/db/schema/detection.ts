// Scraping detection: a narrow log of what each client read (kept an hour, a day for sign-ups,
// never past CARACOL_IP_RETENTION_HOURS), the alerts raised from it, and clients an admin
// throttled. Rows that hold an address are deleted by purgeDetectionData.
import { index, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { createdAt, snowflake, ts } from "../columns.ts";

/**
 * One row per recorded request, written once and never updated. A request is seen through
 * every key it carries (address or IPv6 /64, token, account, signing server), so each has its
 * own column and index rather than one row per key.
 */
export const accessRecords = pgTable(
  "access_records",
  {
    at: ts("at").notNull(),
    /** client key of the address (IPv4, or the IPv6 /64); null when addresses are not kept */
    ip: text("ip"),
    tokenId: snowflake("token_id"),
    accountId: snowflake("account_id"),
    /** host of a signed ActivityPub GET's key */
    server: text("server"),
    /** what was read: profile, post, listing, timeline, feed, search, sign_up, ... */
    kind: text("kind").notNull(),
    /** which one: an account id or handle, a post id, a feed name, a sign-up's range */
    target: text("target").notNull(),
    /** the page cursor (max_id, offset, ...) when the request asked for a further page */
    cursor: text("cursor"),
  },
  (t) => [
    index("access_records_ip_idx").on(t.ip, t.at).where(sql`${t.ip} is not null`),
    index("access_records_token_idx").on(t.tokenId, t.at).where(sql`${t.tokenId} is not null`),
    index("access_records_account_idx").on(t.accountId, t.at).where(sql`${t.accountId} is not null`),
    index("access_records_server_idx").on(t.server, t.at).where(sql`${t.server} is not null`),
    index("access_records_kind_target_idx").on(t.kind, t.target, t.at),
    index("access_records_at_idx").on(t.at),
  ],
);

export const ALERT_STATES = ["open", "resolved"] as const;

/** A client a detection rule fired for. One open alert per (rule, key); its evidence is updated. */
export const detectionAlerts = pgTable(
  "detection_alerts",
  {
    id: snowflake("id").primaryKey(),
    rule: text("rule").notNull(),
    /** ip | token | account | server | range */
    keyKind: text("key_kind").notNull(),
    keyValue: text("key_value").notNull(),
    firstSeenAt: ts("first_seen_at").notNull(),
    lastSeenAt: ts("last_seen_at").notNull(),
    evidence: jsonb("evidence").$type<Record<string, unknown>>().notNull(),
    state: text("state", { enum: ALERT_STATES }).notNull().default("open"),
    /** what an admin did about it, one line per response */
    responses: jsonb("responses").$type<string[]>().notNull().default([]),
    createdAt: createdAt(),
    resolvedAt: ts("resolved_at"),
  },
  (t) => [
    uniqueIndex("detection_alerts_open_idx").on(t.rule, t.keyKind, t.keyValue).where(sql`${t.state} = 'open'`),
    index("detection_alerts_last_seen_idx").on(t.lastSeenAt),
  ],
);

/** A client an admin throttled from an alert: a stricter rate limit until `until`. */
export const throttledClients = pgTable("throttled_clients", {
  /** "ip:192.0.2.1", "token:ID", "account:ID", "server:host" */
  key: text("key").primaryKey(),
  until: ts("until").notNull(),
  alertId: snowflake("alert_id"),
  createdAt: createdAt(),
});
