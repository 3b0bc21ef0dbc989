import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Temporal } from "@js-temporal/polyfill";
import { testMessageQueue } from "@fedify/testing";
import { freshDatabase } from "../../test/helpers/db.ts";
import { openDatabase, type Database } from "../db/client.ts";
import { fedifyQueue } from "../db/schema/index.ts";
import type { Duration } from "./duration.ts";
import { DrizzleMessageQueue } from "./queue.ts";

/** The polyfill's Duration type and TypeScript's esnext.temporal lib differ in details only. */
const dur = (d: Temporal.DurationLike) => Temporal.Duration.from(d) as unknown as Duration;

// One database for the file (a fresh one per test costs seconds on a busy machine); each test
// starts from an empty queue.
let shared: Database & { url?: string };
before(async () => {
  shared = await freshDatabase();
});
after(async () => {
  await shared.close();
});

async function withDb(fn: (database: Database & { url?: string }) => Promise<void>) {
  await shared.db.delete(fedifyQueue);
  await fn(shared);
}

async function until(predicate: () => boolean, ms: number, what: string) {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

test("passes @fedify/testing's message queue tester, ordering keys included", () =>
  withDb(async (database) => {
    await testMessageQueue(
      () => new DrizzleMessageQueue(database.db, { pollIntervalMs: 200 }),
      async ({ controller }) => {
        controller.abort();
      },
      { testOrderingKey: true },
    );
    const left = await database.db.select().from(fedifyQueue);
    assert.deepEqual(left, [], "every handled message was deleted");
  }));

test("one ordering key is handled one message at a time, in order, even with parallel listeners", () =>
  withDb(async (database) => {
    const queues = [1, 2, 3].map(() => new DrizzleMessageQueue(database.db, { pollIntervalMs: 50, concurrency: 4 }));
    const seen: Record<string, number[]> = {};
    const active = new Set<string>();
    let overlap = false;
    let handled = 0;
    const controller = new AbortController();
    const listening = queues.map((mq) =>
      mq.listen(
        async (m: { key: string; n: number }) => {
          if (active.has(m.key)) overlap = true;
          active.add(m.key);
          await sleep(Math.random() * 10);
          (seen[m.key] ??= []).push(m.n);
          active.delete(m.key);
          handled++;
        },
        { signal: controller.signal },
      ),
    );
    for (let n = 0; n < 15; n++) {
      for (const key of ["a", "b", "c"]) await queues[n % 3].enqueue({ key, n }, { orderingKey: key });
    }
    await queues[0].enqueueMany([{ key: "d", n: 0 }, { key: "d", n: 1 }, { key: "d", n: 2 }], { orderingKey: "d" });
    await until(() => handled === 48, 30_000, "all messages");
    controller.abort();
    await Promise.all(listening);
    assert.equal(overlap, false, "two messages with one key never ran at the same time");
    const order = Array.from({ length: 15 }, (_, i) => i);
    assert.deepEqual(seen, { a: order, b: order, c: order, d: [0, 1, 2] });
  }));

test("a delayed message waits, and does not block messages without delay", () =>
  withDb(async (database) => {
    const mq = new DrizzleMessageQueue(database.db, { pollIntervalMs: 5000 });
    const got: { m: string; at: number }[] = [];
    const controller = new AbortController();
    const listening = mq.listen((m: string) => void got.push({ m, at: Date.now() }), { signal: controller.signal });
    const start = Date.now();
    await mq.enqueue("later", { delay: dur({ milliseconds: 1200 }) });
    await mq.enqueue("now");
    await until(() => got.length === 2, 10_000, "both messages");
    assert.deepEqual(got.map((g) => g.m), ["now", "later"]);
    assert.ok(got[1].at - start >= 1200, "not before its delay");
    // The local wake-up timer, not the 5 s poll, delivered it.
    assert.ok(got[1].at - start < 4000, `delivered ${got[1].at - start} ms after enqueue`);
    assert.deepEqual(await mq.getDepth(), { queued: 0, ready: 0, delayed: 0 });
    await mq.enqueue("far", { delay: dur({ hours: 2 }) });
    assert.deepEqual(await mq.getDepth(), { queued: 1, ready: 0, delayed: 1 });
    controller.abort();
    await listening;
  }));

test("a handler that throws is retried after a delay, then set aside after maxAttempts", () =>
  withDb(async (database) => {
    const mq = new DrizzleMessageQueue(database.db, { pollIntervalMs: 50, maxAttempts: 3, retryDelayMs: () => 150 });
    assert.equal(mq.nativeRetrial, false, "Fedify runs its own retry policy");
    const attempts: Record<string, number> = {};
    const controller = new AbortController();
    const listening = mq.listen(
      (m: string) => {
        attempts[m] = (attempts[m] ?? 0) + 1;
        if (m === "poison" || (m === "flaky" && attempts[m] < 2)) throw new Error(`boom ${m}`);
      },
      { signal: controller.signal },
    );
    await mq.enqueue("flaky");
    await mq.enqueue("poison");
    await until(() => attempts.poison === 3 && attempts.flaky === 2, 10_000, "retries");
    await sleep(600);
    controller.abort();
    await listening;
    assert.deepEqual(attempts, { flaky: 2, poison: 3 });
    const rows = await database.db.select().from(fedifyQueue);
    assert.equal(rows.length, 1, "the flaky message was deleted after it succeeded");
    assert.deepEqual(rows[0].message, "poison");
    assert.ok(rows[0].failedAt instanceof Date);
    assert.match(rows[0].lastError ?? "", /boom poison/);
    assert.deepEqual(await mq.getDepth(), { queued: 0, ready: 0, delayed: 0 });
  }));

test("a handler that outlives its lease keeps it (renewal), so nobody else runs it", () =>
  withDb(async (database) => {
    const options = { pollIntervalMs: 50, leaseMs: 600 };
    const [a, b] = [new DrizzleMessageQueue(database.db, options), new DrizzleMessageQueue(database.db, options)];
    let runs = 0;
    const controller = new AbortController();
    const handler = async () => {
      runs++;
      await sleep(2000);
    };
    const listening = [a.listen(handler, { signal: controller.signal }), b.listen(handler, { signal: controller.signal })];
    await a.enqueue("slow");
    await until(() => runs === 1, 5000, "first run");
    await sleep(2300);
    controller.abort();
    await Promise.all(listening);
    assert.equal(runs, 1);
    assert.deepEqual(await database.db.select().from(fedifyQueue), []);
  }));

test("a worker that stops mid-message loses nothing: after its lease expires another one gets it", () =>
  withDb(async (database) => {
    const stuck = new DrizzleMessageQueue(database.db, { pollIntervalMs: 50, leaseMs: 800, drainTimeoutMs: 100 });
    const claimed: unknown[] = [];
    const c1 = new AbortController();
    let finishStuck = () => {};
    const first = stuck.listen(
      async (m) => {
        claimed.push(m);
        await new Promise<void>((resolve) => (finishStuck = resolve));
      },
      { signal: c1.signal },
    );
    await stuck.enqueue({ activity: "Create" });
    await until(() => claimed.length === 1, 5000, "the first claim");
    c1.abort();
    await first; // returns after drainTimeoutMs, abandoning the handler and its lease renewal
    const [leased] = await database.db.select().from(fedifyQueue);
    assert.ok(leased.lockedUntil != null && leased.lockedBy != null);

    const rescuer = new DrizzleMessageQueue(database.db, { pollIntervalMs: 50, leaseMs: 800 });
    const rescued: { m: unknown; at: number }[] = [];
    const c2 = new AbortController();
    const second = rescuer.listen((m) => void rescued.push({ m, at: Date.now() }), { signal: c2.signal });
    await until(() => rescued.length === 1, 5000, "redelivery");
    assert.deepEqual(rescued[0].m, { activity: "Create" });
    // The abandoned handler finishing late must not delete anything (its claim token is stale).
    finishStuck();
    await sleep(100);
    c2.abort();
    await second;
    assert.deepEqual(await database.db.select().from(fedifyQueue), []);
    assert.ok(rescued[0].at >= leased.lockedUntil!.getTime() - 20, "not while the lease still held");
  }));

test("queues with different names share the table, not their messages", () =>
  withDb(async (database) => {
    const inbox = new DrizzleMessageQueue(database.db, { name: "inbox", pollIntervalMs: 50 });
    const outbox = new DrizzleMessageQueue(database.db, { name: "outbox", pollIntervalMs: 50 });
    const got: string[] = [];
    const controller = new AbortController();
    const listening = inbox.listen((m: string) => void got.push(m), { signal: controller.signal });
    await outbox.enqueue("for the outbox", { orderingKey: "k" });
    await inbox.enqueue("for the inbox", { orderingKey: "k" });
    await until(() => got.length === 1, 5000, "the inbox message");
    await sleep(200);
    controller.abort();
    await listening;
    assert.deepEqual(got, ["for the inbox"], "an ordering key is per queue, too");
    assert.deepEqual(await outbox.getDepth(), { queued: 1, ready: 1, delayed: 0 });
    assert.deepEqual(await inbox.getDepth(), { queued: 0, ready: 0, delayed: 0 });
  }));

test("releaseAllLeases() lets a sole worker take over at once after a restart", () =>
  withDb(async (database) => {
    const mq = new DrizzleMessageQueue(database.db, { leaseMs: 60_000 });
    await mq.enqueue("m");
    await database.db.update(fedifyQueue).set({ lockedUntil: new Date(Date.now() + 60_000), lockedBy: "dead-process" });
    assert.deepEqual(await mq.getDepth(), { queued: 0, ready: 0, delayed: 0 });
    assert.equal(await mq.releaseAllLeases(), 1);
    assert.deepEqual(await mq.getDepth(), { queued: 1, ready: 1, delayed: 0 });
  }));

/** Starts the worker fixture, waits until it has claimed a message, and kills it with SIGKILL. */
async function killWorkerMidMessage(target: string, leaseMs: number): Promise<string> {
  const fixture = path.join(import.meta.dirname, "queue-crash-worker.fixture.ts");
  const child = spawn(process.execPath, [fixture, target, String(leaseMs)], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const exited = new Promise((resolve) => child.on("exit", resolve));
  try {
    await until(() => out.includes("claimed"), 30_000, "the worker's claim");
  } finally {
    child.kill("SIGKILL");
    await exited;
  }
  return out;
}

test("kill -9 of a worker process mid-message loses nothing", () =>
  withDb(async (database) => {
    const leaseMs = 1500;
    let target = database.url;
    let dir: string | undefined;
    let db = database.db;
    let reopened: Database | undefined;
    if (target == null) {
      // PGlite: one process at a time owns the data directory, as in the embedded server.
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "caracol-queue-"));
      const onDisk = await openDatabase({ dataDir: dir, loadDataDir: await database.dumpDataDir!(), migrate: false });
      await new DrizzleMessageQueue(onDisk.db).enqueue({ activity: "Follow", n: 1 });
      await onDisk.close();
      target = dir;
    } else {
      await new DrizzleMessageQueue(db).enqueue({ activity: "Follow", n: 1 });
    }
    try {
      const out = await killWorkerMidMessage(target, leaseMs);
      assert.match(out, /claimed \{"activity":"Follow","n":1\}/);
      if (dir != null) {
        reopened = await openDatabase({ dataDir: dir, migrate: false });
        db = reopened.db;
      }
      const [row] = await db.select().from(fedifyQueue);
      assert.equal(row.attempts, 1, "the dead worker's claim is on record");
      const got: unknown[] = [];
      const controller = new AbortController();
      const mq = new DrizzleMessageQueue(db, { pollIntervalMs: 100 });
      const listening = mq.listen((m) => void got.push(m), { signal: controller.signal });
      await until(() => got.length === 1, leaseMs + 5000, "redelivery after the lease");
      controller.abort();
      await listening;
      assert.deepEqual(got, [{ activity: "Follow", n: 1 }]);
      assert.deepEqual(await db.select().from(fedifyQueue), []);
    } finally {
      await reopened?.close();
      if (dir != null) fs.rmSync(dir, { recursive: true, force: true });
    }
  }));
