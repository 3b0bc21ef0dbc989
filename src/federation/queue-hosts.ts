// Per-host slots for DrizzleMessageQueue's perInboxHost option (./queue.ts): which inbox host a
// queued message goes to, and how many messages for each host one listener is running.
import { sql } from "drizzle-orm";
import { fedifyQueue as q } from "../db/schema/index.ts";

/**
 * The host (with port) of a message's `inbox` URL, computed in SQL: the claim skips hosts at
 * their limit by it and returns it for the claimed message, so both sides use the very same
 * value. Null for messages without an inbox (Fedify's inbox and fanout messages, our events).
 */
const INBOX_HOST = "^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#]+)";
export const inboxHost = sql<string | null>`lower(substring(${q.message}->>'inbox' from ${INBOX_HOST}::text))`;

/** Messages running per host, for one listen() call. */
export class HostSlots {
  readonly #limit: number;
  readonly #running = new Map<string, number>();

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Hosts that may not have another message now. */
  full(): string[] {
    return [...this.#running].filter(([, n]) => n >= this.#limit).map(([host]) => host);
  }

  take(host: string | null): void {
    if (host != null) this.#running.set(host, (this.#running.get(host) ?? 0) + 1);
  }

  give(host: string | null): void {
    if (host == null) return;
    const n = (this.#running.get(host) ?? 1) - 1;
    if (n > 0) this.#running.set(host, n);
    else this.#running.delete(host);
  }
}
