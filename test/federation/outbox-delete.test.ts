// A deleted post's Delete goes where the post went. The row is gone when the outbox handles the
// event, so the event itself must carry what chose the recipients; for a circle post that is
// the circle and its member servers. M is in the circle, O is not; each has a follower of alice.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestServer, type TestServer } from "../helpers/app.ts";
import { startPeer, type Peer } from "../helpers/peer.ts";
import { circleMembers, circles } from "../../src/db/schema/index.ts";
import { newId } from "../../src/lib/id.ts";
import { api, follow, localUser, objectId, remoteAccount, sleep, startWorkers } from "./outbox-helpers.ts";

const QUIET_MS = 1500;
let server: TestServer;
let stopWorkers: () => Promise<void>;
let M: Peer;
let O: Peer;
let call: ReturnType<typeof api>;
let alice: { id: string; token: string };
let circleId: string;

before(async () => {
  server = await startTestServer({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true" }, "127.0.0.1");
  [M, O] = await Promise.all([startPeer({ host: "127.0.0.5", actors: ["mia"] }), startPeer({ host: "127.0.0.6", actors: ["oli"] })]);
  const { ctx } = server.app;
  alice = await localUser(ctx, "alice");
  await follow(ctx.db, await remoteAccount(ctx.db, M, "mia"), alice.id);
  await follow(ctx.db, await remoteAccount(ctx.db, O, "oli"), alice.id);
  circleId = newId();
  await ctx.db.insert(circles).values({ id: circleId, name: "members" });
  await ctx.db.insert(circleMembers).values({ circleId, domain: `${M.host}:${M.port}` });
  stopWorkers = startWorkers(server.app);
  call = api(server.url);
});

after(async () => {
  await stopWorkers?.();
  await Promise.all([M?.close(), O?.close()]);
  await server?.close();
});

const of = (peer: Peer, type: string, object: string) => peer.received.filter((a) => a.type === type && objectId(a) === object);
const arrives = (peer: Peer, type: string, object: string) => peer.waitFor((a) => a.type === type && objectId(a) === object, 10_000);

test("a circle post's Delete reaches the member server that had it, and no other", async () => {
  const post = await call(alice.token, "POST", "/api/v1/statuses", { status: "for members", caracol_audience: "circle", caracol_circle_id: circleId });
  const create = await arrives(M, "Create", post.uri);
  await call(alice.token, "DELETE", `/api/v1/statuses/${post.id}`);
  const del = await arrives(M, "Delete", post.uri);
  assert.equal(del.signedBy, `${server.url}/users/alice#main-key`);
  assert.deepEqual([del.to, del.cc], [create.to, create.cc], "addressed as the post was (the circle and the followers)");
  await sleep(QUIET_MS);
  assert.deepEqual(
    O.received.map((a) => a.type),
    [],
    "the server outside the circle got neither the post nor its Delete",
  );
  assert.equal(of(M, "Delete", post.uri).length, 1);
});

test("a followers-only post's Delete reaches its followers' servers", async () => {
  const post = await call(alice.token, "POST", "/api/v1/statuses", { status: "for followers", visibility: "private" });
  for (const peer of [M, O]) await arrives(peer, "Create", post.uri);
  await call(alice.token, "DELETE", `/api/v1/statuses/${post.id}`);
  for (const peer of [M, O]) await arrives(peer, "Delete", post.uri);
});
