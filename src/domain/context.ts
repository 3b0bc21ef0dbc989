import type { Config } from "../config/index.ts";
import type { Db } from "../db/client.ts";

/** What every service function receives: the database and the configuration, nothing global. */
export type Ctx = {
  db: Db;
  config: Config;
  /** per-process caches, so that tests with several apps in one process keep them apart */
  cache: Map<string, { value: unknown; until: number }>;
};

export function createCtx(db: Db, config: Config): Ctx {
  return { db, config, cache: new Map() };
}
