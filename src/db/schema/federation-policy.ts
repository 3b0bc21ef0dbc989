// Federation policy: which servers we exchange data with, and why. The standing of a server is
// computed from all of these in src/domain/federation-policy/standing.ts (one place).
import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, snowflake, ts } from "../columns.ts";

export const DOMAIN_BLOCK_SEVERITIES = ["suspend", "silence", "noop"] as const;
export type DomainBlockSeverity = (typeof DOMAIN_BLOCK_SEVERITIES)[number];

/**
 * Domain rules set by an admin (Mastodon's domain blocks). A rule covers the domain and its
 * subdomains. Rules from subscriptions live in blocklist_entries; a rule here wins over them.
 */
export const domainBlocks = pgTable(
  "domain_blocks",
  {
    id: snowflake("id").primaryKey(),
    /** lower-case host, without port */
    domain: text("domain").notNull(),
    severity: text("severity", { enum: DOMAIN_BLOCK_SEVERITIES }).notNull(),
    rejectMedia: boolean("reject_media").notNull().default(false),
    rejectReports: boolean("reject_reports").notNull().default(false),
    /** Pleroma's followers_only: they receive public posts only, their posts reach followers only */
    followersOnly: boolean("followers_only").notNull().default(false),
    privateComment: text("private_comment"),
    publicComment: text("public_comment"),
    obfuscate: boolean("obfuscate").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("domain_blocks_domain_idx").on(t.domain)],
);

/** Servers we federate with in allow-list and approval-first modes (Mastodon's domain allows). */
export const domainAllows = pgTable(
  "domain_allows",
  {
    id: snowflake("id").primaryKey(),
    domain: text("domain").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("domain_allows_domain_idx").on(t.domain)],
);

export const SERVER_REVIEW_STATES = ["pending", "rejected"] as const;

/**
 * Servers that reached us in approval-first mode and are not yet allowed: pending (their
 * activities wait in held_activities) or rejected (dropped, told nothing). Approval moves a
 * server to domain_allows and deletes its row here.
 */
export const serverReviews = pgTable("server_reviews", {
  domain: text("domain").primaryKey(),
  state: text("state", { enum: SERVER_REVIEW_STATES }).notNull().default("pending"),
  /** their letter of introduction, when they published one (NodeInfo metadata or POSTed) */
  introduction: text("introduction"),
  introductionContact: text("introduction_contact"),
  introductionAt: ts("introduction_at"),
  firstSeenAt: createdAt(),
  decidedAt: ts("decided_at"),
});

/** Activities from a pending server, kept aside (not processed, not shown) until a decision. */
export const heldActivities = pgTable(
  "held_activities",
  {
    id: snowflake("id").primaryKey(),
    domain: text("domain").notNull(),
    activityId: text("activity_id"),
    activityType: text("activity_type").notNull(),
    /** the activity as received (its signature was verified before it was held) */
    activity: jsonb("activity").$type<Record<string, unknown>>().notNull(),
    /** the local account whose inbox it came to; null for the shared inbox */
    inboxAccountId: snowflake("inbox_account_id"),
    /** the local accounts it tried to reach (addressed, mentioned, followed, replied to) */
    localTargets: text("local_targets").array().notNull().default(sql`'{}'::text[]`),
    receivedAt: createdAt(),
  },
  (t) => [index("held_activities_domain_idx").on(t.domain, t.id), uniqueIndex("held_activities_activity_idx").on(t.activityId)],
);

export const LIST_FORMATS = [
  "auto",
  "mastodon-csv",
  "gotosocial-json",
  "plain",
  "mastodon-api",
  "fires",
  "caracol-circle",
] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];

/** A blocklist we follow: at a URL (re-fetched on a schedule) or in a file (re-read). */
export const blocklistSubscriptions = pgTable(
  "blocklist_subscriptions",
  {
    id: snowflake("id").primaryKey(),
    name: text("name").notNull(),
    /** https URL or absolute file path */
    source: text("source").notNull(),
    format: text("format", { enum: LIST_FORMATS }).notNull().default("auto"),
    /** lower number wins when two subscriptions rule the same domain */
    priority: integer("priority").notNull().default(100),
    /** the strongest severity this list may apply; stronger entries are lowered to it */
    severityCap: text("severity_cap", { enum: DOMAIN_BLOCK_SEVERITIES }).notNull().default("suspend"),
    excludedDomains: text("excluded_domains").array().notNull().default(sql`'{}'::text[]`),
    /** new entries wait as drafts for an admin instead of applying at once */
    reviewNewEntries: boolean("review_new_entries").notNull().default(false),
    refreshHours: integer("refresh_hours").notNull().default(24),
    /** set for a circle's shared list: syncing it also syncs the circle's members */
    circleId: snowflake("circle_id"),
    enabled: boolean("enabled").notNull().default(true),
    etag: text("etag"),
    lastFetchedAt: ts("last_fetched_at"),
    /** "ok" or a readable error */
    lastStatus: text("last_status"),
    /** the parse report of the last sync (counts, warnings, rejected lines) */
    lastReport: jsonb("last_report").$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("blocklist_subscriptions_source_idx").on(t.source)],
);

export const LIST_ENTRY_STATES = ["active", "draft", "dismissed"] as const;

/**
 * One rule from a subscription. `digest` is the SHA-256 hex of the domain; entries published
 * obfuscated (Mastodon's `exam***.com` with a digest) have a digest and no domain, and match a
 * server whose name (or a parent's) hashes to it.
 */
export const blocklistEntries = pgTable(
  "blocklist_entries",
  {
    id: snowflake("id").primaryKey(),
    subscriptionId: snowflake("subscription_id")
      .notNull()
      .references(() => blocklistSubscriptions.id, { onDelete: "cascade" }),
    domain: text("domain"),
    digest: text("digest").notNull(),
    severity: text("severity", { enum: DOMAIN_BLOCK_SEVERITIES }).notNull(),
    rejectMedia: boolean("reject_media").notNull().default(false),
    rejectReports: boolean("reject_reports").notNull().default(false),
    publicComment: text("public_comment"),
    state: text("state", { enum: LIST_ENTRY_STATES }).notNull().default("active"),
    firstSeenAt: createdAt(),
    lastSeenAt: ts("last_seen_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("blocklist_entries_sub_digest_idx").on(t.subscriptionId, t.digest), index("blocklist_entries_digest_idx").on(t.digest)],
);

/** Rules a circle shares; published with the circle's members at /circles/{id} as JSON. */
export const circleRules = pgTable(
  "circle_rules",
  {
    id: snowflake("id").primaryKey(),
    circleId: snowflake("circle_id").notNull(),
    domain: text("domain").notNull(),
    severity: text("severity", { enum: DOMAIN_BLOCK_SEVERITIES }).notNull(),
    rejectMedia: boolean("reject_media").notNull().default(false),
    rejectReports: boolean("reject_reports").notNull().default(false),
    publicComment: text("public_comment"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("circle_rules_circle_domain_idx").on(t.circleId, t.domain)],
);

export const SCAN_VERDICTS = ["federates", "clean", "unknown"] as const;
export type ScanVerdict = (typeof SCAN_VERDICTS)[number];

export type ScanEvidence = {
  /** nodeinfo | peers | domain_blocks | misskey | lemmy */
  source: string;
  url: string;
  /** HTTP status, or null when the request failed before an answer */
  status: number | null;
  at: string;
  /** domains we suspend that this source shows them federating with */
  found: string[];
  note?: string;
};

/**
 * What we learnt about a remote server's own federation (transitive defederation and
 * consent-aware delivery): whether it federates with a domain we suspend, and the blocks it
 * publishes (domains, or "sha256:<hex>" for obfuscated ones).
 */
export const serverScans = pgTable("server_scans", {
  domain: text("domain").primaryKey(),
  verdict: text("verdict", { enum: SCAN_VERDICTS }).notNull().default("unknown"),
  evidence: jsonb("evidence").$type<ScanEvidence[]>().notNull().default([]),
  publishedBlocks: jsonb("published_blocks").$type<string[]>(),
  /** their declared policy as read from NodeInfo (ours and Akkoma/Pleroma's shapes) */
  publishedPolicy: jsonb("published_policy").$type<Record<string, unknown>>(),
  scannedAt: ts("scanned_at"),
});

export const TRANSITIVE_OVERRIDES = ["exempt", "warn", "restrict", "block"] as const;

/** An admin's per-server override of the transitive policy. */
export const transitiveOverrides = pgTable("transitive_overrides", {
  domain: text("domain").primaryKey(),
  action: text("action", { enum: TRANSITIVE_OVERRIDES }).notNull(),
  comment: text("comment"),
  createdAt: createdAt(),
});

export const RELAY_STATES = ["pending", "accepted", "rejected"] as const;

/** Relays the admin joined. Only public posts are sent to them. */
export const relays = pgTable(
  "relays",
  {
    id: snowflake("id").primaryKey(),
    inboxUrl: text("inbox_url").notNull(),
    actorUri: text("actor_uri"),
    state: text("state", { enum: RELAY_STATES }).notNull().default("pending"),
    followActivityId: text("follow_activity_id"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("relays_inbox_idx").on(t.inboxUrl)],
);

/**
 * Stored servers whose accounts we suspended because a subscribed list or one of our circles'
 * rules suspends them (an admin's own rules stamp with their creation time instead). The stamp
 * marks the accounts it suspended, so that lifting unsuspends exactly those.
 */
export const listSuspensions = pgTable("list_suspensions", {
  /** the server's host as stored on its accounts, lower case, without port */
  domain: text("domain").primaryKey(),
  stamp: ts("stamp").notNull(),
});
