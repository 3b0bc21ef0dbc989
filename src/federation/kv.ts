// Fedify's KvStore in the app database (embedded mode): cached remote documents and keys,
// activity idempotence records, circuit-breaker state. A table instead of memory so that a
// restart neither forgets which activities were already processed nor refetches every key.
import { and, asc, eq, gt, gte, isNull, lt, lte, or, sql, type SQL } from "drizzle-orm";
import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from "@fedify/fedify";
import type { Db } from "../db/client.ts";
import { fedifyKv } from "../db/schema/index.ts";
import { durationToMs } from "./duration.ts";

const LIST_PAGE = 500;

/**
 * Keys are stored as JSON.stringify(key). Each element is a quoted JSON string, so the text of
 * a key starts with `["a","b",` exactly when the key's first elements are "a" and "b": a prefix
 * listing becomes a range scan on the primary key (byte order, see the schema).
 */
function encodeKey(key: KvKey | readonly string[]): string {
  return JSON.stringify(key);
}

/** Values are written as JSON text cast to json, so that JSON null is stored as a value, not SQL NULL. */
function jsonValue(value: unknown): SQL {
  return sql`${JSON.stringify(value)}::json`;
}

function expiry(options?: KvStoreSetOptions): SQL | null {
  if (options?.ttl == null) return null;
  // The database clock, not ours: several processes may share the store.
  return sql`now() + make_interval(secs => ${Math.max(0, durationToMs(options.ttl)) / 1000})`;
}

const live = or(isNull(fedifyKv.expiresAt), gt(fedifyKv.expiresAt, sql`now()`));

export class DrizzleKvStore implements KvStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    const k = encodeKey(key);
    const [row] = await this.#db
      .select({ value: fedifyKv.value, expired: sql<boolean>`${fedifyKv.expiresAt} <= now()` })
      .from(fedifyKv)
      .where(eq(fedifyKv.key, k));
    if (row == null) return undefined;
    if (row.expired) {
      // Lazy purge; the condition keeps a value that another process just re-set.
      await this.#db.delete(fedifyKv).where(and(eq(fedifyKv.key, k), lte(fedifyKv.expiresAt, sql`now()`)));
      return undefined;
    }
    return row.value as T;
  }

  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    // JSON has no undefined; MemoryKvStore would return undefined afterwards, as for a missing key.
    if (value === undefined) return this.delete(key);
    const expiresAt = expiry(options);
    await this.#db
      .insert(fedifyKv)
      .values({ key: encodeKey(key), value: jsonValue(value), expiresAt })
      .onConflictDoUpdate({ target: fedifyKv.key, set: { value: jsonValue(value), expiresAt } });
  }

  async delete(key: KvKey): Promise<void> {
    await this.#db.delete(fedifyKv).where(eq(fedifyKv.key, encodeKey(key)));
  }

  /**
   * Atomic in one statement, so that concurrent workers (Fedify's circuit breaker) cannot both
   * win. Equality is jsonb equality (key order does not matter), like MemoryKvStore's deep
   * equality. An expired entry counts as absent.
   */
  async cas(key: KvKey, expectedValue: unknown, newValue: unknown, options?: KvStoreSetOptions): Promise<boolean> {
    const k = encodeKey(key);
    if (expectedValue === undefined) {
      if (newValue === undefined) return (await this.get(key)) === undefined;
      const expiresAt = expiry(options);
      const rows = await this.#db
        .insert(fedifyKv)
        .values({ key: k, value: jsonValue(newValue), expiresAt })
        .onConflictDoUpdate({
          target: fedifyKv.key,
          set: { value: jsonValue(newValue), expiresAt },
          setWhere: lte(fedifyKv.expiresAt, sql`now()`),
        })
        .returning({ key: fedifyKv.key });
      return rows.length > 0;
    }
    const matches = and(
      eq(fedifyKv.key, k),
      live,
      sql`${fedifyKv.value}::jsonb = ${JSON.stringify(expectedValue)}::jsonb`,
    );
    if (newValue === undefined) {
      const rows = await this.#db.delete(fedifyKv).where(matches).returning({ key: fedifyKv.key });
      return rows.length > 0;
    }
    const rows = await this.#db
      .update(fedifyKv)
      .set({ value: jsonValue(newValue), expiresAt: expiry(options) })
      .where(matches)
      .returning({ key: fedifyKv.key });
    return rows.length > 0;
  }

  /** Entries whose key starts with `prefix` (all entries without one), in key order, paged. */
  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    let match: SQL | undefined;
    if (prefix != null && prefix.length > 0) {
      const exact = encodeKey(prefix);
      const open = exact.slice(0, -1); // `["a","b"` without the closing bracket
      // "," and "-" are adjacent code points: [open + ",", open + "-") holds every longer key.
      match = or(eq(fedifyKv.key, exact), and(gte(fedifyKv.key, `${open},`), lt(fedifyKv.key, `${open}-`)));
    }
    let after: string | undefined;
    for (;;) {
      const rows = await this.#db
        .select({ key: fedifyKv.key, value: fedifyKv.value })
        .from(fedifyKv)
        .where(and(match, live, after == null ? undefined : gt(fedifyKv.key, after)))
        .orderBy(asc(fedifyKv.key))
        .limit(LIST_PAGE);
      for (const row of rows) yield { key: JSON.parse(row.key) as KvKey, value: row.value };
      if (rows.length < LIST_PAGE) return;
      after = rows[rows.length - 1].key;
    }
  }

  /** Deletes expired entries; returns how many. For a periodic job (reads already skip them). */
  async purgeExpired(): Promise<number> {
    const rows = await this.#db
      .delete(fedifyKv)
      .where(lte(fedifyKv.expiresAt, sql`now()`))
      .returning({ key: fedifyKv.key });
    return rows.length;
  }
}
