// Third-party integrations (link previews) and the addresses remote servers were seen on.
import { index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, snowflake, ts } from "../columns.ts";
import { statuses } from "./statuses.ts";

/** A link preview (Mastodon's PreviewCard), one per fetched URL, shared by every post linking it. */
export const previewCards = pgTable(
  "preview_cards",
  {
    id: snowflake("id").primaryKey(),
    url: text("url").notNull(),
    title: text("title").notNull().default(""),
    description: text("description").notNull().default(""),
    providerName: text("provider_name").notNull().default(""),
    authorName: text("author_name").notNull().default(""),
    /** the remote image's URL as the page named it: there is no local media proxy yet */
    imageUrl: text("image_url"),
    width: integer("width").notNull().default(0),
    height: integer("height").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("preview_cards_url_idx").on(t.url)],
);

/**
 * Which card a post shows. A row is written once the post was looked at, with cardId null when
 * there was nothing to fetch or the fetch failed, so that no post is fetched twice.
 */
export const statusPreviewCards = pgTable("status_preview_cards", {
  statusId: snowflake("status_id")
    .primaryKey()
    .references(() => statuses.id, { onDelete: "cascade" }),
  cardId: snowflake("card_id").references(() => previewCards.id, { onDelete: "set null" }),
  attemptedAt: createdAt(),
});

/**
 * Source addresses of verified ActivityPub requests, per signing server's domain, so that a
 * suspension can block them too. Servers' addresses, not people's; a few per domain, newest kept.
 */
export const serverAddresses = pgTable(
  "server_addresses",
  {
    domain: text("domain").notNull(),
    address: text("address").notNull(),
    lastSeenAt: ts("last_seen_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.domain, t.address] }), index("server_addresses_seen_idx").on(t.domain, t.lastSeenAt)],
);
