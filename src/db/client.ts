// Opens the database: PGlite in the data directory (embedded) or PostgreSQL (DATABASE_URL).
// Both expose the same Drizzle `Db` type, and both run the same generated migrations.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema/index.ts";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export type Database = {
  db: Db;
  driver: "pglite" | "postgres";
  close(): Promise<void>;
  /** Copies the PGlite data directory into a tarball (tests use it as a migrated template). */
  dumpDataDir?: () => Promise<Blob>;
};

export const MIGRATIONS_FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../drizzle");

/** Small buffers keep the embedded server lean (see DESIGN.md, performance facts). */
const LEAN_PGLITE_CONF = [
  "shared_buffers=16MB",
  "work_mem=2MB",
  "temp_buffers=2MB",
  "wal_buffers=512kB",
  "maintenance_work_mem=8MB",
];

export type OpenOptions = {
  databaseUrl?: string;
  /** PGlite data directory; "memory://" or undefined keeps it in memory */
  dataDir?: string;
  /** start from a dumped data directory instead of initdb (tests) */
  loadDataDir?: Blob;
  migrate?: boolean;
};

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const database = opts.databaseUrl ? await openPostgres(opts.databaseUrl) : await openPglite(opts);
  if (opts.migrate !== false) await migrateDatabase(database);
  return database;
}

async function openPglite(opts: OpenOptions): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  let dataDir = opts.dataDir;
  if (dataDir && !dataDir.startsWith("memory://")) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  }
  const client = await PGlite.create({
    dataDir,
    loadDataDir: opts.loadDataDir,
    postgresqlconf: LEAN_PGLITE_CONF,
  });
  const db = drizzle({ client, schema }) as unknown as Db;
  return {
    db,
    driver: "pglite",
    close: () => client.close(),
    dumpDataDir: async () => (await client.dumpDataDir("none")) as Blob,
  };
}

async function openPostgres(url: string): Promise<Database> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const client = postgres(url, { max: 10, onnotice: () => {} });
  const db = drizzle({ client, schema }) as unknown as Db;
  return { db, driver: "postgres", close: () => client.end({ timeout: 5 }) };
}

export async function migrateDatabase(database: Database): Promise<void> {
  if (database.driver === "pglite") {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(database.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  } else {
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    await migrate(database.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  }
}
