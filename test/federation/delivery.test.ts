// Delivery hardening (src/federation/outbox/guard.ts): give-ups after the last retry are
// recorded, a delivery queued for a server suspended before it was sent is dropped and
// recorded, and a slow server does not hold up deliveries to others. A Caracol server with a
// short retry policy (through createApp's test option), a real Fedify test peer or two, and
// bare HTTP servers that answer 500 or answer slowly.
//
// The tests share one server and run in order: the first queues a delivery before the workers
// start (Fedify cannot restart its queues), and starts them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createExponentialBackoffPolicy } from "@fedify/fedify";
import { Create, Note } from "@fedify/vocab";
import { eq } from "drizzle-orm";
import { loadConfig } from "../../src/config/index.ts";
import { createApp, type App } from "../../src/app.ts";
import { deliveryFailures, domainBlocks, fedifyQueue } from "../../src/db/schema/index.ts";
import { forgetStandings } from "../../src/domain/federation-policy/standing.ts";
import { guardOutbox } from "../../src/federation/outbox/guard.ts";
import { newId } from "../../src/lib/id.ts";
import { freePort } from "../helpers/app.ts";
import { freshDatabase } from "../helpers/db.ts";
import { startPeer, type Peer } from "../helpers/peer.ts";
import { api, follow, localUser, objectId, remoteAccount, sleep } from "./outbox-helpers.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
const SLOW_MS = 4000;

/** A bare inbox server: records POSTs, answers as `respond` says. */
type Bare = Peer & { posts: { path: string; at: number; answeredAt?: number }[] };

async function startBare(host: string, respond: () => Promise<number>): Promise<Bare> {
  const posts: Bare["posts"] = [];
  const server = http.createServer((req, res) => {
    const post = { path: req.url ?? "", at: Date.now() } as Bare["posts"][number];
    if (req.method === "POST") posts.push(post);
    req.resume();
    req.on("end", async () => {
      const status = await respond();
      post.answeredAt = Date.now();
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${host}:${port}`;
  const bare = {
    origin,
    host,
    port,
    posts,
    actorUrl: (name: string) => `${origin}/users/${name}`,
    inboxUrl: (name: string) => `${origin}/users/${name}/inbox`,
    sharedInboxUrl: `${origin}/inbox`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return bare as unknown as Bare;
}

let app: App;
let url: string;
let closeHttp: () => Promise<void>;
let workers: AbortController;
let working: Promise<void> = Promise.resolve();
let F: Peer; // answers at once
let S: Peer; // suspended after a delivery to it was queued
let E: Bare; // always 500
let W: Bare; // answers after SLOW_MS
let call: ReturnType<typeof api>;

before(async () => {
  const port = await freePort("127.0.0.1");
  url = `http://127.0.0.1:${port}`;
  const config = loadConfig({ CARACOL_ORIGIN: url, CARACOL_DATA_DIR: "/nonexistent", CARACOL_ALLOW_PRIVATE_ADDRESS: "true" });
  // three attempts 100 ms and 200 ms apart, then a give-up (production retries for a day)
  const outboxRetryPolicy = createExponentialBackoffPolicy({ initialDelay: { milliseconds: 100 }, maxAttempts: 2, jitter: false });
  app = await createApp(config, { database: await freshDatabase(), federation: { outboxRetryPolicy } });
  const server = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" });
  await new Promise<void>((r) => server.once("listening", () => r()));
  closeHttp = () => new Promise<void>((r) => server.close(() => r()));
  [F, S, E, W] = await Promise.all([
    startPeer({ host: "127.0.0.2", actors: ["fay"] }),
    startPeer({ host: "127.0.0.4", actors: ["sue"] }),
    startBare("127.0.0.5", async () => 500),
    startBare("127.0.0.6", () => sleep(SLOW_MS).then(() => 202)),
  ]);
  call = api(url);
});

after(async () => {
  workers?.abort();
  await working;
  await Promise.all([F?.close(), S?.close(), E?.close(), W?.close()]);
  await closeHttp?.();
  await app?.close();
});

const failuresOf = (activityId: string) => app.ctx.db.select().from(deliveryFailures).where(eq(deliveryFailures.activityId, activityId));

async function failureRow(activityId: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await failuresOf(activityId);
    if (rows.length > 0 || Date.now() > deadline) return rows;
    await sleep(50);
  }
}

/** A local poster followed by `name` of `peer`. */
async function posterFollowedBy(username: string, peer: Peer, name: string) {
  const user = await localUser(app.ctx, username);
  await follow(app.ctx.db, await remoteAccount(app.ctx.db, peer, name), user.id);
  return user;
}

test("a delivery queued for a server suspended before it is sent never arrives, and is recorded", async () => {
  await posterFollowedBy("sara", S, "sue");
  const fctx = app.federation.createContext(new URL(url), app.ctx);
  const activityId = `${url}/users/sara/statuses/test-suspended/activity`;
  const activity = new Create({
    id: new URL(activityId),
    actor: fctx.getActorUri("sara"),
    object: new Note({ id: new URL(`${url}/users/sara/statuses/test-suspended`), content: "queued before the suspension", tos: [new URL(PUBLIC)] }),
    tos: [new URL(PUBLIC)],
  });
  // Queued while the server was in good standing (the workers are not running yet) ...
  await fctx.sendActivity({ identifier: "sara" }, [{ id: new URL(S.actorUrl("sue")), inboxId: new URL(S.sharedInboxUrl), endpoints: null }], activity);
  const queued = await app.ctx.db.select().from(fedifyQueue).where(eq(fedifyQueue.queue, "outbox"));
  assert.equal(queued.length, 1, "the delivery waits in Fedify's outbox queue");
  // ... then the server is suspended, and only then do the workers run.
  await app.ctx.db.insert(domainBlocks).values({ id: newId(), domain: S.host, severity: "suspend" });
  forgetStandings(app.ctx);
  workers = new AbortController();
  working = app.startWorkers(workers.signal);

  const rows = await failureRow(activityId);
  assert.deepEqual(
    rows.map((r) => [r.reason, r.inbox, r.activityType, r.actorIds]),
    [["blocked_server", S.sharedInboxUrl, "Create", [S.actorUrl("sue")]]],
  );
  await sleep(500);
  assert.deepEqual(S.received, [], "nothing reached the suspended server");
  assert.equal((await app.ctx.db.select().from(fedifyQueue).where(eq(fedifyQueue.queue, "outbox"))).length, 0, "and the delivery left the queue");
});

test("an inbox that always answers 500 ends, once the retry policy runs out, with a gave_up row", async () => {
  const gina = await posterFollowedBy("gina", E, "ed");
  const post = await call(gina.token, "POST", "/api/v1/statuses", { status: "to a broken server", visibility: "public" });
  const rows = await failureRow(`${post.uri}/activity`);
  assert.deepEqual(
    rows.map((r) => [r.reason, r.statusCode, r.inbox, r.activityType, r.actorIds]),
    [["gave_up", 500, E.sharedInboxUrl, "Create", [E.actorUrl("ed")]]],
  );
  assert.ok(rows[0].error, "the error is kept");
  assert.ok(E.posts.length >= 3, `the first attempt and two retries were made (${E.posts.length} POSTs)`);
  const before = E.posts.length;
  await sleep(1000);
  assert.equal(E.posts.length, before, "and nothing more after the give-up");
  assert.equal((await failuresOf(`${post.uri}/activity`)).length, 1, "recorded once");
});

test("a slow server does not hold up deliveries to other servers", async () => {
  const wally = await posterFollowedBy("wally", W, "walt");
  const fran = await posterFollowedBy("fran", F, "fay");
  await call(wally.token, "POST", "/api/v1/statuses", { status: "to a slow server", visibility: "public" });
  const deadline = Date.now() + 10_000;
  while (W.posts.length === 0 && Date.now() < deadline) await sleep(10);
  assert.equal(W.posts.length, 1, "the slow server got its POST and is taking its time");

  const post = await call(fran.token, "POST", "/api/v1/statuses", { status: "to a quick server", visibility: "public" });
  await F.waitFor((a) => a.type === "Create" && objectId(a) === post.uri, SLOW_MS * 2);
  assert.equal(W.posts[0].answeredAt, undefined, "the quick server got its post while the slow one had not answered yet");
  while (W.posts[0].answeredAt === undefined && Date.now() < deadline + SLOW_MS) await sleep(50);
  const slow = await app.ctx.db.select().from(deliveryFailures).where(eq(deliveryFailures.inbox, W.sharedInboxUrl));
  assert.deepEqual(slow, [], "and the slow delivery itself succeeded");
});

test("the guard refuses an inbox that is not on a public address unless private addresses are allowed", async () => {
  const message = { type: "outbox", inbox: "http://127.0.0.9/inbox", activityId: "https://x.test/a/1", activityType: "https://www.w3.org/ns/activitystreams#Like", actorIds: ["http://127.0.0.9/users/x"] };
  const policy = createExponentialBackoffPolicy();
  for (const allowPrivateAddress of [false, true]) {
    const ctx = { ...app.ctx, cache: new Map(), config: { ...app.ctx.config, allowPrivateAddress } };
    const handled: unknown[] = [];
    const inner = { enqueue: async () => {}, listen: async (h: (m: unknown) => Promise<void> | void) => void (await h(message)) };
    await guardOutbox(ctx, inner, policy).queue.listen((m) => void handled.push(m));
    assert.equal(handled.length, allowPrivateAddress ? 1 : 0, `allowPrivateAddress: ${allowPrivateAddress}`);
  }
  const rows = await failuresOf("https://x.test/a/1");
  assert.deepEqual(
    rows.map((r) => [r.reason, r.inbox, r.activityType]),
    [["forbidden_address", "http://127.0.0.9/inbox", "Like"]],
  );
});
