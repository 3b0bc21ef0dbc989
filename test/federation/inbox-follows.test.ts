// The inbox, part one: who may deliver (signatures, blocked servers), and the follow graph
// (Follow, Accept, Reject, Undo, Block), with repeats that change nothing.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { accounts, blocks, domainBlocks, followRequests, follows, notifications } from "../../src/db/schema/index.ts";
import { insertFollow } from "../../src/domain/follows/graph.ts";
import { forgetStandings } from "../../src/domain/federation-policy/standing.ts";
import { newId } from "../../src/lib/id.ts";
import { api, deliver, localUser, settled, startWorld, type LocalUser, type World } from "./inbox-helpers.ts";

let w: World;
let alice: LocalUser; // locked (the default)
let dave: LocalUser; // unlocked

before(async () => {
  w = await startWorld(["bob", "mallory", "zed"], ["carol"]);
  alice = await localUser(w.server, "alice");
  dave = await localUser(w.server, "dave", { locked: false });
});
after(() => w?.close());

const db = () => w.server.app.ctx.db;
const accountIdOf = async (uri: string) => (await db().select({ id: accounts.id }).from(accounts).where(eq(accounts.uri, uri)))[0]?.id;
const requestsTo = (id: string) => db().select().from(followRequests).where(eq(followRequests.targetAccountId, id));
const notificationsOf = (id: string, type: string) => db().select().from(notifications).where(and(eq(notifications.accountId, id), eq(notifications.type, type as "follow")));

test("unsigned, wrongly signed and signed-by-someone-else deliveries are refused with 401", async () => {
  const follow = () => ({ id: w.peer.newId(), type: "Follow", actor: w.peer.actorUrl("bob"), object: alice.uri });
  assert.equal((await w.peer.send("bob", alice.inbox, follow(), { unsigned: true })).status, 401);
  const { privateKey } = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  assert.equal((await w.peer.send("bob", alice.inbox, follow(), { privateKey })).status, 401);
  assert.equal((await w.peer.send("bob", `${w.server.url}/inbox`, follow(), { privateKey, spec: "rfc9421" })).status, 401);
  // mallory's valid signature on an activity that says bob did it
  const impostor = await w.peer.send("mallory", alice.inbox, follow());
  assert.equal(impostor.status, 401, impostor.body);
  // and a signer on another server claiming a peer actor
  assert.equal((await w.other.send("carol", alice.inbox, follow())).status, 401);
  await settled(w.server);
  assert.deepEqual(await requestsTo(alice.id), []);
});

test("a Follow of a locked account is a request that keeps the Follow's id; a repeat changes nothing", async () => {
  const follow = { id: w.peer.newId(), type: "Follow", actor: w.peer.actorUrl("bob"), object: alice.uri };
  await deliver(w, w.peer, "bob", alice.inbox, follow);
  await deliver(w, w.peer, "bob", `${w.server.url}/inbox`, follow); // same activity again, via the shared inbox
  const rows = await requestsTo(alice.id);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].uri, follow.id);
  assert.equal(rows[0].accountId, await accountIdOf(w.peer.actorUrl("bob")));
  assert.equal((await notificationsOf(alice.id, "follow_request")).length, 1);
  const [bob] = await db().select().from(accounts).where(eq(accounts.uri, w.peer.actorUrl("bob")));
  assert.equal(bob.domain, `127.0.0.2:${w.peer.port}`);
  assert.equal(bob.inboxUrl, w.peer.inboxUrl("bob"));
  // The person sees it through the API.
  const listed = await api(w.server, "/api/v1/follow_requests", alice.token);
  assert.deepEqual(listed.body.map((a: any) => a.acct), [`bob@127.0.0.2:${w.peer.port}`]);

  // Undo withdraws the request.
  await deliver(w, w.peer, "bob", alice.inbox, { id: w.peer.newId(), type: "Undo", actor: w.peer.actorUrl("bob"), object: follow });
  assert.deepEqual(await requestsTo(alice.id), []);
});

test("a Follow of an unlocked account follows at once, notifies, and is answered with Accept", async () => {
  const follow = { id: w.peer.newId(), type: "Follow", actor: w.peer.actorUrl("bob"), object: dave.uri };
  await deliver(w, w.peer, "bob", dave.inbox, follow);
  const bobId = await accountIdOf(w.peer.actorUrl("bob"));
  const [row] = await db().select().from(follows).where(and(eq(follows.accountId, bobId), eq(follows.targetAccountId, dave.id)));
  assert.equal(row.uri, follow.id);
  assert.equal((await notificationsOf(dave.id, "follow")).length, 1);
  const [d] = await db().select().from(accounts).where(eq(accounts.id, dave.id));
  assert.equal(d.followersCount, 1);
  const accept = await w.peer.waitFor((a) => a.type === "Accept" && a.actor === dave.uri);
  assert.equal(accept.raw.object.id, follow.id);
  assert.equal(accept.raw.object.actor, w.peer.actorUrl("bob"));
  assert.equal(accept.signedBy, `${dave.uri}#main-key`);

  await deliver(w, w.peer, "bob", dave.inbox, { id: w.peer.newId(), type: "Undo", actor: w.peer.actorUrl("bob"), object: follow });
  assert.deepEqual(await db().select().from(follows).where(eq(follows.targetAccountId, dave.id)), []);
  const [d2] = await db().select().from(accounts).where(eq(accounts.id, dave.id));
  assert.equal(d2.followersCount, 0);
});

test("following a remote account makes a pending request; their Accept makes it a follow, their Reject drops it", async () => {
  const bobAcct = `bob@127.0.0.2:${w.peer.port}`;
  const found = await api(w.server, `/api/v1/accounts/lookup?acct=${bobAcct}`, alice.token);
  assert.equal(found.status, 200, JSON.stringify(found.body));
  const res = await api(w.server, `/api/v1/accounts/${found.body.id}/follow`, alice.token, { method: "POST" });
  assert.equal(res.status, 200);
  assert.equal(res.body.requested, true);
  assert.equal(res.body.following, false);
  const [req] = await db().select().from(followRequests).where(eq(followRequests.accountId, alice.id));
  assert.ok(req, "a pending follow_requests row");
  assert.equal(req.targetAccountId, found.body.id);

  const followObject = { type: "Follow", id: req.uri, actor: alice.uri, object: w.peer.actorUrl("bob") };
  // Accepted by someone else than the target: nothing happens.
  await deliver(w, w.peer, "mallory", alice.inbox, { id: w.peer.newId(), type: "Accept", actor: w.peer.actorUrl("mallory"), object: followObject });
  assert.equal((await db().select().from(followRequests).where(eq(followRequests.accountId, alice.id))).length, 1);
  await deliver(w, w.peer, "bob", alice.inbox, { id: w.peer.newId(), type: "Accept", actor: w.peer.actorUrl("bob"), object: followObject });
  assert.deepEqual(await db().select().from(followRequests).where(eq(followRequests.accountId, alice.id)), []);
  const [f] = await db().select().from(follows).where(and(eq(follows.accountId, alice.id), eq(follows.targetAccountId, found.body.id)));
  assert.ok(f, "now following");
  const [a] = await db().select().from(accounts).where(eq(accounts.id, alice.id));
  assert.equal(a.followingCount, 1);
  const rel = await api(w.server, `/api/v1/accounts/relationships?id[]=${found.body.id}`, alice.token);
  assert.equal(rel.body[0].following, true);

  // mallory: a request answered with Reject naming only the Follow's id.
  const m = await api(w.server, `/api/v1/accounts/lookup?acct=mallory@127.0.0.2:${w.peer.port}`, alice.token);
  await api(w.server, `/api/v1/accounts/${m.body.id}/follow`, alice.token, { method: "POST" });
  const [mreq] = await db().select().from(followRequests).where(eq(followRequests.targetAccountId, m.body.id));
  await deliver(w, w.peer, "mallory", alice.inbox, { id: w.peer.newId(), type: "Reject", actor: w.peer.actorUrl("mallory"), object: mreq.uri ?? followObject });
  assert.deepEqual(await db().select().from(followRequests).where(eq(followRequests.targetAccountId, m.body.id)), []);
  assert.deepEqual(await db().select().from(follows).where(eq(follows.targetAccountId, m.body.id)), []);
});

test("a remote Block cuts follows both ways and is recorded; Undo removes the record", async () => {
  const zedUri = w.peer.actorUrl("zed");
  // zed follows dave and dave follows zed (zed's row comes from a Follow, dave's is set directly).
  await deliver(w, w.peer, "zed", dave.inbox, { id: w.peer.newId(), type: "Follow", actor: zedUri, object: dave.uri });
  const zedId = await accountIdOf(zedUri);
  await db().transaction((tx) => insertFollow(tx, dave.id, zedId, { showReblogs: true, notify: false, languages: null }));
  const block = { id: w.peer.newId(), type: "Block", actor: zedUri, object: dave.uri };
  await deliver(w, w.peer, "zed", dave.inbox, block);
  assert.deepEqual(await db().select().from(follows).where(eq(follows.accountId, zedId)), []);
  assert.deepEqual(await db().select().from(follows).where(eq(follows.targetAccountId, zedId)), []);
  const [d] = await db().select().from(accounts).where(eq(accounts.id, dave.id));
  assert.equal(d.followersCount, 0);
  assert.equal(d.followingCount, 0);
  const [row] = await db().select().from(blocks).where(eq(blocks.accountId, zedId));
  assert.equal(row.targetAccountId, dave.id);
  assert.equal(row.uri, block.id);
  // While blocked, zed's Follow is answered with Reject and nothing is stored.
  const again = { id: w.peer.newId(), type: "Follow", actor: zedUri, object: dave.uri };
  await deliver(w, w.peer, "zed", dave.inbox, again);
  assert.deepEqual(await db().select().from(follows).where(eq(follows.accountId, zedId)), []);
  await w.peer.waitFor((a) => a.type === "Reject" && a.raw.object?.id === again.id);

  await deliver(w, w.peer, "zed", dave.inbox, { id: w.peer.newId(), type: "Undo", actor: zedUri, object: block });
  assert.deepEqual(await db().select().from(blocks).where(eq(blocks.accountId, zedId)), []);
});

test("activities from a suspended domain are ignored, and nothing of the sender is stored", async () => {
  await db().insert(domainBlocks).values({ id: newId(), domain: "127.0.0.3", severity: "suspend" });
  forgetStandings(w.server.app.ctx);
  try {
    const carol = w.other.actorUrl("carol");
    await deliver(w, w.other, "carol", alice.inbox, { id: w.other.newId(), type: "Follow", actor: carol, object: alice.uri });
    await deliver(w, w.other, "carol", dave.inbox, { id: w.other.newId(), type: "Follow", actor: carol, object: dave.uri });
    assert.equal(await accountIdOf(carol), undefined);
    assert.deepEqual(await db().select().from(follows).where(eq(follows.targetAccountId, dave.id)), []);
    assert.deepEqual(await requestsTo(alice.id), []);
  } finally {
    await db().delete(domainBlocks).where(eq(domainBlocks.domain, "127.0.0.3"));
    forgetStandings(w.server.app.ctx);
  }
});
