// Reading a subscribed list from where it lives: a URL, through the SSRF-safe fetch with the
// stored ETag (a 304 means nothing changed), or a file on this machine (its size and mtime
// stand in for an ETag). Failures are thrown as ListFetchError with a readable message.
import fs from "node:fs/promises";
import type { Ctx } from "../../domain/context.ts";
import { safeFetch, SafeFetchError, userAgentFor } from "../fetch/index.ts";

/** 20,000 rows with comments fit well within this. */
export const MAX_LIST_BYTES = 8 * 1024 * 1024;
const TIMEOUT_MS = 30_000;

export type FetchedList = { notModified: true } | { notModified: false; bytes: Uint8Array; etag: string | null };

export class ListFetchError extends Error {}

const ACCEPT = "text/csv, application/json;q=0.9, application/ld+json;q=0.9, text/plain;q=0.8, */*;q=0.1";

export async function fetchListSource(ctx: Ctx, source: string, etag: string | null): Promise<FetchedList> {
  if (source.startsWith("/")) return readFile(source, etag);
  let res;
  try {
    res = await safeFetch(source, {
      allowPrivateAddress: ctx.config.allowPrivateAddress,
      userAgent: userAgentFor(ctx.config.origin),
      accept: ACCEPT,
      headers: etag ? { "if-none-match": etag } : undefined,
      timeoutMs: TIMEOUT_MS,
      maxBytes: MAX_LIST_BYTES,
    });
  } catch (e) {
    if (e instanceof SafeFetchError && e.code === "too_large") throw new ListFetchError(`the list is larger than ${MAX_LIST_BYTES} bytes`);
    throw new ListFetchError(`could not fetch the list: ${(e as Error).message}`);
  }
  if (res.status === 304 && etag) return { notModified: true };
  if (!res.ok) throw new ListFetchError(`the list's server answered ${res.status}`);
  return { notModified: false, bytes: res.body, etag: res.headers.get("etag") };
}

async function readFile(file: string, etag: string | null): Promise<FetchedList> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch (e) {
    throw new ListFetchError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!stat.isFile()) throw new ListFetchError(`${file} is not a file`);
  if (stat.size > MAX_LIST_BYTES) throw new ListFetchError(`${file} is larger than ${MAX_LIST_BYTES} bytes`);
  const tag = `file:${stat.size}:${stat.mtimeMs}`;
  if (etag === tag) return { notModified: true };
  return { notModified: false, bytes: new Uint8Array(await fs.readFile(file)), etag: tag };
}
