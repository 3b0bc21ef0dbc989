// DrizzleMessageQueue's perInboxHost: at most that many messages for one inbox host at once,
// other hosts and messages without an inbox served meanwhile, order per ordering key kept.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { freshDatabase } from "../../test/helpers/db.ts";
import type { Database } from "../db/client.ts";
import { DrizzleMessageQueue } from "./queue.ts";

let database: Database;
before(async () => {
  database = await freshDatabase();
});
after(async () => {
  await database.close();
});

async function until(predicate: () => boolean, what: string, ms = 10_000) {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

type Msg = { type: "outbox"; inbox?: string; n: number };

test("a host at its limit is skipped until one of its messages finishes; order per key holds", async () => {
  const queue = new DrizzleMessageQueue(database.db, { name: "hosts", pollIntervalMs: 50, concurrency: 4, perInboxHost: 2 });
  // slow.example (spelled in several ways that are one host) first, with one key shared by two
  const slow = ["https://slow.example/inbox", "https://SLOW.example/users/a/inbox", "https://u@slow.example/inbox", "https://slow.example/inbox"];
  for (const [n, inbox] of slow.entries()) await queue.enqueue({ type: "outbox", inbox, n } satisfies Msg, { orderingKey: n >= 2 ? "post-2\nslow" : `post-${n}\nslow` });
  await queue.enqueue({ type: "outbox", inbox: "https://fast.example/inbox", n: 10 } satisfies Msg, { orderingKey: "post-0\nfast" });
  await queue.enqueue({ type: "outbox", n: 20 } satisfies Msg);

  const running = new Set<number>();
  const done: number[] = [];
  const releases = new Map<number, () => void>();
  const controller = new AbortController();
  const listening = queue.listen(
    async (m: Msg) => {
      running.add(m.n);
      // slow.example answers only when released; the others at once
      if (m.n < 10) await new Promise<void>((resolve) => releases.set(m.n, resolve));
      running.delete(m.n);
      done.push(m.n);
    },
    { signal: controller.signal },
  );
  try {
    await until(() => done.includes(10) && done.includes(20), "the other host and the message without an inbox");
    assert.deepEqual([...running].sort(), [0, 1], "two messages for slow.example in flight, no more");
    await sleep(300);
    assert.deepEqual([...running].sort(), [0, 1], "still two: the free slots are not given to a host at its limit");

    releases.get(0)!();
    await until(() => running.has(2), "the next slow.example message, once a slot is free");
    assert.equal(running.size, 2);
    releases.get(1)!();
    releases.get(2)!();
    await until(() => running.has(3), "the last one, after the earlier message with its key");
    releases.get(3)!();
    await until(() => done.length === 6, "everything");
    assert.ok(done.indexOf(2) < done.indexOf(3), "one ordering key, in order");
  } finally {
    for (const release of releases.values()) release();
    controller.abort();
    await listening;
  }
});

test("without perInboxHost, one host may take every slot (the default is unchanged)", async () => {
  const queue = new DrizzleMessageQueue(database.db, { name: "unlimited", pollIntervalMs: 50, concurrency: 3 });
  for (let n = 0; n < 3; n++) await queue.enqueue({ type: "outbox", inbox: "https://slow.example/inbox", n } satisfies Msg, { orderingKey: `post-${n}` });
  const running = new Set<number>();
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const controller = new AbortController();
  const listening = queue.listen(
    async (m: Msg) => {
      running.add(m.n);
      await gate;
    },
    { signal: controller.signal },
  );
  try {
    await until(() => running.size === 3, "all three at once");
  } finally {
    open();
    controller.abort();
    await listening;
  }
});
