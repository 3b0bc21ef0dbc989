import { boolean, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, snowflake } from "../columns.ts";

/** Instance settings an admin changes at run time (environment settings live in Config). */
export const instanceSettings = pgTable("instance_settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
});

/** A named group of servers that act together (federation-policy issue); also a post audience. */
export const circles = pgTable(
  "circles",
  {
    id: snowflake("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** members and shared rules are served as JSON at /circles/{id} */
    published: boolean("published").notNull().default(false),
    /** set when this circle mirrors one published elsewhere (kept in sync by its subscription) */
    sourceUrl: text("source_url"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("circles_name_idx").on(t.name)],
);

export const circleMembers = pgTable(
  "circle_members",
  {
    circleId: snowflake("circle_id")
      .notNull()
      .references(() => circles.id, { onDelete: "cascade" }),
    domain: text("domain").notNull(),
  },
  (t) => [primaryKey({ columns: [t.circleId, t.domain] })],
);

export const customEmojis = pgTable(
  "custom_emojis",
  {
    id: snowflake("id").primaryKey(),
    shortcode: text("shortcode").notNull(),
    domain: text("domain"),
    url: text("url").notNull(),
    staticUrl: text("static_url").notNull(),
    visibleInPicker: boolean("visible_in_picker").notNull().default(true),
    category: text("category"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("custom_emojis_shortcode_domain_idx").on(t.shortcode, t.domain)],
);
