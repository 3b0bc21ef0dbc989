import type { Config } from "../config/index.ts";
import type { Db } from "../db/client.ts";
import { NO_EVENTS, type EventSink } from "./events.ts";

/** What every service function receives: the database and the configuration, nothing global. */
export type Ctx = {
  db: Db;
  config: Config;
  /** per-process caches, so that tests with several apps in one process keep them apart */
  cache: Map<string, { value: unknown; until: number }>;
  /** where committed changes are announced (the federation outbox listens) */
  events: EventSink;
};

export function createCtx(db: Db, config: Config): Ctx {
  return { db, config, cache: new Map(), events: NO_EVENTS };
}
