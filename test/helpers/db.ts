// A fresh database per test: PGlite cloned from a migrated template (0.4 s instead of 4 s), or,
// when DATABASE_URL is set, a new PostgreSQL database created for the test and dropped after.
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { fileURLToPath } from "node:url";
import { MIGRATIONS_FOLDER, openDatabase, type Database } from "../../src/db/client.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CACHE = path.join(ROOT, ".test-data");

function migrationsHash(): string {
  const h = crypto.createHash("sha256");
  for (const f of fs.readdirSync(MIGRATIONS_FOLDER, { recursive: true }).map(String).sort()) {
    const p = path.join(MIGRATIONS_FOLDER, f);
    if (fs.statSync(p).isFile()) h.update(f).update(fs.readFileSync(p));
  }
  return h.digest("hex").slice(0, 16);
}

async function pgliteTemplate(): Promise<Blob> {
  const file = path.join(CACHE, `template-${migrationsHash()}.tar`);
  if (!fs.existsSync(file)) {
    const d = await openDatabase({ dataDir: "memory://" });
    const blob = await d.dumpDataDir!();
    await d.close();
    fs.mkdirSync(CACHE, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
    fs.renameSync(tmp, file);
  }
  return new Blob([fs.readFileSync(file)]);
}

let counter = 0;

export async function freshDatabase(): Promise<Database & { url?: string }> {
  const base = process.env.DATABASE_URL;
  if (!base) return openDatabase({ loadDataDir: await pgliteTemplate() });
  const name = `caracol_t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const { default: postgres } = await import("postgres");
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const d = await openDatabase({ databaseUrl: url.toString() });
  return {
    ...d,
    url: url.toString(),
    async close() {
      await d.close();
      const a = postgres(base, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists "${name}" with (force)`);
      await a.end();
    },
  };
}
