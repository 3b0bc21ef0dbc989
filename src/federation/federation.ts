// Fedify wiring: actors, keys, WebFinger, objects and collections, each answered for the
// signer of the request through the audience gate. Signed fetch is required by default: an
// unsigned GET gets the bare actor (what other servers need to verify our signatures) and
// nothing else.
import { createExponentialBackoffPolicy, createFederation, type Federation, type RequestContext, type RetryPolicy } from "@fedify/fedify";
import { Create, Note, Tombstone } from "@fedify/vocab";
import { and, desc, eq, isNull } from "drizzle-orm";
import { accounts, statuses } from "../db/schema/index.ts";
import type { Ctx } from "../domain/context.ts";
import { localAccountByUsername } from "../domain/accounts/create.ts";
import { isTombstoned } from "../domain/privacy/delete-account.ts";
import { filterVisibleStatuses } from "../domain/audience/facts.ts";
import { DrizzleKvStore } from "./kv.ts";
import { DrizzleMessageQueue } from "./queue.ts";
import { accountKeyPairs, instanceKeyPairs } from "./keys.ts";
import { fetchViewer, remoteViewer } from "./remote-viewer.ts";
import { INSTANCE_ACTOR, instanceActor, localActor } from "./actor.ts";
import { statusToNote } from "./note.ts";
import { mayListPosts, registerCollections } from "./collections.ts";
import { registerInbox } from "./inbox/index.ts";
import { createLoaderFactories, userAgentFor } from "./fetch/index.ts";
import { guardOutbox } from "./outbox/guard.ts";

export type CaracolFederation = Federation<Ctx>;

/** Refuses signed requests from servers we do not exchange data with; unsigned ones per config. */
export async function authorizeFetch(fctx: RequestContext<Ctx>): Promise<boolean> {
  const viewer = await remoteViewer(fctx);
  if (viewer) return viewer.kind === "remote" && viewer.standing !== "blocked" && viewer.standing !== "pending";
  return !fctx.data.config.requireSignedFetch;
}

/** For tests only (never from the environment): production uses the defaults below. */
export type CaracolFederationOptions = {
  /** replaces the outbox retry policy, e.g. to give up after a few quick retries */
  outboxRetryPolicy?: RetryPolicy;
};

/**
 * Outbox deliveries handled at the same time per worker process. Fedify gives each activity an
 * ordering key per inbox origin, and our queue runs one message per ordering key at a time, so
 * the activities about one subject reach each server in order.
 */
const OUTBOX_CONCURRENCY = 4;
/**
 * ... and at most this many of them to one inbox host: different activities have different
 * ordering keys, so without it a slow or hanging server with a backlog would take every slot
 * and hold up deliveries to all other servers. It leaves them the other slots.
 */
const OUTBOX_PER_HOST = 2;

export function createCaracolFederation(ctx: Ctx, options: CaracolFederationOptions = {}): CaracolFederation {
  const { db, config } = ctx;
  const kv = new DrizzleKvStore(db);
  // Retries for about a day (1 min doubling to 6 h), then a recorded give-up (./outbox/guard.ts).
  const retries = options.outboxRetryPolicy ?? createExponentialBackoffPolicy({ initialDelay: { minutes: 1 }, maxDelay: { hours: 6 }, maxAttempts: 10 });
  const outbox = guardOutbox(ctx, new DrizzleMessageQueue(db, { name: "outbox", concurrency: OUTBOX_CONCURRENCY, perInboxHost: OUTBOX_PER_HOST }), retries);
  const federation = createFederation<Ctx>({
    kv,
    queue: {
      inbox: new DrizzleMessageQueue(db, { name: "inbox" }),
      outbox: outbox.queue,
      fanout: new DrizzleMessageQueue(db, { name: "fanout" }),
    },
    manuallyStartQueue: true,
    origin: config.origin,
    // Every fetch Fedify makes goes through our loaders: address checks at connect time,
    // size and time limits (src/federation/fetch). They apply allowPrivateAddress themselves.
    ...createLoaderFactories({ kv, allowPrivateAddress: config.allowPrivateAddress, userAgent: userAgentFor(config.origin) }),
    outboxRetryPolicy: outbox.retryPolicy,
    onOutboxError: outbox.onOutboxError,
  });

  federation
    .setActorDispatcher("/users/{identifier}", async (fctx, identifier) => {
      if (identifier === INSTANCE_ACTOR) return instanceActor(fctx);
      const account = await localAccountByUsername(fctx.data, identifier);
      // a deleted account answers 410 Gone (Fedify serves a Tombstone so)
      if (!account && (await isTombstoned(fctx.data, identifier))) return new Tombstone({ id: fctx.getActorUri(identifier) });
      if (!account || account.suspendedAt) return null;
      const viewer = await remoteViewer(fctx);
      const shaped = viewer && (viewer.kind !== "remote" || viewer.standing !== "blocked") ? viewer : config.requireSignedFetch ? null : { kind: "anonymous" as const };
      return localActor(fctx, account, shaped);
    })
    .mapActorAlias("/actor", INSTANCE_ACTOR)
    .mapHandle(async (fctx, username) => {
      if (username === INSTANCE_ACTOR || username === config.domain) return INSTANCE_ACTOR;
      const account = await localAccountByUsername(fctx.data, username);
      // a deleted account's handle leads to its Tombstone, so WebFinger answers 410 Gone
      if (!account && (await isTombstoned(fctx.data, username))) return username.toLowerCase();
      return account && !account.suspendedAt ? account.username : null;
    })
    .setKeyPairsDispatcher(async (kctx, identifier) => {
      if (identifier === INSTANCE_ACTOR) return instanceKeyPairs(kctx.data);
      const account = await localAccountByUsername(kctx.data, identifier);
      return account ? accountKeyPairs(kctx.data, account.id) : [];
    })
    .authorize(async (fctx) => {
      // A signed request from a blocked server is refused outright; unsigned ones get the bare actor.
      const viewer = await remoteViewer(fctx);
      return !(viewer?.kind === "remote" && viewer.standing === "blocked");
    });

  federation
    .setObjectDispatcher(Note, "/users/{identifier}/statuses/{id}", async (fctx, values) => {
      if (!/^\d{1,19}$/.test(values.id)) return null;
      const viewer = await fetchViewer(fctx);
      const [row] = await fctx.data.db
        .select({ s: statuses, username: accounts.username })
        .from(statuses)
        .innerJoin(accounts, eq(accounts.id, statuses.accountId))
        .where(and(eq(statuses.id, values.id), isNull(accounts.domain)));
      if (!row || row.username !== values.identifier || row.s.reblogOfId) return null;
      // Unsigned, or signed by a server we do not exchange data with: an empty shell, which
      // authorize() then refuses with 401.
      if (!viewer || (viewer.kind === "remote" && (viewer.standing === "blocked" || viewer.standing === "pending"))) {
        return new Note({ id: new URL(row.s.uri) });
      }
      const visible = await filterVisibleStatuses(fctx.data, viewer, [row.s]);
      return visible.length ? statusToNote(fctx, row.s, row.username) : null;
    })
    .authorize(authorizeFetch);

  federation
    .setOutboxDispatcher("/users/{identifier}/outbox", async (fctx, identifier) => {
      const viewer = await fetchViewer(fctx);
      const account = identifier === INSTANCE_ACTOR ? null : await localAccountByUsername(fctx.data, identifier);
      // The outbox lists posts, so the profile's "list of posts" audience applies before each post's own.
      if (!viewer || !account || !(await mayListPosts(fctx, viewer, account.id))) return { items: [] };
      const rows = await fctx.data.db.select().from(statuses).where(and(eq(statuses.accountId, account.id), isNull(statuses.reblogOfId))).orderBy(desc(statuses.id)).limit(20);
      const visible = await filterVisibleStatuses(fctx.data, viewer, rows);
      const items: Create[] = [];
      for (const s of visible) {
        const note = await statusToNote(fctx, s, account.username);
        if (note) items.push(new Create({ id: new URL(`${s.uri}/activity`), actor: note.attributionId, object: note, tos: note.toIds, ccs: note.ccIds, published: note.published }));
      }
      return { items };
    })
    .authorize(authorizeFetch);

  registerCollections(federation);
  registerInbox(federation.setInboxListeners("/users/{identifier}/inbox", "/inbox"), federation, ctx);
  return federation;
}
