import { boolean, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, snowflake } from "../columns.ts";

export const DOMAIN_BLOCK_SEVERITIES = ["suspend", "silence", "noop"] as const;

/** Domain rules (Mastodon's domain blocks). A rule covers the domain and its subdomains. */
export const domainBlocks = pgTable(
  "domain_blocks",
  {
    id: snowflake("id").primaryKey(),
    /** lower-case host, without port */
    domain: text("domain").notNull(),
    severity: text("severity", { enum: DOMAIN_BLOCK_SEVERITIES }).notNull(),
    rejectMedia: boolean("reject_media").notNull().default(false),
    rejectReports: boolean("reject_reports").notNull().default(false),
    privateComment: text("private_comment"),
    publicComment: text("public_comment"),
    obfuscate: boolean("obfuscate").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("domain_blocks_domain_idx").on(t.domain)],
);
