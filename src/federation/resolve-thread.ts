// Missing ancestors of a remote post, fetched from their origins: walk up what is stored; at the
// top, ask the top post's origin what it replies to, fetch that, link it, go on. Bounded in
// depth and in fetches, so a hostile server cannot keep us walking an endless chain; a top post
// that was asked recently is not asked again (a thread root is viewed far more than it changes).
import { and, eq, isNull, sql } from "drizzle-orm";
import { statuses } from "../db/schema/index.ts";
import { COUNTED_REPLY_AUDIENCES } from "../domain/statuses/create.ts";
import { statusById } from "../domain/statuses/lookup.ts";
import { httpUrl } from "./mappers/common.ts";
import { budget as makeBudget, type FedCtx, type FetchBudget } from "./resolve-context.ts";
import { fetchDocument } from "./resolve-fetch.ts";
import { isLocalUri, resolveRemoteStatusDetailed, type StatusRow } from "./resolve.ts";

export const THREAD_MAX_DEPTH = 20;
export const THREAD_MAX_FETCHES = 20;
const TOP_CHECKED_MS = 3600_000;

/** What the origin says `row` replies to (null: nothing, or it could not be asked). */
async function originParent(fctx: FedCtx, row: StatusRow, b: FetchBudget): Promise<string | null> {
  const key = `thread-top:${row.id}`;
  const hit = fctx.data.cache.get(key);
  if (hit && hit.until > Date.now()) return hit.value as string | null;
  if (b.left <= 0) return null;
  b.left--;
  const fetched = await fetchDocument(fctx, row.uri);
  // Only the post's own document speaks for it.
  const parent = fetched && httpUrl(fetched.object.id) === row.uri && fetched.url === row.uri ? httpUrl(fetched.object.replyTargetId) : null;
  rememberParent(fctx, row.id, parent);
  return parent;
}

let sets = 0;

function rememberParent(fctx: FedCtx, statusId: string, parent: string | null): void {
  const cache = fctx.data.cache;
  cache.set(`thread-top:${statusId}`, { value: parent, until: Date.now() + TOP_CHECKED_MS });
  // The cache is per process and long-lived: drop our expired entries now and then.
  if (++sets % 1000 === 0) {
    const now = Date.now();
    for (const [k, v] of cache) if (k.startsWith("thread-top:") && v.until <= now) cache.delete(k);
  }
}

/** Links a post to a parent found later, counting the reply as storing it would have. */
async function link(fctx: FedCtx, child: StatusRow, parent: StatusRow): Promise<void> {
  const done = await fctx.data.db
    .update(statuses)
    .set({ inReplyToId: parent.id, inReplyToAccountId: parent.accountId })
    .where(and(eq(statuses.id, child.id), isNull(statuses.inReplyToId)))
    .returning({ id: statuses.id });
  if (done.length && COUNTED_REPLY_AUDIENCES.has(child.audience)) {
    await fctx.data.db.update(statuses).set({ repliesCount: sql`${statuses.repliesCount} + 1` }).where(eq(statuses.id, parent.id));
  }
}

/**
 * Fetches the missing ancestors of the status `statusId` (at most `maxDepth` levels up and
 * `maxFetches` documents). Returns how many posts were added.
 */
export async function fetchThread(fctx: FedCtx, statusId: string, opts: { maxDepth?: number; maxFetches?: number } = {}): Promise<number> {
  const maxDepth = opts.maxDepth ?? THREAD_MAX_DEPTH;
  const b = makeBudget(opts.maxFetches ?? THREAD_MAX_FETCHES);
  let current = await statusById(fctx.data, statusId);
  if (current?.reblogOfId) current = await statusById(fctx.data, current.reblogOfId);
  const seen = new Set<string>();
  let added = 0;
  // undefined: not known yet, ask the origin; null: the origin says it is a root
  let parentUri: string | null | undefined;
  for (let depth = 0; current && depth < maxDepth && !seen.has(current.id); depth++) {
    seen.add(current.id);
    if (current.inReplyToId) {
      current = await statusById(fctx.data, current.inReplyToId);
      parentUri = undefined;
      continue;
    }
    if (isLocalUri(fctx.data, current.uri)) break;
    if (parentUri === undefined) parentUri = await originParent(fctx, current, b);
    if (!parentUri) break;
    const stored = await resolveRemoteStatusDetailed(fctx, parentUri, { budget: b, parentDepth: 0 });
    if (!stored) break;
    await link(fctx, current, stored.row);
    if (stored.created) added++;
    current = stored.row;
    parentUri = stored.inReplyTo;
    // Just fetched: what it replies to is known, and need not be asked again for a while.
    if (parentUri !== undefined) rememberParent(fctx, current.id, parentUri);
  }
  return added;
}
