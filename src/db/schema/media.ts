import { index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { accounts } from "./accounts.ts";
import { statuses } from "./statuses.ts";
import { createdAt, snowflake } from "../columns.ts";

/** Mastodon's MediaAttachment types. */
export const MEDIA_TYPES = ["image", "gifv", "video", "audio", "unknown"] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/** What a local file is for: a status attachment, or a person's avatar or header. */
export const MEDIA_USAGES = ["attachment", "avatar", "header"] as const;
export type MediaUsage = (typeof MEDIA_USAGES)[number];

/** Sizes of one rendition of a file (Mastodon's MetaDetails). */
export type MediaDimensions = { width?: number; height?: number; size?: string; aspect?: number; duration?: number };

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
 * Media of statuses, remote and local, and local avatars and headers (`usage`). A remote
 * attachment is only a reference: its `remote_url` is where it lives, nothing is downloaded
 * yet. A local upload exists before the status it ends up in (`status_id` null until then) and
 * has its own files, at `url`/`preview_url` (/media/<storage_key>/original|small.<ext>).
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
    /**
     * Local files only: the random name of the folder under the media directory and in the URL
     * (at least 128 bits, never derived from the id), so files cannot be enumerated or guessed.
     */
    storageKey: text("storage_key"),
    usage: text("usage", { enum: MEDIA_USAGES }).notNull().default("attachment"),
    /** order within the status, from 0 */
    position: integer("position").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("media_attachments_storage_key_idx").on(t.storageKey),
    index("media_attachments_status_idx").on(t.statusId, t.position),
    // Uploads not (yet) attached to a status, for the clean-up of abandoned ones.
    index("media_attachments_unattached_idx")
      .on(t.accountId, t.createdAt)
      .where(sql`${t.statusId} is null`),
  ],
);
