import { boolean, index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { accounts } from "./accounts.ts";
import { createdAt, snowflake, ts } from "../columns.ts";

export const apps = pgTable(
  "apps",
  {
    id: snowflake("id").primaryKey(),
    name: text("name").notNull(),
    website: text("website"),
    /** newline-separated, as Mastodon stores them */
    redirectUris: text("redirect_uris").notNull(),
    scopes: text("scopes").notNull(),
    clientId: text("client_id").notNull(),
    /** sha256 of the secret; the secret itself is shown once, at registration */
    clientSecretHash: text("client_secret_hash").notNull(),
    ownerAccountId: snowflake("owner_account_id").references(() => accounts.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("apps_client_id_idx").on(t.clientId)],
);

export const authorizationCodes = pgTable("authorization_codes", {
  codeHash: text("code_hash").primaryKey(),
  appId: snowflake("app_id")
    .notNull()
    .references(() => apps.id, { onDelete: "cascade" }),
  accountId: snowflake("account_id")
    .notNull()
    .references(() => accounts.id, { onDelete: "cascade" }),
  scopes: text("scopes").notNull(),
  redirectUri: text("redirect_uri").notNull(),
  codeChallenge: text("code_challenge"),
  codeChallengeMethod: text("code_challenge_method"),
  expiresAt: ts("expires_at").notNull(),
  usedAt: ts("used_at"),
  /** what the person chose on the consent page (or the app's narrowing scopes): carried to the token */
  narrowNoDirect: boolean("narrow_no_direct").notNull().default(false),
  narrowNoOthersPrivate: boolean("narrow_no_others_private").notNull().default(false),
  /** the lifetime the person chose for the token, in days; null: as the instance allows */
  grantTtlDays: integer("grant_ttl_days"),
  /** the token issued for this code, revoked if the code is replayed (RFC 6749 4.1.2) */
  tokenId: snowflake("token_id"),
  createdAt: createdAt(),
});

export const accessTokens = pgTable(
  "access_tokens",
  {
    id: snowflake("id").primaryKey(),
    tokenHash: text("token_hash").notNull(),
    refreshTokenHash: text("refresh_token_hash"),
    appId: snowflake("app_id").references(() => apps.id, { onDelete: "cascade" }),
    /** null for client_credentials tokens, which act for the app alone */
    accountId: snowflake("account_id").references(() => accounts.id, { onDelete: "cascade" }),
    scopes: text("scopes").notNull(),
    createdAt: createdAt(),
    expiresAt: ts("expires_at"),
    revokedAt: ts("revoked_at"),
    lastUsedAt: ts("last_used_at"),
    /** narrowed tokens get no direct posts / no followers-only, circle or local posts of others */
    narrowNoDirect: boolean("narrow_no_direct").notNull().default(false),
    narrowNoOthersPrivate: boolean("narrow_no_others_private").notNull().default(false),
    /** the end the person chose at consent; refreshing never carries a token past it */
    grantExpiresAt: ts("grant_expires_at"),
  },
  (t) => [
    uniqueIndex("access_tokens_token_hash_idx").on(t.tokenHash),
    uniqueIndex("access_tokens_refresh_hash_idx").on(t.refreshTokenHash),
    index("access_tokens_account_idx").on(t.accountId),
    index("access_tokens_app_idx").on(t.appId),
  ],
);

/** Browser sessions for the web pages (sign-in, consent, settings). */
export const webSessions = pgTable("web_sessions", {
  idHash: text("id_hash").primaryKey(),
  accountId: snowflake("account_id")
    .notNull()
    .references(() => accounts.id, { onDelete: "cascade" }),
  csrfToken: text("csrf_token").notNull(),
  createdAt: createdAt(),
  expiresAt: ts("expires_at").notNull(),
});
