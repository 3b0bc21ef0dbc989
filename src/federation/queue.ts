// Fedify's MessageQueue in the app database (embedded mode, and any PostgreSQL deployment).
// At-least-once: a message is deleted only after its handler succeeded; a claimed message is
// leased, the lease is renewed while the handler runs, and a message whose worker died (kill -9,
// power loss) becomes claimable again when its lease runs out. Handlers must therefore tolerate
// a rare second delivery; Fedify's inbox deduplicates by activity id, and remote servers do too.
import crypto from "node:crypto";
import { and, asc, eq, isNull, lt, lte, notExists, notInArray, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { getLogger } from "@logtape/logtape";
import type { MessageQueue, MessageQueueDepth, MessageQueueEnqueueOptions, MessageQueueListenOptions } from "@fedify/fedify";
import type { Db } from "../db/client.ts";
import { fedifyQueue as q } from "../db/schema/index.ts";
import { durationToMs } from "./duration.ts";
import { HostSlots, inboxHost } from "./queue-hosts.ts";

const logger = getLogger(["caracol", "federation", "queue"]);

export type DrizzleMessageQueueOptions = {
  /**
   * Queues with different names share the table but not their messages: give Fedify separate
   * inbox, outbox and fanout queues so that a large fan-out cannot hold up incoming activities.
   * Default "default".
   */
  name?: string;
  /** how often an idle listener looks for work queued by other processes (ms, default 1000) */
  pollIntervalMs?: number;
  /** how long a claim stays valid without renewal: the worst-case delay after a crash (ms, default 30000) */
  leaseMs?: number;
  /** messages one listen() call handles at the same time (default 1) */
  concurrency?: number;
  /**
   * At most this many messages for one inbox host handled at the same time by one listen()
   * call (default: no limit besides `concurrency`). For Fedify's outbox queue, whose messages
   * name the inbox they go to (`inbox`): Fedify gives every activity an ordering key of its own
   * per inbox origin, so without this one slow server with many pending activities would take
   * every slot and hold up deliveries to everyone else. Messages without an inbox are not
   * limited. Like `concurrency` it counts this listener's claims, not other processes'.
   */
  perInboxHost?: number;
  /** handler failures before a message is set aside as failed (default 5) */
  maxAttempts?: number;
  /** delay before retrying after the n-th failure (ms; default 1 s, 4 s, 16 s, ... up to 15 min) */
  retryDelayMs?: (attempts: number) => number;
  /** after abort, how long listen() waits for running handlers before it gives up on them (ms, default 10000) */
  drainTimeoutMs?: number;
};

type Claimed = { id: number; message: unknown; attempts: number; token: string; host: string | null };

/**
 * Listeners in this process, per database: an enqueue wakes them at once instead of at their
 * next poll. Other processes still find the message by polling.
 */
const wakers = new WeakMap<object, Set<() => void>>();

function listenersOf(db: Db): Set<() => void> {
  let set = wakers.get(db);
  if (set == null) wakers.set(db, (set = new Set()));
  return set;
}

function inMs(ms: number): SQL {
  // The database clock, not ours: leases and delays must mean the same to every process.
  return ms > 0 ? sql`now() + make_interval(secs => ${ms / 1000})` : sql`now()`;
}

function jsonValue(message: unknown): SQL {
  const text = JSON.stringify(message);
  if (text === undefined) throw new TypeError("A queued message must be JSON-serializable");
  return sql`${text}::json`;
}

const defaultRetryDelay = (attempts: number) => Math.min(1000 * 4 ** Math.max(0, attempts - 1), 15 * 60_000);

export class DrizzleMessageQueue implements MessageQueue {
  /**
   * Fedify retries failed deliveries and inbox handlers itself, by enqueueing a new delayed
   * message with its own backoff policy. Our retry (retryDelayMs/maxAttempts) only catches errors
   * that escape Fedify, so that a poison message cannot loop forever.
   */
  readonly nativeRetrial = false;
  readonly name: string;
  readonly #db: Db;
  readonly #ofThisQueue: SQL;
  readonly #pollIntervalMs: number;
  readonly #leaseMs: number;
  readonly #concurrency: number;
  readonly #perInboxHost: number;
  readonly #maxAttempts: number;
  readonly #retryDelayMs: (attempts: number) => number;
  readonly #drainTimeoutMs: number;

  constructor(db: Db, options: DrizzleMessageQueueOptions = {}) {
    this.#db = db;
    this.name = options.name ?? "default";
    this.#ofThisQueue = eq(q.queue, this.name);
    this.#pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#concurrency = Math.max(1, options.concurrency ?? 1);
    this.#perInboxHost = Math.max(1, options.perInboxHost ?? Infinity);
    this.#maxAttempts = options.maxAttempts ?? 5;
    this.#retryDelayMs = options.retryDelayMs ?? defaultRetryDelay;
    this.#drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
  }

  enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    return this.enqueueMany([message], options);
  }

  async enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    if (messages.length === 0) return;
    const delayMs = options?.delay == null ? 0 : Math.max(0, durationToMs(options.delay));
    const deliverAfter = inMs(delayMs);
    const orderingKey = options?.orderingKey ?? null;
    // One multi-row insert: ids (the order within an ordering key) follow the array order.
    await this.#db.insert(q).values(messages.map((m) => ({ queue: this.name, message: jsonValue(m), orderingKey, deliverAfter })));
    const wake = () => {
      for (const poke of listenersOf(this.#db)) poke();
    };
    wake();
    // A short delay would otherwise wait for the next poll; long ones (Fedify's retries, minutes
    // to hours) are found by polling, so that they do not pile up timers.
    if (delayMs > 0 && delayMs <= 60_000) setTimeout(wake, delayMs + 5).unref();
  }

  async listen(handler: (message: any) => Promise<void> | void, options: MessageQueueListenOptions = {}): Promise<void> {
    const { signal } = options;
    const running = new Set<Promise<void>>();
    // null: no per-host limit, and no host is looked at
    const slots = Number.isFinite(this.#perInboxHost) ? new HostSlots(this.#perInboxHost) : null;
    const heartbeats = new Set<NodeJS.Timeout>();
    // `woken` remembers a poke that arrives while we are busy claiming, so that it is not lost.
    let woken = false;
    let resolveWait: (() => void) | null = null;
    const poke = () => {
      woken = true;
      resolveWait?.();
    };
    const pokes = listenersOf(this.#db);
    pokes.add(poke);
    signal?.addEventListener("abort", poke);
    try {
      while (!signal?.aborted) {
        woken = false;
        let failed = false;
        while (running.size < this.#concurrency && !signal?.aborted) {
          let claimed: Claimed | undefined;
          try {
            claimed = await this.#claim(slots?.full());
          } catch (error) {
            // The interface says listen() never rejects: a database hiccup waits for the next poll.
            logger.error("Could not claim a queued message: {error}", { error });
            failed = true;
            break;
          }
          if (claimed == null) break;
          const { host } = claimed;
          slots?.take(host);
          const run = this.#run(claimed, handler, heartbeats).finally(() => {
            running.delete(run);
            slots?.give(host);
            // a freed slot (also one of a host at its limit) may make another message claimable
            poke();
          });
          running.add(run);
        }
        if (signal?.aborted) break;
        if (woken && !failed) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.#pollIntervalMs);
          resolveWait = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        resolveWait = null;
      }
    } finally {
      pokes.delete(poke);
      signal?.removeEventListener("abort", poke);
    }
    if (running.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.#drainTimeoutMs)));
      await Promise.race([Promise.allSettled([...running]), timeout]);
      clearTimeout(timer);
      // Handlers still running are abandoned: without renewal their leases expire and another
      // worker (or this process after a restart) handles those messages again.
      for (const t of heartbeats) clearInterval(t);
      if (running.size > 0) logger.warn("Stopped listening with {count} handler(s) still running", { count: running.size });
    }
  }

  /**
   * Claims the oldest deliverable message in one statement. FOR UPDATE SKIP LOCKED lets several
   * workers (processes or listeners) claim at once without waiting on or double-claiming a row;
   * the lease (locked_until) outlives the statement, so the claim survives without holding a
   * transaction open while the handler runs (PGlite has a single connection). A message with an
   * ordering key is deliverable only when no earlier message with that key remains: earlier
   * ones are deleted only after success, so one key is handled one message at a time, in order.
   * Messages for the hosts in `fullHosts` are skipped, not waited for: the next message of
   * another host is claimed instead, and the skipped ones stay first in line for when their
   * host has a free slot (skipping never reorders messages that share an ordering key).
   */
  async #claim(fullHosts: readonly string[] = []): Promise<Claimed | undefined> {
    const earlier = alias(q, "earlier");
    const next = this.#db
      .select({ id: q.id })
      .from(q)
      .where(
        and(
          this.#ofThisQueue,
          isNull(q.failedAt),
          lte(q.deliverAfter, sql`now()`),
          or(isNull(q.lockedUntil), lt(q.lockedUntil, sql`now()`)),
          or(
            isNull(q.orderingKey),
            notExists(
              this.#db
                .select({ one: sql`1` })
                .from(earlier)
                .where(
                  and(
                    eq(earlier.queue, q.queue),
                    eq(earlier.orderingKey, q.orderingKey),
                    lt(earlier.id, q.id),
                    isNull(earlier.failedAt),
                  ),
                ),
            ),
          ),
          fullHosts.length > 0 ? or(isNull(inboxHost), notInArray(inboxHost, [...fullHosts])) : undefined,
        ),
      )
      .orderBy(asc(q.deliverAfter), asc(q.id))
      .limit(1)
      .for("update", { skipLocked: true });
    const token = crypto.randomUUID();
    const [row] = await this.#db
      .update(q)
      .set({ lockedUntil: inMs(this.#leaseMs), lockedBy: token, attempts: sql`${q.attempts} + 1` })
      .where(eq(q.id, sql`(${next})`))
      .returning({ id: q.id, message: q.message, attempts: q.attempts, host: inboxHost });
    return row == null ? undefined : { ...row, token };
  }

  /** Runs the handler with lease renewal; never rejects (its caller does not await it at once). */
  async #run(m: Claimed, handler: (message: any) => Promise<void> | void, heartbeats: Set<NodeJS.Timeout>): Promise<void> {
    const mine = and(eq(q.id, m.id), eq(q.lockedBy, m.token));
    if (m.attempts > this.#maxAttempts) {
      // Every earlier claim ended without a result: a message that kills its worker must not
      // crash-loop the server.
      logger.error("Queued message {id} was claimed {attempts} times without finishing; set aside", { id: m.id, attempts: m.attempts });
      const lastError = "claimed too often without finishing (worker died or was stopped)";
      await this.#db.update(q).set({ failedAt: sql`now()`, lockedUntil: null, lockedBy: null, lastError }).where(mine).catch(() => {});
      return;
    }
    const heartbeat = setInterval(() => {
      this.#db
        .update(q)
        .set({ lockedUntil: inMs(this.#leaseMs) })
        .where(mine)
        .returning({ id: q.id })
        .then((rows) => {
          if (rows.length === 0) logger.warn("Lost the lease on queued message {id}", { id: m.id });
        })
        .catch((error) => logger.error("Could not renew a lease: {error}", { error }));
    }, Math.max(50, Math.floor(this.#leaseMs / 3)));
    heartbeats.add(heartbeat);
    let error: unknown;
    let ok = false;
    try {
      await handler(m.message);
      ok = true;
    } catch (e) {
      error = e;
    } finally {
      clearInterval(heartbeat);
      heartbeats.delete(heartbeat);
    }
    try {
      if (ok) {
        await this.#db.delete(q).where(mine);
        return;
      }
      const lastError = error instanceof Error ? (error.stack ?? error.message) : String(error);
      if (m.attempts >= this.#maxAttempts) {
        logger.error("Queued message {id} failed {attempts} times; set aside: {error}", { id: m.id, attempts: m.attempts, error });
        await this.#db.update(q).set({ failedAt: sql`now()`, lockedUntil: null, lockedBy: null, lastError }).where(mine);
      } else {
        logger.warn("Queued message {id} failed (attempt {attempts}); will retry: {error}", { id: m.id, attempts: m.attempts, error });
        const deliverAfter = inMs(this.#retryDelayMs(m.attempts));
        await this.#db.update(q).set({ deliverAfter, lockedUntil: null, lockedBy: null, lastError }).where(mine);
      }
    } catch (e) {
      // The lease will expire and the message will be handled again: at-least-once holds.
      logger.error("Could not settle queued message {id}: {error}", { id: m.id, error: e });
    }
  }

  /** Messages waiting (neither claimed nor set aside as failed). */
  async getDepth(): Promise<MessageQueueDepth> {
    const [row] = await this.#db
      .select({
        ready: sql<number>`count(*) filter (where ${q.deliverAfter} <= now())`.mapWith(Number),
        delayed: sql<number>`count(*) filter (where ${q.deliverAfter} > now())`.mapWith(Number),
      })
      .from(q)
      .where(and(this.#ofThisQueue, isNull(q.failedAt), or(isNull(q.lockedUntil), lt(q.lockedUntil, sql`now()`))));
    return { queued: row.ready + row.delayed, ready: row.ready, delayed: row.delayed };
  }

  /**
   * Makes every claimed message claimable now. Only for start-up of a process that is the sole
   * worker (embedded PGlite): whatever was claimed before belonged to a process that is gone.
   * Never call it while other workers may be running: they would handle messages twice.
   */
  async releaseAllLeases(): Promise<number> {
    const rows = await this.#db
      .update(q)
      .set({ lockedUntil: null, lockedBy: null })
      .where(and(this.#ofThisQueue, isNull(q.failedAt), sql`${q.lockedUntil} is not null`))
      .returning({ id: q.id });
    return rows.length;
  }
}
