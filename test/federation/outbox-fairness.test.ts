// Per-host fairness in the outbox. Every activity has an ordering key of its own, so a slow
// server with several activities pending could take all of the outbox's slots (4) and hold up
// deliveries to every other server. S answers nothing until released; F answers at once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestServer, type TestServer } from "../helpers/app.ts";
import { startPeer, type Peer } from "../helpers/peer.ts";
import { api, follow, localUser, objectId, remoteAccount, sleep, startWorkers } from "./outbox-helpers.ts";

/** OUTBOX_PER_HOST in src/federation/federation.ts */
const PER_HOST = 2;
let server: TestServer;
let stopWorkers: () => Promise<void>;
let S: Peer;
let F: Peer;
let call: ReturnType<typeof api>;
let alice: { id: string; token: string };
let bob: { id: string; token: string };

before(async () => {
  server = await startTestServer({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true" }, "127.0.0.1");
  [S, F] = await Promise.all([startPeer({ host: "127.0.0.7", actors: ["sid"] }), startPeer({ host: "127.0.0.8", actors: ["fay"] })]);
  const { ctx } = server.app;
  alice = await localUser(ctx, "alice");
  bob = await localUser(ctx, "bob");
  await follow(ctx.db, await remoteAccount(ctx.db, S, "sid"), alice.id);
  await follow(ctx.db, await remoteAccount(ctx.db, F, "fay"), bob.id);
  stopWorkers = startWorkers(server.app);
  call = api(server.url);
});

after(async () => {
  S?.release();
  await stopWorkers?.();
  await Promise.all([S?.close(), F?.close()]);
  await server?.close();
});

async function until(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

test("a slow server gets at most its share of deliveries at once; others are not held up", async () => {
  S.hold();
  const slow: string[] = [];
  for (let i = 0; i < 4; i++) slow.push((await call(alice.token, "POST", "/api/v1/statuses", { status: `slow ${i}`, visibility: "public" })).uri);
  await until(`${PER_HOST} deliveries to S are in flight`, () => S.waiting >= PER_HOST);
  await sleep(500); // room for more to pile up, were they allowed to
  assert.equal(S.waiting, PER_HOST, "no more than the per-host limit in flight to one server");

  const fast = (await call(bob.token, "POST", "/api/v1/statuses", { status: "fast", visibility: "public" })).uri;
  await F.waitFor((a) => a.type === "Create" && objectId(a) === fast, 5000);
  assert.equal(S.waiting, PER_HOST, "F was served while S's deliveries were still held");
  assert.deepEqual(S.received, []);

  // released, S gets every one of its activities: skipped messages are not starved
  S.release();
  for (const uri of slow) await S.waitFor((a) => a.type === "Create" && objectId(a) === uri, 10_000);
  assert.equal(S.received.length, slow.length);
});
