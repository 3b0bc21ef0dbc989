// The inbox, part three: what remote accounts say about themselves and about us: Update of an
// actor, Delete of an actor, Move, Flag (reports) and Add / Remove (pinned posts).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { accountMoves, accounts, domainBlocks, follows, pins, reports, statuses } from "../../src/db/schema/index.ts";
import { createStatus } from "../../src/domain/statuses/create.ts";
import { insertFollow } from "../../src/domain/follows/graph.ts";
import { newId } from "../../src/lib/id.ts";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { signRequest } from "@fedify/fedify";
import { AS_PUBLIC, deliver, localUser, startWorld, type LocalUser, type World } from "./inbox-helpers.ts";

let w: World;
let alice: LocalUser;
let bob: string;
let inbox: string;

before(async () => {
  w = await startWorld(["bob", "gone", "mover"], ["carol"]);
  alice = await localUser(w.server, "alice");
  bob = w.peer.actorUrl("bob");
  inbox = `${w.server.url}/inbox`;
});
after(() => w?.close());

const db = () => w.server.app.ctx.db;
const account = async (uri: string) => (await db().select().from(accounts).where(eq(accounts.uri, uri)))[0];
const create = (actor: string, object: Record<string, unknown>) => ({ id: w.peer.newId(), type: "Create", actor, object, to: [AS_PUBLIC] });

test("Update of an actor refreshes the account; an actor cannot update another", async () => {
  await deliver(w, w.peer, "bob", inbox, create(bob, w.peer.publishNote("bob", { content: "<p>hello</p>" })));
  const person = { id: bob, type: "Person", preferredUsername: "bob", name: "Bob <b>Renamed</b>", summary: "<p>new bio</p>", inbox: w.peer.inboxUrl("bob") };
  await deliver(w, w.peer, "bob", inbox, { id: w.peer.newId(), type: "Update", actor: bob, object: person });
  const row = await account(bob);
  assert.equal(row.displayName, "Bob Renamed");
  assert.equal(row.note, "<p>new bio</p>");
  const gone = w.peer.actorUrl("gone");
  await deliver(w, w.peer, "gone", inbox, { id: w.peer.newId(), type: "Update", actor: gone, object: { ...person, name: "hijacked" } });
  assert.equal((await account(bob)).displayName, "Bob Renamed");
});

test("Delete of an actor removes its posts and follows and marks it suspended", async () => {
  const gone = w.peer.actorUrl("gone");
  const note = w.peer.publishNote("gone", { content: "<p>soon gone</p>" });
  await deliver(w, w.peer, "gone", inbox, create(gone, note));
  const row = await account(gone);
  await db().transaction((tx) => insertFollow(tx, alice.id, row.id, { showReblogs: true, notify: false, languages: null }));
  await deliver(w, w.peer, "gone", inbox, { id: w.peer.newId(), type: "Delete", actor: gone, object: gone, to: [AS_PUBLIC] });
  const after = await account(gone);
  assert.ok(after.suspendedAt, "kept, suspended");
  assert.deepEqual(await db().select().from(statuses).where(eq(statuses.accountId, row.id)), []);
  assert.deepEqual(await db().select().from(follows).where(eq(follows.targetAccountId, row.id)), []);
  assert.equal((await account(alice.uri)).followingCount, 0);
  // Anything it sends afterwards is ignored.
  const later = w.peer.publishNote("gone", { content: "<p>back?</p>" });
  await deliver(w, w.peer, "gone", inbox, create(gone, later));
  assert.deepEqual(await db().select().from(statuses).where(eq(statuses.uri, later.id)), []);
});

test("Move is recorded when the new account lists the old one; otherwise ignored", async () => {
  const mover = w.peer.actorUrl("mover");
  const person = (path: string, aka: string[]) =>
    w.peer.publish("mover", { id: `${w.peer.origin}/people/${path}`, type: "Person", preferredUsername: path, inbox: `${w.peer.origin}/people/${path}/inbox`, alsoKnownAs: aka });
  const honest = person("newmover", [mover]);
  const stranger = person("stranger", []);
  await deliver(w, w.peer, "mover", inbox, { id: w.peer.newId(), type: "Move", actor: mover, object: mover, target: stranger.id });
  assert.deepEqual(await db().select().from(accountMoves), []);
  await deliver(w, w.peer, "mover", inbox, { id: w.peer.newId(), type: "Move", actor: mover, object: mover, target: honest.id });
  const [move] = await db().select().from(accountMoves);
  assert.equal(move.accountId, (await account(mover)).id);
  assert.equal(move.movedToUri, honest.id);
  assert.equal(move.movedToAccountId, (await account(honest.id)).id);
});

test("Flag stores a report about a local account and its posts; reports can be rejected per domain", async () => {
  const post = (await createStatus(w.server.app.ctx, { accountId: alice.id, appId: null, text: "reported", visibility: "public" })).status;
  const flag = { id: w.peer.newId(), type: "Flag", actor: bob, object: [alice.uri, post.uri], content: "spam <b>here</b>" };
  await deliver(w, w.peer, "bob", inbox, flag);
  await deliver(w, w.peer, "bob", inbox, flag);
  const rows = await db().select().from(reports);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].targetAccountId, alice.id);
  assert.deepEqual(rows[0].statusIds, [post.id]);
  assert.equal(rows[0].comment, "spam here");
  assert.equal(rows[0].uri, flag.id);

  await db().insert(domainBlocks).values({ id: newId(), domain: "127.0.0.3", severity: "noop", rejectReports: true });
  await deliver(w, w.other, "carol", inbox, { id: w.other.newId(), type: "Flag", actor: w.other.actorUrl("carol"), object: [alice.uri], content: "no" });
  assert.equal((await db().select().from(reports)).length, 1);
});

test("Add and Remove on the featured collection pin and unpin a post of the actor's", async () => {
  const note = w.peer.publishNote("bob", { content: "<p>pin me</p>" });
  const featured = `${bob}/collections/featured`;
  await deliver(w, w.peer, "bob", inbox, { id: w.peer.newId(), type: "Add", actor: bob, object: note.id, target: featured });
  const row = (await db().select().from(statuses).where(eq(statuses.uri, note.id)))[0];
  assert.ok(row, "fetched");
  assert.equal((await db().select().from(pins).where(eq(pins.statusId, row.id))).length, 1);
  await deliver(w, w.peer, "bob", inbox, { id: w.peer.newId(), type: "Remove", actor: bob, object: note.id, target: featured });
  assert.deepEqual(await db().select().from(pins).where(eq(pins.statusId, row.id)), []);
});

test("a Delete of an actor whose own document answers 410 Gone is honoured though it cannot be verified", async () => {
  const gone = http.createServer((_req, res) => res.writeHead(410).end());
  await new Promise<void>((r) => gone.listen(0, "127.0.0.4", () => r()));
  try {
    const origin = `http://127.0.0.4:${(gone.address() as AddressInfo).port}`;
    const ghost = `${origin}/users/ghost`;
    const ghostId = newId();
    await db().insert(accounts).values({ id: ghostId, username: "ghost", domain: new URL(origin).host, uri: ghost, inboxUrl: `${ghost}/inbox` });
    await db().insert(statuses).values({ id: newId(), uri: `${ghost}/statuses/1`, accountId: ghostId, content: "<p>boo</p>", audience: "public" });
    const { privateKey } = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const send = async (body: Record<string, unknown>, keyId: string) => {
      const req = new Request(inbox, { method: "POST", headers: { "content-type": "application/activity+json" }, body: JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", ...body }) });
      return (await fetch(await signRequest(req, privateKey, new URL(keyId)))).status;
    };
    // Not about the actor itself, or signed with a key elsewhere: the usual 401.
    assert.equal(await send({ id: `${origin}/d/1`, type: "Delete", actor: ghost, object: `${ghost}/statuses/1` }, `${ghost}#main-key`), 401);
    assert.equal(await send({ id: `${origin}/d/2`, type: "Delete", actor: ghost, object: ghost }, `${origin}/keys/1`), 401);
    assert.equal((await account(ghost)).suspendedAt, null);
    assert.equal(await send({ id: `${origin}/d/3`, type: "Delete", actor: ghost, object: ghost }, `${ghost}#main-key`), 202);
    assert.ok((await account(ghost)).suspendedAt);
    assert.deepEqual(await db().select().from(statuses).where(eq(statuses.accountId, ghostId)), []);
  } finally {
    await new Promise<void>((r) => gone.close(() => r()));
  }
});
