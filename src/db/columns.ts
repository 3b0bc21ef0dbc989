import { customType, timestamp } from "drizzle-orm/pg-core";

/**
 * Mastodon-style ids: a 64-bit integer in the database (so ordering and max_id/min_id
 * comparisons are numeric) and a decimal string everywhere in TypeScript, as the API exposes it.
 */
export const snowflake = customType<{ data: string; driverData: string | number | bigint }>({
  dataType: () => "bigint",
  toDriver: (v) => v,
  fromDriver: (v) => String(v),
});

export const createdAt = () => timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
