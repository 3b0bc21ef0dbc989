// Consent-aware delivery end to end: a Caracol server with its workers and four Fedify peers.
// A (127.0.0.2) is a remote author's server that publishes a suspension of B (127.0.0.3, as a
// digest, the way Mastodon publishes obfuscated blocks); C (127.0.0.5) is blocked by nobody;
// S (127.0.0.4) is suspended by us. Alice's followers live on B, C and S.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { startTestServer, type TestServer } from "../helpers/app.ts";
import { startPeer, type Peer } from "../helpers/peer.ts";
import { accounts, deliveryFailures, follows, serverScans, statuses } from "../../src/db/schema/index.ts";
import { newId } from "../../src/lib/id.ts";
import { sha256Hex } from "../../src/domain/federation-policy/digest.ts";
import { saveRule } from "../../src/domain/federation-policy/domain-rules.ts";
import { api, follow, localUser, objectId, remoteAccount, sleep, startWorkers } from "../federation/outbox-helpers.ts";

const QUIET_MS = 1500;
let server: TestServer;
let stopWorkers: () => Promise<void>;
let A: Peer, B: Peer, C: Peer, S: Peer;
let call: ReturnType<typeof api>;
let alice: { id: string; token: string };
let carol: { id: string; token: string };
const id: Record<string, string> = {};
let annPost: { id: string; uri: string };

before(async () => {
  server = await startTestServer({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true" }, "127.0.0.1");
  [A, B, C, S] = await Promise.all([
    startPeer({ host: "127.0.0.2", actors: ["ann"] }),
    startPeer({ host: "127.0.0.3", actors: ["ben"] }),
    startPeer({ host: "127.0.0.5", actors: ["cat"] }),
    startPeer({ host: "127.0.0.4", actors: ["sam"] }),
  ]);
  const { ctx } = server.app;
  await saveRule(ctx, { domain: "127.0.0.4", severity: "suspend" });
  alice = await localUser(ctx, "alice");
  carol = await localUser(ctx, "carol");
  for (const [peer, name] of [[A, "ann"], [B, "ben"], [C, "cat"], [S, "sam"]] as const) id[name] = await remoteAccount(ctx.db, peer, name);
  for (const f of ["ben", "cat", "sam"]) await follow(ctx.db, id[f], alice.id);
  // What the transitive scanner stored for A: its published suspensions (one obfuscated).
  await ctx.db.insert(serverScans).values({ domain: A.host, verdict: "clean", publishedBlocks: [`sha256:${sha256Hex(B.host)}`, "elsewhere.example"] });
  const sid = newId();
  annPost = { id: sid, uri: `${A.origin}/notes/${sid}` };
  await ctx.db.insert(statuses).values({ id: sid, uri: annPost.uri, url: annPost.uri, accountId: id.ann, audience: "public", content: "<p>ann's words</p>" });
  stopWorkers = startWorkers(server.app);
  call = api(server.url);
});

after(async () => {
  await stopWorkers?.();
  await Promise.all([A, B, C, S].map((p) => p?.close()));
  await server?.close();
});

const got = (peer: Peer, type: string, object: string) => peer.received.filter((a) => a.type === type && objectId(a) === object);
const arrives = (peer: Peer, type: string, object: string) => peer.waitFor((a) => a.type === type && objectId(a) === object, 10_000);
const ours = (peer: Peer) => peer.received.filter((a) => a.actor?.startsWith(server.url));

async function withheldFor(activityId: string) {
  const rows = await server.app.ctx.db.select().from(deliveryFailures).where(and(eq(deliveryFailures.activityId, activityId), eq(deliveryFailures.reason, "author_blocks_server")));
  return rows.map((r) => r.inbox);
}

test("a local boost of a remote post goes to followers' servers, not to the server its author's server suspends", async () => {
  const boost = await call(alice.token, "POST", `/api/v1/statuses/${annPost.id}/reblog`);
  await arrives(C, "Announce", annPost.uri);
  await arrives(A, "Announce", annPost.uri);
  await sleep(QUIET_MS);
  assert.equal(got(B, "Announce", annPost.uri).length, 0, "B is suspended by the author's server");
  assert.equal(got(S, "Announce", annPost.uri).length, 0, "S is suspended by us");
  assert.deepEqual(await withheldFor(boost.uri), [B.sharedInboxUrl], "the withheld delivery is recorded");
  await call(alice.token, "POST", `/api/v1/statuses/${annPost.id}/unreblog`);
});

test("a local reply to a remote post: not to the server its author's server suspends; alice's own post still goes there", async () => {
  const reply = await call(alice.token, "POST", "/api/v1/statuses", { status: "replying to ann", visibility: "public", in_reply_to_id: annPost.id });
  await arrives(C, "Create", reply.uri);
  await arrives(A, "Create", reply.uri);
  const own = await call(alice.token, "POST", "/api/v1/statuses", { status: "my own words", visibility: "public" });
  await arrives(B, "Create", own.uri);
  await sleep(QUIET_MS);
  assert.equal(got(B, "Create", reply.uri).length, 0);
  assert.deepEqual(await withheldFor(`${reply.uri}/activity`), [B.sharedInboxUrl]);
  // an edit of the reply carries the same thread
  await call(alice.token, "PUT", `/api/v1/statuses/${reply.id}`, { status: "replying to ann, edited" });
  await arrives(C, "Update", reply.uri);
  await sleep(QUIET_MS);
  assert.equal(got(B, "Update", reply.uri).length, 0);
});

test("a boost or reply of a local author's post never reaches a server we suspend", async () => {
  const post = await call(carol.token, "POST", "/api/v1/statuses", { status: "carol's words", visibility: "public" });
  const boost = await call(alice.token, "POST", `/api/v1/statuses/${post.id}/reblog`);
  const reply = await call(alice.token, "POST", "/api/v1/statuses", { status: "answering carol", visibility: "public", in_reply_to_id: post.id });
  await arrives(C, "Announce", post.uri);
  await arrives(C, "Create", reply.uri);
  await arrives(B, "Announce", post.uri);
  await sleep(QUIET_MS);
  assert.equal(got(S, "Announce", post.uri).length + got(S, "Create", reply.uri).length, 0);
  assert.deepEqual(ours(S), [], "S got nothing from us at all");
  assert.ok(boost.uri);
});

test("FEP-044f: a QuoteRequest for our post is refused with Reject; a suspended server gets no answer", async () => {
  const post = await call(alice.token, "POST", "/api/v1/statuses", { status: "please do not quote me", visibility: "public" });
  const context = ["https://www.w3.org/ns/activitystreams", { QuoteRequest: "https://w3id.org/fep/044f#QuoteRequest" }];
  const ask = async (peer: Peer, actor: string) => {
    const request = { "@context": context, id: peer.newId(), type: "QuoteRequest", actor: peer.actorUrl(actor), object: post.uri, instrument: `${peer.origin}/notes/quoting` };
    const res = await peer.send(actor, `${server.url}/inbox`, request);
    assert.equal(res.status, 202, res.body);
    return request.id;
  };
  const asked = await ask(C, "cat");
  const reject = await C.waitFor((a) => a.type === "Reject" && objectId(a) === asked, 10_000);
  assert.equal(reject.actor, `${server.url}/users/alice`);
  await ask(S, "sam");
  await sleep(QUIET_MS);
  assert.deepEqual(ours(S), [], "a suspended server is not answered");
});

test("suspending a server severs its follows without telling it anything", async () => {
  const before = ours(C).length;
  const { plan } = await saveRule(server.app.ctx, { domain: C.host, severity: "suspend" });
  assert.equal(plan.purge?.followsFromThem, 1);
  const left = await server.app.ctx.db.select().from(follows).where(eq(follows.accountId, id.cat));
  assert.deepEqual(left, []);
  const [cat] = await server.app.ctx.db.select().from(accounts).where(eq(accounts.id, id.cat));
  assert.ok(cat.suspendedAt);
  await call(alice.token, "POST", "/api/v1/statuses", { status: "after the suspension", visibility: "public" });
  await sleep(QUIET_MS * 2);
  assert.equal(ours(C).length, before, "no Reject, Undo, Block or post reached the suspended server");
});
