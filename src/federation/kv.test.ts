import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
// What Fedify itself passes (Node 24 has no global Temporal); a dependency of @fedify/fedify.
import { Temporal } from "@js-temporal/polyfill";
import { eq } from "drizzle-orm";
import type { KvKey } from "@fedify/fedify";
import { freshDatabase } from "../../test/helpers/db.ts";
import type { Database } from "../db/client.ts";
import { fedifyKv } from "../db/schema/index.ts";
import { DrizzleKvStore } from "./kv.ts";
import type { Duration } from "./duration.ts";

/** The polyfill's Duration type and TypeScript's esnext.temporal lib differ in details only. */
const dur = (d: Temporal.DurationLike) => Temporal.Duration.from(d) as unknown as Duration;

let database: Database;
let kv: DrizzleKvStore;

before(async () => {
  database = await freshDatabase();
  kv = new DrizzleKvStore(database.db);
});
after(async () => {
  await database.close();
});

async function collect(prefix?: KvKey) {
  const out: [readonly string[], unknown][] = [];
  for await (const e of kv.list(prefix)) out.push([e.key, e.value]);
  return out;
}

test("get, set, overwrite and delete keep JSON values as they were", async () => {
  assert.equal(await kv.get(["basic", "missing"]), undefined);
  const doc = { "@context": "https://www.w3.org/ns/activitystreams", n: 1.5, list: [1, "two", null], nested: { ok: true } };
  await kv.set(["basic", "doc"], doc);
  assert.deepEqual(await kv.get(["basic", "doc"]), doc);
  await kv.set(["basic", "doc"], "replaced");
  assert.equal(await kv.get(["basic", "doc"]), "replaced");
  for (const v of [null, 0, false, "", [], "nul \u0000 inside"]) {
    await kv.set(["basic", "scalar"], v);
    assert.deepEqual(await kv.get(["basic", "scalar"]), v);
  }
  await kv.delete(["basic", "doc"]);
  assert.equal(await kv.get(["basic", "doc"]), undefined);
  await kv.delete(["basic", "never-there"]);
});

test("a TTL is honoured on read, in listings and by purgeExpired()", async () => {
  await kv.set(["ttl", "short"], "gone soon", { ttl: dur({ milliseconds: 300 }) });
  await kv.set(["ttl", "long"], "stays", { ttl: dur({ hours: 1 }) });
  await kv.set(["ttl", "none"], "forever");
  await kv.set(["ttl", "purged"], "also gone", { ttl: dur({ milliseconds: 300 }) });
  assert.equal(await kv.get(["ttl", "short"]), "gone soon");
  await sleep(600);
  assert.equal(await kv.get(["ttl", "short"]), undefined);
  assert.deepEqual((await collect(["ttl"])).map(([k]) => k[1]), ["long", "none"]);
  // get() purged "short" lazily; "purged" is still a row until purgeExpired().
  assert.equal(await kv.purgeExpired(), 1);
  const rows = await database.db.select({ key: fedifyKv.key }).from(fedifyKv);
  assert.ok(!rows.some((r) => r.key.includes('"purged"') || r.key.includes('"short"')));
  // Setting again without a TTL removes the old one.
  await kv.set(["ttl", "long"], "now forever");
  const [row] = await database.db.select().from(fedifyKv).where(eq(fedifyKv.key, '["ttl","long"]'));
  assert.equal(row.expiresAt, null);
});

test("list() matches whole key elements, including ones with quotes and commas", async () => {
  const keys: KvKey[] = [
    ["p", "a"],
    ["p", "a", "1"],
    ["p", "a", "2", "deep"],
    ["p", "ab"],
    ["p", 'a"', "x"],
    ["p", "a,b"],
    ["p", "a", 'with "quote"'],
    ["q", "a"],
  ];
  for (const [i, k] of keys.entries()) await kv.set(k, i);
  const got = (await collect(["p", "a"])).map(([k]) => JSON.stringify(k)).sort();
  const want = [["p", "a"], ["p", "a", "1"], ["p", "a", "2", "deep"], ["p", "a", 'with "quote"']].map((k) => JSON.stringify(k)).sort();
  assert.deepEqual(got, want);
  assert.equal((await collect(["p"])).length, 7);
  assert.deepEqual(await collect(["p", "a", "2"]), [[["p", "a", "2", "deep"], 2]]);
  assert.deepEqual(await collect(["nothing"]), []);
  const all = await collect();
  assert.ok(all.length >= keys.length);
});

test("list() pages through more entries than one page", async () => {
  await database.db.insert(fedifyKv).values(
    Array.from({ length: 1203 }, (_, i) => ({ key: JSON.stringify(["many", String(i).padStart(5, "0")]), value: i })),
  );
  const got = await collect(["many"]);
  assert.equal(got.length, 1203);
  assert.deepEqual(got.map(([, v]) => v), Array.from({ length: 1203 }, (_, i) => i));
});

test("cas() swaps only on a match, treats expired entries as absent, and compares structurally", async () => {
  assert.equal(await kv.cas(["cas", "k"], undefined, { state: "closed", n: 1 }), true);
  assert.equal(await kv.cas(["cas", "k"], undefined, { state: "other" }), false, "exists: undefined does not match");
  assert.equal(await kv.cas(["cas", "k"], { state: "open" }, { state: "x" }), false);
  // Key order does not matter, as with MemoryKvStore's deep equality.
  assert.equal(await kv.cas(["cas", "k"], { n: 1, state: "closed" }, { state: "open", n: 2 }), true);
  assert.deepEqual(await kv.get(["cas", "k"]), { state: "open", n: 2 });
  assert.equal(await kv.cas(["cas", "k"], { state: "open", n: 2 }, null), true);
  assert.equal(await kv.cas(["cas", "k"], null, "after null"), true);
  assert.equal(await kv.get(["cas", "k"]), "after null");

  await kv.set(["cas", "exp"], "old", { ttl: dur({ milliseconds: 200 }) });
  await sleep(400);
  assert.equal(await kv.cas(["cas", "exp"], "old", "new"), false, "an expired value no longer matches");
  assert.equal(await kv.cas(["cas", "exp"], undefined, "new", { ttl: dur({ minutes: 5 }) }), true);
  assert.equal(await kv.get(["cas", "exp"]), "new");
});

test("concurrent cas() on the same value: exactly one wins", async () => {
  await kv.set(["cas", "race"], { v: 0 });
  const results = await Promise.all(Array.from({ length: 12 }, (_, i) => kv.cas(["cas", "race"], { v: 0 }, { v: i + 1 })));
  assert.equal(results.filter(Boolean).length, 1);
  const inserted = await Promise.all(Array.from({ length: 12 }, (_, i) => kv.cas(["cas", "race-new"], undefined, i)));
  assert.equal(inserted.filter(Boolean).length, 1);
});

test("survives reopening (the store is the database, not memory)", async () => {
  await kv.set(["durable"], { kept: true });
  const again = new DrizzleKvStore(database.db);
  assert.deepEqual(await again.get(["durable"]), { kept: true });
});
