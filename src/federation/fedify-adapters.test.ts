// Fedify itself on top of DrizzleKvStore and DrizzleMessageQueue: an outgoing activity goes
// through the database-backed outbox queue to a real HTTP inbox on loopback, and a failed
// delivery comes back through Fedify's own retry (a delayed message in our queue).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { createExponentialBackoffPolicy, createFederation } from "@fedify/fedify";
import { Create, Note } from "@fedify/vocab";
import { freshDatabase } from "../../test/helpers/db.ts";
import type { Database } from "../db/client.ts";
import { fedifyKv, fedifyQueue } from "../db/schema/index.ts";
import { DrizzleKvStore } from "./kv.ts";
import { DrizzleMessageQueue } from "./queue.ts";

let database: Database;
let server: http.Server;
let base: string;
const received: { body: any; signed: boolean; status: number }[] = [];

before(async () => {
  database = await freshDatabase();
  let calls = 0;
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      // The first delivery fails, so that Fedify schedules a retry through our queue.
      const status = ++calls === 1 ? 503 : 202;
      received.push({ body: JSON.parse(body), signed: "signature" in req.headers || "signature-input" in req.headers, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.close();
  await database.close();
});

test("Fedify delivers through the database queue and retries a failed delivery", async () => {
  const db = database.db;
  const queue = (name: string) => new DrizzleMessageQueue(db, { name, pollIntervalMs: 100 });
  const federation = createFederation<void>({
    kv: new DrizzleKvStore(db),
    queue: { inbox: queue("inbox"), outbox: queue("outbox"), fanout: queue("fanout") },
    manuallyStartQueue: true,
    allowPrivateAddress: true,
    outboxRetryPolicy: createExponentialBackoffPolicy({ initialDelay: { milliseconds: 300 }, jitter: false }),
  });
  const controller = new AbortController();
  const worker = federation.startQueue(undefined, { signal: controller.signal });

  const { privateKey } = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const ctx = federation.createContext(new URL("https://caracol.test/"), undefined);
  const activity = new Create({
    id: new URL("https://caracol.test/activities/1"),
    actor: new URL("https://caracol.test/users/alice"),
    object: new Note({ id: new URL("https://caracol.test/notes/1"), content: "hello" }),
  });
  await ctx.sendActivity(
    { privateKey, keyId: new URL("https://caracol.test/users/alice#main-key") },
    { id: new URL(`${base}/users/bob`), inboxId: new URL(`${base}/inbox`) },
    activity,
  );
  assert.equal(received.length, 0, "sendActivity only enqueued");

  const start = Date.now();
  while (received.filter((r) => r.status === 202).length === 0) {
    if (Date.now() - start > 20_000) assert.fail(`no successful delivery; got ${JSON.stringify(received)}`);
    await sleep(50);
  }
  controller.abort();
  await worker;

  assert.ok(received.length >= 2, "one failure, then the retry");
  assert.equal(received[0].status, 503);
  for (const r of received) {
    assert.equal(r.body.id, "https://caracol.test/activities/1");
    assert.equal(r.body.type, "Create");
    assert.ok(r.signed, "signed delivery");
  }
  assert.deepEqual(await db.select().from(fedifyQueue), [], "nothing left in any queue");
  // Fedify remembers per origin which signature spec worked (double-knock) in our store.
  const keys = (await db.select({ key: fedifyKv.key }).from(fedifyKv)).map((r) => r.key);
  assert.ok(keys.length > 0, "Fedify wrote to the KV store");
});
