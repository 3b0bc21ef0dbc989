// Client-app control and the terms people agree to. How rules combine into an app's standing
// is decided in src/domain/oauth/app-policy.ts (one place).
import { index, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { accounts } from "./accounts.ts";
import { createdAt, snowflake, ts } from "../columns.ts";

export const APP_RULE_KINDS = ["app", "name", "redirect_host"] as const;
export type AppRuleKind = (typeof APP_RULE_KINDS)[number];
export const APP_RULE_ACTIONS = ["block", "allow"] as const;
export type AppRuleAction = (typeof APP_RULE_ACTIONS)[number];

/**
 * An admin's rule about client apps: one app (by id), every app whose name contains a word, or
 * every app redirecting to a host (and its subdomains).
 */
export const appRules = pgTable(
  "app_rules",
  {
    id: snowflake("id").primaryKey(),
    kind: text("kind", { enum: APP_RULE_KINDS }).notNull(),
    /** the app id, the name word (lower case) or the host (lower case) */
    value: text("value").notNull(),
    action: text("action", { enum: APP_RULE_ACTIONS }).notNull(),
    comment: text("comment"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("app_rules_kind_value_idx").on(t.kind, t.value)],
);

export const TERMS_KINDS = ["terms", "privacy"] as const;
export type TermsKind = (typeof TERMS_KINDS)[number];

/** Published versions of the terms of service and the privacy policy; the newest is current. */
export const termsVersions = pgTable(
  "terms_versions",
  {
    id: snowflake("id").primaryKey(),
    kind: text("kind", { enum: TERMS_KINDS }).notNull(),
    /** plain text; paragraphs separated by blank lines */
    text: text("text").notNull(),
    publishedAt: ts("published_at").notNull().defaultNow(),
  },
  (t) => [index("terms_versions_kind_idx").on(t.kind, t.id)],
);

/**
 * Which version of each document a person agreed to. A null version is the built-in default
 * text, in force while the admins have published none.
 */
export const userAgreements = pgTable(
  "user_agreements",
  {
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: TERMS_KINDS }).notNull(),
    versionId: snowflake("version_id"),
    agreedAt: ts("agreed_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.kind] })],
);
