// The media clean-up job: uploads never attached to a post are removed after a day, and files
// whose row is gone (an account or status deleted by a path that could not remove them, or a
// process that died in between) are removed from disk.
import { stat } from "node:fs/promises";
import path from "node:path";
import { and, eq, inArray, isNull, lt } from "drizzle-orm";
import { mediaAttachments } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { removeMediaFiles, storedKeys } from "./storage.ts";

export const UNATTACHED_TTL_MS = 24 * 3600_000;
/** A fresh folder may be waiting for its row (storeUpload writes files first): left alone. */
const ORPHAN_GRACE_MS = 3600_000;

export async function purgeMedia(ctx: Ctx, now = Date.now()): Promise<{ unattached: number; orphans: number }> {
  const gone = await ctx.db
    .delete(mediaAttachments)
    .where(and(isNull(mediaAttachments.statusId), eq(mediaAttachments.usage, "attachment"), lt(mediaAttachments.createdAt, new Date(now - UNATTACHED_TTL_MS))))
    .returning({ key: mediaAttachments.storageKey });
  await removeMediaFiles(ctx.config, gone.map((g) => g.key));

  const onDisk = await storedKeys(ctx.config);
  const orphans: string[] = [];
  for (let i = 0; i < onDisk.length; i += 500) {
    const batch = onDisk.slice(i, i + 500);
    const known = new Set(
      (await ctx.db.select({ key: mediaAttachments.storageKey }).from(mediaAttachments).where(inArray(mediaAttachments.storageKey, batch))).map((r) => r.key),
    );
    orphans.push(...batch.filter((k) => !known.has(k)));
  }
  const old = await olderThan(ctx, orphans, now - ORPHAN_GRACE_MS);
  await removeMediaFiles(ctx.config, old);
  return { unattached: gone.length, orphans: old.length };
}

async function olderThan(ctx: Ctx, keys: string[], cutoff: number): Promise<string[]> {
  const out: string[] = [];
  for (const key of keys) {
    const s = await stat(path.join(ctx.config.mediaDir, key.slice(0, 2), key)).catch(() => null);
    if (s && s.mtimeMs < cutoff) out.push(key);
  }
  return out;
}

/** For SCHEDULED_JOBS (src/server/jobs.ts); hourly, harmless when run twice. */
export const mediaPurgeJob = {
  name: "media-purge",
  everyMs: 3600_000,
  run: async (ctx: Ctx) => {
    await purgeMedia(ctx);
  },
};
