// The test peer itself: two of them on their own loopback addresses exchange a signed Follow,
// and forged deliveries are refused.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startPeer, type Peer } from "./helpers/peer.ts";

let one: Peer;
let two: Peer;

before(async () => {
  one = await startPeer({ host: "127.0.0.2", actors: ["bob"] });
  two = await startPeer({ host: "127.0.0.3", actors: ["alice", "carol"], requireSignedFetch: true });
});
after(async () => {
  await Promise.all([one?.close(), two?.close()]);
});

test("a peer serves its actors and WebFinger", async () => {
  const res = await fetch(one.actorUrl("bob"), { headers: { accept: "application/activity+json" } });
  assert.equal(res.status, 200);
  const actor = (await res.json()) as any;
  assert.equal(actor.type, "Person");
  assert.equal(actor.id, one.actorUrl("bob"));
  assert.equal(actor.inbox, one.inboxUrl("bob"));
  assert.equal(actor.endpoints.sharedInbox, one.sharedInboxUrl);
  assert.equal(actor.publicKey.id, one.keyId("bob"));
  assert.match(actor.publicKey.publicKeyPem, /BEGIN PUBLIC KEY/);
  const wf = await fetch(`${one.origin}/.well-known/webfinger?resource=acct:bob@${one.host}:${one.port}`);
  assert.equal(wf.status, 200);
  const jrd = (await wf.json()) as any;
  assert.ok(jrd.links.some((l: any) => l.rel === "self" && l.href === one.actorUrl("bob")));
  assert.equal((await fetch(`${one.origin}/users/nobody`, { headers: { accept: "application/activity+json" } })).status, 404);
});

test("a signed Follow is verified and recorded by the receiving peer", async () => {
  const follow = { id: one.newId(), type: "Follow", actor: one.actorUrl("bob"), object: two.actorUrl("alice"), to: [two.actorUrl("alice")] };
  const sent = await one.send("bob", two.inboxUrl("alice"), follow);
  assert.equal(sent.status, 202, sent.body);
  const got = await two.waitFor((a) => a.id === follow.id);
  assert.equal(got.type, "Follow");
  assert.equal(got.actor, one.actorUrl("bob"));
  assert.equal(got.object, two.actorUrl("alice"));
  assert.deepEqual(got.to, [two.actorUrl("alice")]);
  assert.equal(got.inbox, "personal");
  assert.equal(got.recipient, "alice");
  assert.equal(got.signedBy, one.keyId("bob"), "signature verified against bob's key");
  assert.equal(got.raw.id, follow.id);

  // RFC 9421 signatures to the shared inbox work too; the activity is fetchable at its id.
  const like = { id: one.newId(), type: "Like", actor: one.actorUrl("bob"), object: two.actorUrl("carol") };
  const sent2 = await one.send("bob", two.sharedInboxUrl, like, { spec: "rfc9421" });
  assert.equal(sent2.status, 202, sent2.body);
  const got2 = await two.waitFor((a) => a.id === like.id);
  assert.equal(got2.inbox, "shared");
  assert.equal(got2.recipient, null);
  assert.equal(got2.signedBy, one.keyId("bob"));
  assert.equal((await fetch(like.id)).status, 200);
});

test("an unsigned or wrongly signed POST is refused with 401 and not recorded", async () => {
  const before = two.received.length;
  const activity = (id: string) => ({ id, type: "Follow", actor: one.actorUrl("bob"), object: two.actorUrl("alice") });

  const unsigned = await one.send("bob", two.inboxUrl("alice"), activity(one.newId()), { unsigned: true });
  assert.equal(unsigned.status, 401);

  const { privateKey: stranger } = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true, // Fedify refuses non-extractable keys
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const forged = await one.send("bob", two.inboxUrl("alice"), activity(one.newId()), { privateKey: stranger });
  assert.equal(forged.status, 401);
  const forged9421 = await one.send("bob", two.sharedInboxUrl, activity(one.newId()), { privateKey: stranger, spec: "rfc9421" });
  assert.equal(forged9421.status, 401);

  // Signed correctly by bob, but claiming to be carol: the signer is not the actor.
  const impostor = { id: one.newId(), type: "Follow", actor: two.actorUrl("carol"), object: two.actorUrl("alice") };
  const claimed = await one.send("bob", two.inboxUrl("alice"), impostor);
  assert.equal(claimed.status, 401);

  assert.equal(two.received.length, before, "nothing recorded");
  assert.deepEqual(two.refused.slice(-4).map((r) => [r.status, r.signed]), [[401, false], [401, true], [401, true], [401, true]]);
});

test("with requireSignedFetch, published objects need a signed GET", async () => {
  const note = two.publishNote("alice", { content: "<p>hello</p>" });
  assert.equal((await fetch(note.id, { headers: { accept: "application/activity+json" } })).status, 401);
  const open = one.publishNote("bob", { content: "open" });
  const res = await fetch(open.id);
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as any).content, "open");
  assert.deepEqual(two.fetches.at(-1), { path: new URL(note.id).pathname, status: 401, signedBy: null });
});
