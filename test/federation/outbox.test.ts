// The outbox end to end: a Caracol server with its workers running, three Fedify test peers
// (127.0.0.4 suspended) whose actors are known to Caracol as remote accounts. Everything is
// driven through the Mastodon API; the peers verify our HTTP signatures and record what they
// accept. Each test checks who got the activity and, after a pause, who did not.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { startTestServer, type TestServer } from "../helpers/app.ts";
import { startPeer, type Peer, type ReceivedActivity } from "../helpers/peer.ts";
import { accounts, blocks, circleMembers, circles, deliveryFailures, domainBlocks, followRequests, statuses } from "../../src/db/schema/index.ts";
import { newId } from "../../src/lib/id.ts";
import { inboxAllowed } from "../../src/federation/outbox/recipients.ts";
import { api, follow, localUser, objectId, remoteAccount, sleep, startWorkers } from "./outbox-helpers.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
const QUIET_MS = 1500;
let server: TestServer;
let stopWorkers: () => Promise<void>;
let A: Peer;
let B: Peer;
let S: Peer;
let call: ReturnType<typeof api>;
let alice: { id: string; token: string };
let carol: { id: string; token: string };
const id: Record<string, string> = {};

before(async () => {
  server = await startTestServer({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true" }, "127.0.0.1");
  [A, B, S] = await Promise.all([
    startPeer({ host: "127.0.0.2", actors: ["ann", "amy"] }),
    startPeer({ host: "127.0.0.3", actors: ["ben", "bob", "rex"] }),
    startPeer({ host: "127.0.0.4", actors: ["sam"] }),
  ]);
  const { ctx } = server.app;
  await ctx.db.insert(domainBlocks).values({ id: newId(), domain: "127.0.0.4", severity: "suspend" });
  alice = await localUser(ctx, "alice");
  carol = await localUser(ctx, "carol");
  for (const [peer, name] of [[A, "ann"], [A, "amy"], [B, "ben"], [B, "bob"], [B, "rex"], [S, "sam"]] as const) {
    id[name] = await remoteAccount(ctx.db, peer, name);
  }
  // an account on A without a shared inbox whose personal inbox does not exist there (404)
  id.ghost = await remoteAccount(ctx.db, A, "ghost", { personal: true });
  for (const f of ["ann", "ben", "sam", "ghost"]) await follow(ctx.db, id[f], alice.id);
  await follow(ctx.db, id.ann, carol.id);
  stopWorkers = startWorkers(server.app);
  call = api(server.url);
});

after(async () => {
  await stopWorkers?.();
  await Promise.all([A?.close(), B?.close(), S?.close()]);
  await server?.close();
});

const aliceKey = () => `${server.url}/users/alice#main-key`;
const of = (peer: Peer, type: string, object: string) => peer.received.filter((a) => a.type === type && objectId(a) === object);
const arrives = (peer: Peer, type: string, object: string, timeoutMs = 10_000) =>
  peer.waitFor((a) => a.type === type && objectId(a) === object, timeoutMs);

function signedByAlice(a: ReceivedActivity) {
  assert.equal(a.signedBy, aliceKey(), `${a.type} signed with alice's key`);
  assert.equal(a.actor, `${server.url}/users/alice`);
}

test("posts reach exactly the servers their audience allows", async () => {
  const bob = `@bob@${B.host}:${B.port}`;
  const uri: Record<string, string> = {};
  for (const [name, body] of [
    ["public", { visibility: "public" }],
    ["unlisted", { visibility: "unlisted" }],
    ["followers", { visibility: "private" }],
    ["localOnly", { visibility: "public", local_only: true }],
    ["local", { caracol_audience: "local" }],
    ["direct", { visibility: "direct", status: `${bob} just for you` }],
  ] as const) {
    uri[name] = (await call(alice.token, "POST", "/api/v1/statuses", { status: `${name} post`, ...body })).uri;
  }
  for (const name of ["public", "unlisted", "followers"]) {
    for (const peer of [A, B]) {
      const got = await arrives(peer, "Create", uri[name]);
      signedByAlice(got);
      assert.equal(got.id, `${uri[name]}/activity`);
      assert.equal(got.inbox, "shared", "one delivery per server, to its shared inbox");
    }
  }
  const direct = await arrives(B, "Create", uri.direct);
  signedByAlice(direct);
  assert.deepEqual(direct.to, [B.actorUrl("bob")]);
  const pub = of(A, "Create", uri.public)[0];
  assert.ok(pub.to.includes(PUBLIC));
  const followersOnly = of(A, "Create", uri.followers)[0];
  assert.ok(![...followersOnly.to, ...followersOnly.cc].includes(PUBLIC), "a followers-only post is not addressed to the public");

  await sleep(QUIET_MS);
  for (const name of ["public", "unlisted", "followers"]) {
    assert.equal(of(A, "Create", uri[name]).length, 1, `${name}: once to A`);
    assert.equal(of(B, "Create", uri[name]).length, 1, `${name}: once to B`);
  }
  assert.equal(of(A, "Create", uri.direct).length, 0, "a direct post goes only to the mentioned account's server");
  for (const name of ["localOnly", "local"]) {
    assert.equal(of(A, "Create", uri[name]).length + of(B, "Create", uri[name]).length, 0, `${name}: never federated`);
  }
  assert.deepEqual(S.received, [], "a suspended server gets nothing");
  const failures = await server.app.ctx.db.select().from(deliveryFailures).where(eq(deliveryFailures.activityId, `${uri.public}/activity`));
  assert.deepEqual(
    failures.map((f) => [f.reason, f.statusCode, f.inbox]),
    [["http", 404, A.inboxUrl("ghost")]],
    "a permanent failure (404) is recorded once, not retried",
  );
});

test("a circle post reaches followers on the circle's servers only, not addressed to the public", async () => {
  const circleId = newId();
  await server.app.ctx.db.insert(circles).values({ id: circleId, name: "neighbours" });
  await server.app.ctx.db.insert(circleMembers).values({ circleId, domain: `${A.host}:${A.port}` });
  const post = await call(alice.token, "POST", "/api/v1/statuses", { status: "circle words", caracol_audience: "circle", caracol_circle_id: circleId });
  const got = await arrives(A, "Create", post.uri);
  signedByAlice(got);
  assert.ok(![...got.to, ...got.cc].includes(PUBLIC), "never addressed to the public");
  await sleep(QUIET_MS);
  assert.equal(of(B, "Create", post.uri).length, 0, "a server outside the circle gets nothing");
  assert.deepEqual(S.received, [], "a suspended server gets nothing");
});

test("edit -> Update, delete -> Delete, to the servers that had the post", async () => {
  const post = await call(alice.token, "POST", "/api/v1/statuses", { status: "first words", visibility: "private" });
  await arrives(A, "Create", post.uri);
  await call(alice.token, "PUT", `/api/v1/statuses/${post.id}`, { status: "second words" });
  for (const peer of [A, B]) {
    const u = await arrives(peer, "Update", post.uri);
    signedByAlice(u);
    assert.match(u.raw.object.content, /second words/);
  }
  await call(alice.token, "DELETE", `/api/v1/statuses/${post.id}`);
  for (const peer of [A, B]) signedByAlice(await arrives(peer, "Delete", post.uri));

  // a direct post's Delete goes where the post went: the mentioned account's server only
  const dm = await call(alice.token, "POST", "/api/v1/statuses", { status: `@rex@${B.host}:${B.port} psst`, visibility: "direct" });
  await arrives(B, "Create", dm.uri);
  await call(alice.token, "DELETE", `/api/v1/statuses/${dm.id}`);
  await arrives(B, "Delete", dm.uri);
  await sleep(QUIET_MS);
  assert.equal(of(A, "Delete", dm.uri).length, 0);
  assert.deepEqual(S.received, []);
});

test("boost -> Announce, only where the boosted post may be seen; unboost -> Undo", async () => {
  // carol blocks ben: B may see alice's boost but not carol's post, so B gets no Announce.
  await server.app.ctx.db.insert(blocks).values({ id: newId(), accountId: carol.id, targetAccountId: id.ben });
  const carols = await call(carol.token, "POST", "/api/v1/statuses", { status: "carol speaks", visibility: "public" });
  await call(alice.token, "POST", `/api/v1/statuses/${carols.id}/reblog`);
  signedByAlice(await arrives(A, "Announce", carols.uri));

  // a remote post by ben, boosted: its author's server hears of it too
  const bensUri = `${B.origin}/users/ben/objects/1`;
  const bensId = newId();
  await server.app.ctx.db.insert(statuses).values({ id: bensId, uri: bensUri, accountId: id.ben, content: "<p>ben's</p>", audience: "public" });
  await call(alice.token, "POST", `/api/v1/statuses/${bensId}/reblog`);
  await arrives(A, "Announce", bensUri);
  const announce = await arrives(B, "Announce", bensUri);
  signedByAlice(announce);
  await call(alice.token, "POST", `/api/v1/statuses/${bensId}/unreblog`);
  for (const peer of [A, B]) {
    const undo = await peer.waitFor((a) => a.type === "Undo" && a.raw.object?.id === announce.id, 10_000);
    signedByAlice(undo);
  }
  await sleep(QUIET_MS);
  assert.equal(of(B, "Announce", carols.uri).length, 0, "no Announce to a server that may not see the original");
  assert.equal(of(A, "Announce", carols.uri).length, 1);
});

test("favourite -> Like to the author's server only; unfavourite -> Undo(Like)", async () => {
  const annsUri = `${A.origin}/users/ann/objects/1`;
  const annsId = newId();
  await server.app.ctx.db.insert(statuses).values({ id: annsId, uri: annsUri, accountId: id.ann, content: "<p>ann's</p>", audience: "public" });
  await call(alice.token, "POST", `/api/v1/statuses/${annsId}/favourite`);
  const like = await arrives(A, "Like", annsUri);
  signedByAlice(like);
  assert.deepEqual(like.to, [A.actorUrl("ann")]);
  await call(alice.token, "POST", `/api/v1/statuses/${annsId}/unfavourite`);
  await A.waitFor((a) => a.type === "Undo" && a.raw.object?.id === like.id, 10_000);
  await sleep(QUIET_MS);
  assert.equal(B.received.filter((a) => a.type === "Like").length, 0);
});

test("follow a remote account -> Follow (id kept on the request); unfollow -> Undo(Follow)", async () => {
  const rel = await call(alice.token, "POST", `/api/v1/accounts/${id.amy}/follow`);
  assert.equal(rel.requested, true, "a remote follow waits for the remote Accept");
  const f = await arrives(A, "Follow", A.actorUrl("amy"));
  signedByAlice(f);
  const [req] = await server.app.ctx.db.select().from(followRequests).where(and(eq(followRequests.accountId, alice.id), eq(followRequests.targetAccountId, id.amy)));
  assert.equal(f.id, req.uri);
  assert.match(f.id!, new RegExp(`^${server.url}/users/alice/follows/\\d+$`));
  await call(alice.token, "POST", `/api/v1/accounts/${id.amy}/unfollow`);
  const undo = await A.waitFor((a) => a.type === "Undo" && a.raw.object?.id === f.id, 10_000);
  assert.equal(undo.raw.object.object, A.actorUrl("amy"));
});

test("accepting, rejecting and removing remote followers -> Accept / Reject(Follow)", async () => {
  const { db } = server.app.ctx;
  const bobFollow = `${B.origin}/follows/bob-1`;
  const rexFollow = `${B.origin}/follows/rex-1`;
  await db.insert(followRequests).values([
    { id: newId(), accountId: id.bob, targetAccountId: alice.id, uri: bobFollow },
    { id: newId(), accountId: id.rex, targetAccountId: alice.id, uri: rexFollow },
  ]);
  await call(alice.token, "POST", `/api/v1/follow_requests/${id.bob}/authorize`);
  const accept = await arrives(B, "Accept", bobFollow);
  signedByAlice(accept);
  assert.equal(accept.raw.object.actor, B.actorUrl("bob"));
  await call(alice.token, "POST", `/api/v1/follow_requests/${id.rex}/reject`);
  signedByAlice(await arrives(B, "Reject", rexFollow));
  await call(alice.token, "POST", `/api/v1/accounts/${id.bob}/remove_from_followers`);
  const removed = await arrives(B, "Reject", bobFollow);
  assert.equal(removed.raw.object.object, `${server.url}/users/alice`);
});

test("block -> Block, unblock -> Undo(Block), to the blocked account's server", async () => {
  await call(alice.token, "POST", `/api/v1/accounts/${id.amy}/block`);
  const block = await arrives(A, "Block", A.actorUrl("amy"));
  signedByAlice(block);
  await call(alice.token, "POST", `/api/v1/accounts/${id.amy}/unblock`);
  await A.waitFor((a) => a.type === "Undo" && a.raw.object?.id === block.id, 10_000);
});

test("profile update -> Update(Person) to followers' servers, never to a suspended one", async () => {
  await call(alice.token, "PATCH", "/api/v1/accounts/update_credentials", { display_name: "Alice Renamed" });
  const actor = `${server.url}/users/alice`;
  for (const peer of [A, B]) {
    const u = await arrives(peer, "Update", actor);
    signedByAlice(u);
    assert.equal(u.raw.object.type, "Person");
    assert.equal(u.raw.object.name, "Alice Renamed");
  }
  await sleep(QUIET_MS);
  assert.deepEqual(S.received, [], "the suspended server got nothing at all");
});

test("inboxes that are not http(s) or not on a public address are refused and recorded", async () => {
  const { ctx } = server.app;
  const strict = { ...ctx, config: { ...ctx.config, allowPrivateAddress: false }, cache: new Map() };
  for (const bad of ["http://127.0.0.1/inbox", "https://10.1.2.3/inbox", "http://[::1]/inbox", "http://169.254.169.254/", "http://localhost/inbox", "ftp://93.184.215.14/inbox", "https://user:pw@93.184.215.14/inbox"]) {
    assert.equal(await inboxAllowed(strict, new URL(bad)), false, bad);
  }
  assert.equal(await inboxAllowed(strict, new URL("https://93.184.215.14/inbox")), true);

  // end to end: a follower whose inbox is not http(s) gets nothing, and the refusal is on record
  const zed = newId();
  await ctx.db.insert(accounts).values({ id: zed, username: "zed", domain: "127.0.0.9:1", uri: "http://127.0.0.9:1/users/zed", inboxUrl: "ftp://127.0.0.9/inbox" });
  await follow(ctx.db, zed, alice.id);
  const post = await call(alice.token, "POST", "/api/v1/statuses", { status: "to all my followers", visibility: "public" });
  await arrives(A, "Create", post.uri);
  const refused = await ctx.db.select().from(deliveryFailures).where(eq(deliveryFailures.activityId, `${post.uri}/activity`));
  assert.ok(refused.some((f) => f.reason === "forbidden_address" && f.inbox === "ftp://127.0.0.9/inbox"), JSON.stringify(refused));
});
