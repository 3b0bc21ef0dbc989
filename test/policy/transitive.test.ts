// Transitive defederation across real servers on loopback. A (Caracol, 127.0.0.1) suspends M
// (127.0.0.3, a test peer standing in for Threads). B (127.0.0.2, a test peer) federates with M
// and says so in its peers list. C (127.0.0.4) is an ordinary server: the control that shows
// deliveries do happen while B and M get nothing. A's scan of B finds the evidence; under
// "restrict" B gets only public posts and may fetch nothing else, under "block" nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { signRequest } from "@fedify/fedify";
import { startTestServer, type TestServer } from "../helpers/app.ts";
import { startPeer, type Peer } from "../helpers/peer.ts";
import { domainBlocks } from "../../src/db/schema/index.ts";
import { newId } from "../../src/lib/id.ts";
import { forgetStandings, serverStanding } from "../../src/domain/federation-policy/standing.ts";
import { scanServer } from "../../src/federation/policy-scan/scan.ts";
import { runCommand } from "../../src/cli/commands.ts";
import { api, follow, localUser, objectId, remoteAccount, sleep, startWorkers } from "../federation/outbox-helpers.ts";
import { settled } from "../federation/inbox-helpers.ts";

const QUIET_MS = 1200;
const NODEINFO_21 = "http://nodeinfo.diaspora.software/ns/schema/2.1";
let A: TestServer;
let B: Peer;
let M: Peer;
let C: Peer;
let stopWorkers: () => Promise<void>;
let call: ReturnType<typeof api>;
let alice: { id: string; token: string };
let carol: { id: string; token: string };
const id: Record<string, string> = {};
const notes: Record<string, { id: string; uri: string }> = {};

before(async () => {
  A = await startTestServer({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true" }, "127.0.0.1");
  [B, M, C] = await Promise.all([
    startPeer({ host: "127.0.0.2", actors: ["bea", "bo"] }),
    startPeer({ host: "127.0.0.3", actors: ["zuck"] }),
    startPeer({ host: "127.0.0.4", actors: ["cal"] }),
  ]);
  B.routes.set("/.well-known/nodeinfo", { links: [{ rel: NODEINFO_21, href: `${B.origin}/nodeinfo/2.1` }] });
  B.routes.set("/nodeinfo/2.1", {
    version: "2.1",
    software: { name: "mastodon", version: "4.3.2" },
    protocols: ["activitypub"],
    services: { inbound: [], outbound: [] },
    openRegistrations: true,
    usage: { users: {} },
    metadata: { nodeName: "B" },
  });
  B.routes.set("/api/v1/instance/peers", ["example.social", "127.0.0.3", "127.0.0.4", "127.0.0.1"]);
  B.routes.set("/api/v1/instance/domain_blocks", { status: 404 });
  const { ctx } = A.app;
  await ctx.db.insert(domainBlocks).values({ id: newId(), domain: "127.0.0.3", severity: "suspend" });
  alice = await localUser(ctx, "alice");
  carol = await localUser(ctx, "carol");
  id.zuck = await remoteAccount(ctx.db, M, "zuck");
  id.cal = await remoteAccount(ctx.db, C, "cal");
  await follow(ctx.db, id.zuck, alice.id);
  await follow(ctx.db, id.cal, alice.id);
  await follow(ctx.db, id.cal, carol.id);
  stopWorkers = startWorkers(A.app);
  call = api(A.url);
});

after(async () => {
  await stopWorkers?.();
  await Promise.all([B?.close(), M?.close(), C?.close()]);
  await A?.close();
});

const got = (peer: Peer, type: string, object: string) => peer.received.filter((a) => a.type === type && objectId(a) === object);
const arrives = (peer: Peer, type: string, object: string) => peer.waitFor((a) => a.type === type && objectId(a) === object, 10_000);

async function post(name: string, visibility: "public" | "private", extra: Record<string, unknown> = {}, token = alice.token) {
  const s = await call(token, "POST", "/api/v1/statuses", { status: `${name} words`, visibility, ...extra });
  notes[name] = { id: s.id, uri: s.uri };
  return notes[name];
}

/** A GET of `uri` signed by bea's key on B, as B's server would fetch it. */
async function fetchAsB(uri: string): Promise<number> {
  const ctx = B.federation.createContext(new URL(B.origin), null);
  const [pair] = await ctx.getActorKeyPairs("bea");
  const req = await signRequest(new Request(uri, { headers: { accept: "application/activity+json" } }), pair!.privateKey, pair!.keyId);
  return (await fetch(req)).status;
}

async function relationshipTo(accountId: string) {
  const [rel] = await call(alice.token, "GET", `/api/v1/accounts/relationships?id[]=${accountId}`);
  return rel;
}

test("bea on B follows alice (Follow, approval, Accept); before any scan B gets every post alice's followers may see", async () => {
  const aliceUri = `${A.url}/users/alice`;
  await B.send("bea", `${aliceUri}/inbox`, { id: B.newId(), type: "Follow", actor: B.actorUrl("bea"), object: aliceUri });
  await settled(A);
  const [request] = await call(alice.token, "GET", "/api/v1/follow_requests");
  assert.equal(request.username, "bea");
  assert.equal(request.caracol_server_notice, null, "nothing to warn about before a scan");
  id.bea = request.id;
  await call(alice.token, "POST", `/api/v1/follow_requests/${id.bea}/authorize`);
  await B.waitFor((a) => a.type === "Accept", 10_000);

  const pub = await post("before-public", "public");
  const priv = await post("before-private", "private");
  for (const n of [pub, priv]) {
    await arrives(B, "Create", n.uri);
    await arrives(C, "Create", n.uri);
  }
  assert.equal(await fetchAsB(priv.uri), 200, "a follower's server may fetch a followers-only post");
  assert.equal((await relationshipTo(id.bea)).caracol_server_notice, null);
});

test("the scan finds B federating with the suspended M, with dated evidence; 404 is recorded, not read as clean", async () => {
  const result = await scanServer(A.app.ctx, "127.0.0.2");
  assert.equal(result.verdict, "federates");
  const peers = result.evidence.find((e) => e.source === "peers")!;
  assert.equal(peers.status, 200);
  assert.deepEqual(peers.found, ["127.0.0.3"], "only the domain we suspend counts");
  assert.ok(Date.now() - Date.parse(peers.at) < 60_000);
  const blocks = result.evidence.find((e) => e.source === "domain_blocks")!;
  assert.equal(blocks.status, 404);
  assert.deepEqual(blocks.found, []);
  const nodeinfo = result.evidence.find((e) => e.source === "nodeinfo")!;
  assert.equal(nodeinfo.status, 200);
  assert.equal(result.publishedPolicy.software, "mastodon");
  assert.equal(await serverStanding(A.app.ctx, "127.0.0.2"), "restricted", "the default policy is restrict");
  assert.equal(await serverStanding(A.app.ctx, "127.0.0.4"), "allowed");
});

test("under restrict: B receives public posts only and may fetch nothing else; alice is told why", async () => {
  const pub = await post("restrict-public", "public");
  const priv = await post("restrict-private", "private");
  await arrives(B, "Create", pub.uri);
  await arrives(C, "Create", priv.uri);
  await sleep(QUIET_MS);
  assert.equal(got(B, "Create", priv.uri).length, 0, "no followers-only post to a restricted server");
  assert.equal(await fetchAsB(pub.uri), 200, "public posts may still be fetched");
  assert.ok((await fetchAsB(priv.uri)) >= 400, "followers-only posts may not");
  assert.ok((await fetchAsB(notes["before-private"]!.uri)) >= 400, "not even one it received before");

  const notice = (await relationshipTo(id.bea)).caracol_server_notice;
  assert.match(notice, /shares data with servers this instance blocks/);
  assert.match(notice, /followers-only posts will not reach them; public posts will/);
  // A new request from B carries the same sentence where alice decides on it.
  const aliceUri = `${A.url}/users/alice`;
  await B.send("bo", `${aliceUri}/inbox`, { id: B.newId(), type: "Follow", actor: B.actorUrl("bo"), object: aliceUri });
  await settled(A);
  const requests = await call(alice.token, "GET", "/api/v1/follow_requests");
  const bo = requests.find((r: { username: string }) => r.username === "bo");
  assert.equal(bo.caracol_server_notice, notice);
  assert.equal((await relationshipTo(id.cal)).caracol_server_notice, null, "C is not held back");
});

test("under block (an admin's override): nothing reaches B; a boost and a reply reach neither B nor M", async () => {
  const res = await runCommand(A.app.ctx, ["transitive", "override", "127.0.0.2", "block", "--comment", "test", "--yes"], "");
  assert.equal(res.code, 0, res.err);
  assert.match(res.out, /standing now: blocked/);
  assert.equal(await serverStanding(A.app.ctx, "127.0.0.2"), "blocked");

  const pub = await post("block-public", "public");
  const carols = await post("carol-public", "public", {}, carol.token);
  await call(alice.token, "POST", `/api/v1/statuses/${carols.id}/reblog`);
  const reply = await post("block-reply", "public", { in_reply_to_id: pub.id, status: `@bea@${B.host}:${B.port} @zuck@${M.host}:${M.port} a reply` }, carol.token);
  await arrives(C, "Create", pub.uri);
  await arrives(C, "Announce", carols.uri);
  await arrives(C, "Create", reply.uri);
  await sleep(QUIET_MS);
  for (const uri of [pub.uri, carols.uri, reply.uri]) {
    assert.equal(B.received.filter((a) => objectId(a) === uri || JSON.stringify(a.raw).includes(uri)).length, 0, `nothing about ${uri} to B`);
  }
  assert.equal((await relationshipTo(id.bea)).caracol_server_notice, "Their server shares data with servers this instance blocks, so none of your posts will reach them.");
  assert.ok((await fetchAsB(pub.uri)) >= 400, "signed fetches from B are refused, public posts included");

  // Back to the instance policy: B is restricted again and public posts reach it.
  assert.equal((await runCommand(A.app.ctx, ["transitive", "clear", "127.0.0.2", "--yes"], "")).code, 0);
  forgetStandings(A.app.ctx);
  assert.equal(await serverStanding(A.app.ctx, "127.0.0.2"), "restricted");
  assert.equal(await fetchAsB(pub.uri), 200);
});

test("the suspended M received nothing at all, though it follows alice and was mentioned", () => {
  assert.deepEqual(M.received, []);
});
