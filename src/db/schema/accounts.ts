import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { createdAt, snowflake, ts } from "../columns.ts";

/** `value` is HTML; `valueSource` is what a local person typed (for editing). */
export type ProfileField = { name: string; value: string; valueSource?: string; verifiedAt?: string | null };

/** Every actor we know, local (domain null) or remote. */
export const accounts = pgTable(
  "accounts",
  {
    id: snowflake("id").primaryKey(),
    username: text("username").notNull(),
    /** null for local accounts */
    domain: text("domain"),
    /** ActivityPub id */
    uri: text("uri").notNull(),
    url: text("url"),
    inboxUrl: text("inbox_url"),
    sharedInboxUrl: text("shared_inbox_url"),
    followersUrl: text("followers_url"),
    displayName: text("display_name").notNull().default(""),
    /** bio as sanitised HTML */
    note: text("note").notNull().default(""),
    /** bio as typed, local accounts only */
    noteSource: text("note_source").notNull().default(""),
    fields: jsonb("fields").$type<ProfileField[]>().notNull().default([]),
    avatarUrl: text("avatar_url"),
    headerUrl: text("header_url"),
    locked: boolean("locked").notNull().default(true),
    bot: boolean("bot").notNull().default(false),
    discoverable: boolean("discoverable").notNull().default(false),
    indexable: boolean("indexable").notNull().default(false),
    statusesCount: integer("statuses_count").notNull().default(0),
    followersCount: integer("followers_count").notNull().default(0),
    followingCount: integer("following_count").notNull().default(0),
    lastStatusAt: ts("last_status_at"),
    suspendedAt: ts("suspended_at"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("accounts_uri_idx").on(t.uri),
    uniqueIndex("accounts_username_domain_idx").on(sql`lower(${t.username})`, sql`coalesce(lower(${t.domain}), '')`),
    index("accounts_domain_idx").on(t.domain),
  ],
);

/** Credentials and preferences of local people; one row per local account. */
export const users = pgTable(
  "users",
  {
    accountId: snowflake("account_id")
      .primaryKey()
      .references(() => accounts.id, { onDelete: "cascade" }),
    email: text("email"),
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: ["user", "moderator", "admin"] }).notNull().default("user"),
    approved: boolean("approved").notNull().default(false),
    disabled: boolean("disabled").notNull().default(false),
    /** why they asked to join, shown to admins */
    reason: text("reason"),
    locale: text("locale").notNull().default("en"),
    defaultVisibility: text("default_visibility", { enum: ["public", "unlisted", "private", "direct"] })
      .notNull()
      .default("private"),
    defaultSensitive: boolean("default_sensitive").notNull().default(false),
    defaultLanguage: text("default_language"),
    expandSpoilers: boolean("expand_spoilers").notNull().default(false),
    /** per-part profile audiences and the logged-out override; see domain/audience/profile.ts */
    privacy: jsonb("privacy").$type<Record<string, string>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_idx").on(sql`lower(${t.email})`)],
);

/** Signing keys; every local account gets RSA-2048 and Ed25519 at creation. */
export const accountKeys = pgTable(
  "account_keys",
  {
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    type: text("type", { enum: ["RSASSA-PKCS1-v1_5", "Ed25519"] }).notNull(),
    publicKeyJwk: jsonb("public_key_jwk").$type<JsonWebKey>().notNull(),
    privateKeyJwk: jsonb("private_key_jwk").$type<JsonWebKey>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("account_keys_account_type_idx").on(t.accountId, t.type)],
);
