// Files of local media on disk: <mediaDir>/<first two key characters>/<key>/{original,small}.<ext>.
// The key is 128 random bits; it names the folder and appears in the URL, so a file can be
// found only by someone who was given its URL. Ids never appear in paths.
import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Config } from "../../config/index.ts";

/** 16 random bytes, base64url: 22 characters. */
export function newStorageKey(): string {
  return randomBytes(16).toString("base64url");
}

const KEY = /^[A-Za-z0-9_-]{22}$/;
const FILE = /^(original|small)\.(jpg|png|webp)$/;

export const isStorageKey = (s: string): boolean => KEY.test(s);
export const isMediaFileName = (s: string): boolean => FILE.test(s);

function folderOf(config: Config, key: string): string {
  if (!isStorageKey(key)) throw new Error("not a storage key");
  return path.join(config.mediaDir, key.slice(0, 2), key);
}

export function mediaFilePath(config: Config, key: string, file: string): string {
  if (!isMediaFileName(file)) throw new Error("not a media file name");
  return path.join(folderOf(config, key), file);
}

/** The URL path of a stored file; the API makes it absolute with the origin. */
export const mediaUrlPath = (key: string, file: string): string => `/media/${key}/${file}`;

/** Writes each file under a temporary name first, so a reader never sees half a file. */
export async function writeMediaFiles(config: Config, key: string, files: Record<string, Uint8Array>): Promise<void> {
  const folder = folderOf(config, key);
  await mkdir(folder, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) {
    const target = mediaFilePath(config, key, name);
    await writeFile(`${target}.tmp`, bytes, { mode: 0o640 });
    await rename(`${target}.tmp`, target);
  }
}

export async function removeMediaFiles(config: Config, keys: Iterable<string | null>): Promise<void> {
  for (const key of keys) if (key && isStorageKey(key)) await rm(folderOf(config, key), { recursive: true, force: true });
}

/** Every key that has a folder on disk (for the sweep of files whose row is gone). */
export async function storedKeys(config: Config): Promise<string[]> {
  const shards = await readdir(config.mediaDir).catch(() => [] as string[]);
  const keys: string[] = [];
  for (const shard of shards) {
    if (!/^[A-Za-z0-9_-]{2}$/.test(shard)) continue;
    for (const key of await readdir(path.join(config.mediaDir, shard)).catch(() => [] as string[])) if (isStorageKey(key)) keys.push(key);
  }
  return keys;
}
