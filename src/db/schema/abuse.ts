// Abuse resistance: IP blocks and the request counters behind rate limits.
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, snowflake, ts } from "../columns.ts";

/** Mastodon's IpBlock severities, weakest first. */
export const IP_BLOCK_SEVERITIES = ["sign_up_requires_approval", "sign_up_block", "no_access"] as const;
export type IpBlockSeverity = (typeof IP_BLOCK_SEVERITIES)[number];

/** An address range refused (some or all) service. One rule per range. */
export const ipBlocks = pgTable(
  "ip_blocks",
  {
    id: snowflake("id").primaryKey(),
    /** canonical CIDR text, always with its prefix ("192.0.2.0/24", "2001:db8::/32") */
    range: text("range").notNull(),
    severity: text("severity", { enum: IP_BLOCK_SEVERITIES }).notNull(),
    comment: text("comment").notNull().default(""),
    expiresAt: ts("expires_at"),
    /** reserved: rules from subscribed lists live in ip_blocklist_entries, so this stays null */
    subscriptionId: snowflake("subscription_id"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("ip_blocks_range_idx").on(t.range)],
);

/**
 * Fixed-window request counters, shared by every process on the database. `subject` is the
 * client key (an IP or IPv6 /64, a token digest, an account id, a remote server); rows are
 * deleted soon after their window ends, so addresses are not kept.
 */
export const rateLimitCounters = pgTable(
  "rate_limit_counters",
  {
    rule: text("rule").notNull(),
    subject: text("subject").notNull(),
    windowStart: ts("window_start").notNull(),
    windowEnd: ts("window_end").notNull(),
    count: integer("count").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.rule, t.subject, t.windowStart] }), index("rate_limit_counters_end_idx").on(t.windowEnd)],
);

/** A shared IP list we follow (plain text or CSV, one range per line): at a URL or in a file. */
export const ipBlocklistSubscriptions = pgTable(
  "ip_blocklist_subscriptions",
  {
    id: snowflake("id").primaryKey(),
    name: text("name").notNull(),
    /** https URL or absolute file path */
    source: text("source").notNull(),
    /** for lines that name no severity */
    defaultSeverity: text("default_severity", { enum: IP_BLOCK_SEVERITIES }).notNull().default("sign_up_block"),
    /** the strongest severity this list may apply; stronger entries are lowered to it */
    severityCap: text("severity_cap", { enum: IP_BLOCK_SEVERITIES }).notNull().default("no_access"),
    /** new entries wait as drafts for an admin instead of applying at once */
    reviewNewEntries: boolean("review_new_entries").notNull().default(false),
    /** a list longer than this is refused whole (a runaway or hostile list) */
    maxEntries: integer("max_entries").notNull().default(10_000),
    refreshHours: integer("refresh_hours").notNull().default(24),
    enabled: boolean("enabled").notNull().default(true),
    lastFetchedAt: ts("last_fetched_at"),
    /** "ok" or a readable error */
    lastStatus: text("last_status"),
    lastReport: jsonb("last_report").$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("ip_blocklist_subscriptions_source_idx").on(t.source)],
);

export const IP_LIST_ENTRY_STATES = ["active", "draft", "dismissed"] as const;

/** One range from a subscribed list. An admin's own rule for the same range wins over it. */
export const ipBlocklistEntries = pgTable(
  "ip_blocklist_entries",
  {
    id: snowflake("id").primaryKey(),
    subscriptionId: snowflake("subscription_id")
      .notNull()
      .references(() => ipBlocklistSubscriptions.id, { onDelete: "cascade" }),
    range: text("range").notNull(),
    severity: text("severity", { enum: IP_BLOCK_SEVERITIES }).notNull(),
    comment: text("comment").notNull().default(""),
    state: text("state", { enum: IP_LIST_ENTRY_STATES }).notNull().default("active"),
    firstSeenAt: createdAt(),
    lastSeenAt: ts("last_seen_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("ip_blocklist_entries_sub_range_idx").on(t.subscriptionId, t.range)],
);
