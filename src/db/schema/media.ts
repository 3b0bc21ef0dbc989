import { index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { accounts } from "./accounts.ts";
import { statuses } from "./statuses.ts";
import { createdAt, snowflake } from "../columns.ts";

/** Mastodon's MediaAttachment types. */
export const MEDIA_TYPES = ["image", "gifv", "video", "audio", "unknown"] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/** Sizes of one rendition of a file (Mastodon's MetaDetails). */
export type MediaDimensions = { width?: number; height?: number; aspect?: number; duration?: number };

/**
 * Stored in Mastodon's own `meta` shape, so the serializer passes it on as it is and local
 * uploads can add a `small` rendition and a focal point without a schema change.
 */
export type MediaMeta = {
  original?: MediaDimensions;
  small?: MediaDimensions;
  focus?: { x: number; y: number };
};

/**
 * Media of statuses, remote and (later) local. A remote attachment is only a reference: its
 * `remote_url` is where it lives, nothing is downloaded yet. A local upload exists before the
 * status it ends up in (`status_id` null until then) and has its own files in `url`/`preview_url`.
 */
export const mediaAttachments = pgTable(
  "media_attachments",
  {
    id: snowflake("id").primaryKey(),
    statusId: snowflake("status_id").references(() => statuses.id, { onDelete: "cascade" }),
    /** the owner: the uploader, or the author of the remote status */
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    type: text("type", { enum: MEDIA_TYPES }).notNull(),
    /** the MIME type as declared (remote) or detected (local); what outgoing Documents say */
    contentType: text("content_type"),
    /** where a remote file lives; null for local uploads */
    remoteUrl: text("remote_url"),
    /** our copy of the file and its thumbnail; null for remote media until caching exists */
    url: text("url"),
    previewUrl: text("preview_url"),
    /** alt text, plain */
    description: text("description"),
    blurhash: text("blurhash"),
    meta: jsonb("meta").$type<MediaMeta>(),
    /** order within the status, from 0 */
    position: integer("position").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    index("media_attachments_status_idx").on(t.statusId, t.position),
    // Uploads not (yet) attached to a status, for the clean-up of abandoned ones.
    index("media_attachments_unattached_idx")
      .on(t.accountId, t.createdAt)
      .where(sql`${t.statusId} is null`),
  ],
);
