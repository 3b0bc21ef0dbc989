// Remote resolution: accounts and posts fetched from their origin (signed as the instance
// actor), checked by the mappers, stored by resolve-store.ts. Used by the inbox (the author of a
// delivered post, an object that must be re-fetched because it was embedded by someone else) and
// by the Mastodon API (lookup, search with resolve=true, thread context).
//
// Rules: a blocked domain is never fetched from and nothing of it is stored; a document counts
// only when its id is the URL it was served from (one re-fetch from the id on the same host is
// allowed, for URLs like /@alice that serve the actor); a post's author is resolved first, and
// the post must be attributed to an actor on its own host.
import { eq, or } from "drizzle-orm";
import { isActor } from "@fedify/vocab";
import { accounts, statuses } from "../db/schema/index.ts";
import type { Ctx } from "../domain/context.ts";
import { serverStanding } from "../domain/federation-policy/standing.ts";
import { actorToAccount, type RemoteAccountRecord } from "./mappers/actor.ts";
import { objectToStatus, statusTypeOf, type RemoteStatusRecord } from "./mappers/note.ts";
import { hostOf, httpUrl, isMapError, localHost, sameHost } from "./mappers/common.ts";
import { resolveLogger as logger, spend, type FedCtx, type FetchBudget } from "./resolve-context.ts";
import { fetchDocument, type Fetched } from "./resolve-fetch.ts";
import { accountByUri, statusByUri, storeRemoteStatus, upsertRemoteAccount, type AccountRow, type Stored, type StatusRow } from "./resolve-store.ts";

export type { AccountRow, StatusRow } from "./resolve-store.ts";
export { federationContext } from "./resolve-context.ts";
export { resolveHandle } from "./resolve-webfinger.ts";
export { fetchThread } from "./resolve-thread.ts";

/** How long a stored remote account is used before it is fetched again. */
export const ACCOUNT_TTL_MS = 24 * 3600_000;

export function isLocalUri(ctx: Ctx, uri: string): boolean {
  return hostOf(uri) === localHost(ctx.config.origin);
}

export async function isBlockedHost(ctx: Ctx, host: string | null): Promise<boolean> {
  return host === null || (await serverStanding(ctx, host)) === "blocked";
}

/** Fetches `url`; when the document's id is elsewhere on the same host, fetches that id once. */
async function fetchCanonical(fctx: FedCtx, url: string, budget?: FetchBudget): Promise<Fetched | null> {
  if (!spend(budget)) return null;
  const first = await fetchDocument(fctx, url);
  if (!first) return null;
  const id = httpUrl(first.object.id);
  if (id === first.url) return first;
  if (id === null || !sameHost(id, first.url) || !spend(budget)) {
    logger.info("{url} serves a document with id {id}: refused", { url, id });
    return null;
  }
  const second = await fetchDocument(fctx, id);
  return second && httpUrl(second.object.id) === second.url ? second : null;
}

/** The actor at `url`, mapped and checked, or null. */
export async function fetchActorRecord(fctx: FedCtx, url: string, budget?: FetchBudget): Promise<RemoteAccountRecord | null> {
  const fetched = await fetchCanonical(fctx, url, budget);
  if (!fetched) return null;
  if (!isActor(fetched.object)) {
    logger.info("{url} is not an actor", { url });
    return null;
  }
  const record = await actorToAccount(fetched.object, { localOrigin: fctx.data.config.origin });
  if (isMapError(record)) {
    logger.info("Actor {url} refused: {reason}", { url, reason: record.reason });
    return null;
  }
  return record;
}

export type ResolveOptions = { refresh?: boolean; budget?: FetchBudget };

/**
 * The account for an actor uri: ours, a stored one younger than a day, or fetched and upserted.
 * Null for blocked domains and for anything that does not check out; when the origin does not
 * answer, what we already had.
 */
export async function resolveRemoteAccount(fctx: FedCtx, uri: string, opts: ResolveOptions = {}): Promise<AccountRow | null> {
  const ctx = fctx.data;
  const href = httpUrl(uri);
  if (href === null) return null;
  if (isLocalUri(ctx, href)) {
    const local = await accountByUri(ctx, href);
    return local?.domain === null ? local : null;
  }
  if (await isBlockedHost(ctx, hostOf(href))) {
    logger.info("Not resolving {uri}: its server is blocked", { uri: href });
    return null;
  }
  const existing = await accountByUri(ctx, href);
  if (existing && !opts.refresh && Date.now() - existing.updatedAt.getTime() < ACCOUNT_TTL_MS) return existing;
  const record = await fetchActorRecord(fctx, href, opts.budget);
  if (!record || record.uri !== href) return existing;
  return upsertRemoteAccount(ctx, record);
}

export type ResolvedStatus = Stored & {
  /** what the post replies to, when it was just fetched (undefined for rows we already had) */
  inReplyTo?: string | null;
};

export type StatusResolveOptions = {
  budget?: FetchBudget;
  /** how many missing parents to fetch above the post (default 1: its direct parent) */
  parentDepth?: number;
};

/** Like resolveRemoteStatus, but says whether the row was created (the inbox notifies then). */
export async function resolveRemoteStatusDetailed(fctx: FedCtx, uri: string, opts: StatusResolveOptions = {}): Promise<ResolvedStatus | null> {
  const ctx = fctx.data;
  const href = httpUrl(uri);
  if (href === null) return null;
  const known = await statusByUri(ctx, href);
  if (known) return { row: known, created: false, mentionedLocal: [] };
  if (isLocalUri(ctx, href)) return null;
  if (await isBlockedHost(ctx, hostOf(href))) {
    logger.info("Not resolving {uri}: its server is blocked", { uri: href });
    return null;
  }
  const fetched = await fetchCanonical(fctx, href, opts.budget);
  if (!fetched) return null;
  const object = fetched.object;
  if (statusTypeOf(object) === null) {
    logger.info("{uri} is not a post", { uri: href });
    return null;
  }
  const again = await statusByUri(ctx, fetched.url);
  if (again) return { row: again, created: false, mentionedLocal: [] };
  const authorUri = object.attributionIds.map((u) => httpUrl(u)).find((u): u is string => u !== null && sameHost(u, fetched.url));
  if (!authorUri) {
    logger.info("{uri} has no author on its own host", { uri: fetched.url });
    return null;
  }
  const author = await resolveRemoteAccount(fctx, authorUri, { budget: opts.budget });
  if (!author || author.suspendedAt) return null;
  const record = await objectToStatus(object, {
    localOrigin: ctx.config.origin,
    authorUri: author.uri,
    followersUrl: author.followersUrl,
    fetchedFrom: fetched.url,
    source: fetched.json,
  });
  if (isMapError(record)) {
    logger.info("Post {uri} refused: {reason}", { uri: fetched.url, reason: record.reason });
    return null;
  }
  const parent = await parentOf(fctx, record.inReplyTo, opts);
  return { ...(await storeRemoteStatus(ctx, record, author, parent)), inReplyTo: record.inReplyTo };
}

/** The stored parent of a post; a missing one is fetched while parentDepth allows. */
export async function parentOf(fctx: FedCtx, inReplyTo: string | null, opts: StatusResolveOptions): Promise<StatusRow | null> {
  if (!inReplyTo) return null;
  const known = await statusByUri(fctx.data, inReplyTo);
  if (known) return known;
  const depth = opts.parentDepth ?? 1;
  if (depth <= 0) return null;
  return (await resolveRemoteStatusDetailed(fctx, inReplyTo, { ...opts, parentDepth: depth - 1 }))?.row ?? null;
}

/** The current version of a post from its origin, mapped as `author`'s (an Update that only names it). */
export async function fetchStatusRecord(fctx: FedCtx, uri: string, author: AccountRow): Promise<RemoteStatusRecord | null> {
  const fetched = await fetchCanonical(fctx, uri);
  if (!fetched || statusTypeOf(fetched.object) === null) return null;
  const record = await objectToStatus(fetched.object, {
    localOrigin: fctx.data.config.origin,
    authorUri: author.uri,
    followersUrl: author.followersUrl,
    fetchedFrom: fetched.url,
    source: fetched.json,
  });
  if (isMapError(record)) {
    logger.info("Post {uri} refused: {reason}", { uri, reason: record.reason });
    return null;
  }
  return record;
}

/** The status for a post uri: ours, stored, or fetched from its origin (with its author). */
export async function resolveRemoteStatus(fctx: FedCtx, uri: string, opts: StatusResolveOptions = {}): Promise<StatusRow | null> {
  return (await resolveRemoteStatusDetailed(fctx, uri, opts))?.row ?? null;
}

/**
 * What a URL pasted into search names: an account or a post, here or elsewhere. Known rows are
 * found by uri or by their web URL; unknown ones are fetched.
 */
export async function resolveUrl(fctx: FedCtx, url: string, budget?: FetchBudget): Promise<{ account: AccountRow | null; status: StatusRow | null }> {
  const ctx = fctx.data;
  const href = httpUrl(url);
  if (href === null) return { account: null, status: null };
  const [status] = await ctx.db.select().from(statuses).where(or(eq(statuses.uri, href), eq(statuses.url, href))).limit(1);
  if (status) return { account: null, status };
  const [account] = await ctx.db.select().from(accounts).where(or(eq(accounts.uri, href), eq(accounts.url, href))).limit(1);
  if (account) return { account, status: null };
  if (isLocalUri(ctx, href) || (await isBlockedHost(ctx, hostOf(href))) || !spend(budget)) return { account: null, status: null };
  const fetched = await fetchDocument(fctx, href);
  const id = fetched ? httpUrl(fetched.object.id) : null;
  if (!fetched || id === null || !sameHost(id, fetched.url)) return { account: null, status: null };
  if (isActor(fetched.object)) return { account: await resolveRemoteAccount(fctx, id, { budget }), status: null };
  if (statusTypeOf(fetched.object) !== null) return { account: null, status: await resolveRemoteStatus(fctx, id, { budget }) };
  return { account: null, status: null };
}
