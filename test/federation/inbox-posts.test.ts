// The inbox, part two: posts (Create, Update, Delete), boosts (Announce), likes and reactions
// (Like, Misskey's reaction Like, EmojiReact), their Undo, spoofed objects, and who sees a
// remote followers-only post in the Mastodon API.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { accounts, favourites, mentions, notifications, statusEdits, statuses } from "../../src/db/schema/index.ts";
import { insertFollow } from "../../src/domain/follows/graph.ts";
import { createStatus } from "../../src/domain/statuses/create.ts";
import { AS_PUBLIC, api, deliver, localUser, startWorld, type LocalUser, type World } from "./inbox-helpers.ts";

let w: World;
let alice: LocalUser;
let erin: LocalUser; // follows bob
let frank: LocalUser; // does not
let bob: string;

before(async () => {
  w = await startWorld(["bob", "mallory"], ["carol"]);
  [alice, erin, frank] = [await localUser(w.server, "alice"), await localUser(w.server, "erin"), await localUser(w.server, "frank")];
  bob = w.peer.actorUrl("bob");
  // Make bob known and followed by erin (the follow handshake itself is tested in inbox-follows).
  await deliver(w, w.peer, "bob", alice.inbox, { id: w.peer.newId(), type: "Follow", actor: bob, object: alice.uri });
  const bobId = await accountId(bob);
  await db().transaction((tx) => insertFollow(tx, erin.id, bobId, { showReblogs: true, notify: false, languages: null }));
});
after(() => w?.close());

const db = () => w.server.app.ctx.db;
const accountId = async (uri: string) => (await db().select({ id: accounts.id }).from(accounts).where(eq(accounts.uri, uri)))[0]?.id;
const statusAt = async (uri: string) => (await db().select().from(statuses).where(eq(statuses.uri, uri)))[0];
const notes = (accountId: string, type: string) =>
  db().select().from(notifications).where(and(eq(notifications.accountId, accountId), eq(notifications.type, type as "mention")));
const create = (actor: string, object: Record<string, unknown>) => ({ id: w.peer.newId(), type: "Create", actor, object, to: object.to, cc: object.cc });

test("a Create is stored with its audience, mentions notify, replies count; a repeat changes nothing", async () => {
  const parent = (await createStatus(w.server.app.ctx, { accountId: alice.id, appId: null, text: "hello fediverse", visibility: "public" })).status;
  const note = w.peer.publish("bob", {
    type: "Note",
    content: "<p>hi <a href='x'>@alice</a><script>alert(1)</script></p>",
    to: [AS_PUBLIC],
    cc: [alice.uri],
    inReplyTo: parent.uri,
    tag: [{ type: "Mention", href: alice.uri, name: "@alice" }, { type: "Hashtag", name: "#Caracol" }],
    published: new Date().toISOString(),
  });
  const activity = create(bob, note);
  await deliver(w, w.peer, "bob", alice.inbox, activity);
  await deliver(w, w.peer, "bob", `${w.server.url}/inbox`, activity);
  const row = await statusAt(note.id);
  assert.ok(row, "stored");
  assert.equal(row.audience, "public");
  assert.equal(row.accountId, await accountId(bob));
  assert.equal(row.inReplyToId, parent.id);
  assert.ok(!row.content.includes("script"), "sanitised");
  assert.equal((await db().select().from(mentions).where(eq(mentions.statusId, row.id))).length, 1);
  assert.equal((await notes(alice.id, "mention")).length, 1);
  const [p] = await db().select().from(statuses).where(eq(statuses.id, parent.id));
  assert.equal(p.repliesCount, 1);
  assert.equal((await db().select().from(statuses).where(eq(statuses.uri, note.id))).length, 1);
});

test("a remote followers-only post reaches a local follower's home timeline and no one else", async () => {
  const note = w.peer.publish("bob", { type: "Note", content: "<p>for my followers</p>", to: [`${bob}/followers`], published: new Date().toISOString() });
  await deliver(w, w.peer, "bob", `${w.server.url}/inbox`, create(bob, note));
  const row = await statusAt(note.id);
  assert.equal(row.audience, "followers");
  const home = await api(w.server, "/api/v1/timelines/home", erin.token);
  assert.ok(home.body.some((s: any) => s.uri === note.id), "in the follower's home timeline");
  assert.equal((await api(w.server, `/api/v1/statuses/${row.id}`, erin.token)).status, 200);
  const other = await api(w.server, "/api/v1/timelines/home", frank.token);
  assert.ok(!other.body.some((s: any) => s.uri === note.id), "not in a non-follower's timeline");
  assert.equal((await api(w.server, `/api/v1/statuses/${row.id}`, frank.token)).status, 404);
  assert.equal((await api(w.server, `/api/v1/statuses/${row.id}`)).status, 404, "nor for anonymous");
});

test("an embedded post from another host is not trusted: it is fetched from its origin", async () => {
  const genuine = w.other.publishNote("carol", { content: "<p>genuine words</p>" });
  const spoof = { ...genuine, content: "<p>FORGED words</p>" };
  await deliver(w, w.peer, "bob", `${w.server.url}/inbox`, create(bob, spoof));
  const row = await statusAt(genuine.id);
  assert.ok(row, "the real post, fetched");
  assert.match(row.content, /genuine words/);
  assert.equal(row.accountId, await accountId(w.other.actorUrl("carol")));
  assert.ok(w.other.fetches.some((f) => f.path === new URL(genuine.id).pathname && f.status === 200 && f.signedBy), "a signed fetch from the origin");
  // A claim about a post that does not exist at its origin stores nothing.
  const invented = `${w.other.origin}/users/carol/objects/9999`;
  await deliver(w, w.peer, "bob", `${w.server.url}/inbox`, create(bob, { ...spoof, id: invented }));
  assert.equal(await statusAt(invented), undefined);
  // Same host, but attributed to someone else than the signer: refused.
  const other = { type: "Note", id: `${w.peer.origin}/users/mallory/objects/777`, attributedTo: w.peer.actorUrl("mallory"), content: "<p>not bob's</p>", to: [AS_PUBLIC] };
  await deliver(w, w.peer, "bob", `${w.server.url}/inbox`, create(bob, other));
  assert.equal(await statusAt(other.id), undefined);
});

test("Update keeps the old version; a repeat adds nothing; Delete by the author only", async () => {
  const note = w.peer.publishNote("bob", { content: "<p>first</p>" });
  await deliver(w, w.peer, "bob", `${w.server.url}/inbox`, create(bob, note));
  const row = await statusAt(note.id);
  const update = { id: w.peer.newId(), type: "Update", actor: bob, object: { ...note, content: "<p>second</p>", updated: new Date().toISOString() } };
  await deliver(w, w.peer, "bob", `${w.server.url}/inbox`, update);
  await deliver(w, w.peer, "bob", `${w.server.url}/inbox`, { ...update, id: w.peer.newId() });
  const edited = await statusAt(note.id);
  assert.match(edited.content, /second/);
  assert.ok(edited.editedAt);
  const edits = await db().select().from(statusEdits).where(eq(statusEdits.statusId, row.id));
  assert.equal(edits.length, 1);
  assert.match(edits[0].content, /first/);
  const history = await api(w.server, `/api/v1/statuses/${row.id}/history`, alice.token);
  assert.equal(history.body.length, 2);

  // mallory (same server) cannot update or delete bob's post.
  await deliver(w, w.peer, "mallory", `${w.server.url}/inbox`, { id: w.peer.newId(), type: "Update", actor: w.peer.actorUrl("mallory"), object: note.id });
  await deliver(w, w.peer, "mallory", `${w.server.url}/inbox`, { id: w.peer.newId(), type: "Delete", actor: w.peer.actorUrl("mallory"), object: note.id });
  assert.ok(await statusAt(note.id));
  await deliver(w, w.peer, "bob", `${w.server.url}/inbox`, { id: w.peer.newId(), type: "Delete", actor: bob, object: { type: "Tombstone", id: note.id } });
  assert.equal(await statusAt(note.id), undefined);
});

test("Announce of a local public post is a reblog that notifies; not of a followers-only one; Undo removes it", async () => {
  const post = (await createStatus(w.server.app.ctx, { accountId: alice.id, appId: null, text: "boost me", visibility: "public" })).status;
  const hidden = (await createStatus(w.server.app.ctx, { accountId: alice.id, appId: null, text: "just followers", visibility: "private" })).status;
  const announce = { id: w.peer.newId(), type: "Announce", actor: bob, object: post.uri, to: [AS_PUBLIC], published: new Date().toISOString() };
  await deliver(w, w.peer, "bob", `${w.server.url}/inbox`, announce);
  await deliver(w, w.peer, "bob", `${w.server.url}/inbox`, { ...announce, id: w.peer.newId() });
  const boosts = await db().select().from(statuses).where(eq(statuses.reblogOfId, post.id));
  assert.equal(boosts.length, 1);
  assert.equal(boosts[0].uri, announce.id);
  assert.equal((await statusAt(post.uri)).reblogsCount, 1);
  assert.equal((await notes(alice.id, "reblog")).length, 1);
  await deliver(w, w.peer, "bob", `${w.server.url}/inbox`, { id: w.peer.newId(), type: "Announce", actor: bob, object: hidden.uri, to: [AS_PUBLIC] });
  assert.deepEqual(await db().select().from(statuses).where(eq(statuses.reblogOfId, hidden.id)), []);

  // A boost of a remote post: the original is fetched, and the boost reaches bob's follower.
  const carolNote = w.other.publishNote("carol", { content: "<p>carol speaks</p>" });
  const remoteBoost = { id: w.peer.newId(), type: "Announce", actor: bob, object: carolNote.id, to: [AS_PUBLIC] };
  await deliver(w, w.peer, "bob", `${w.server.url}/inbox`, remoteBoost);
  const home = await api(w.server, "/api/v1/timelines/home", erin.token);
  assert.ok(home.body.some((s: any) => s.reblog?.uri === carolNote.id), "the boost is in erin's home timeline");

  await deliver(w, w.peer, "bob", `${w.server.url}/inbox`, { id: w.peer.newId(), type: "Undo", actor: bob, object: announce });
  assert.deepEqual(await db().select().from(statuses).where(eq(statuses.reblogOfId, post.id)), []);
  assert.equal((await statusAt(post.uri)).reblogsCount, 0);
});

test("Like, Misskey's reaction Like and EmojiReact are favourites with a notification; Undo removes them", async () => {
  const post = (await createStatus(w.server.app.ctx, { accountId: alice.id, appId: null, text: "like me", visibility: "public" })).status;
  const like = { id: w.peer.newId(), type: "Like", actor: bob, object: post.uri };
  await deliver(w, w.peer, "bob", `${w.server.url}/inbox`, like);
  await deliver(w, w.peer, "bob", `${w.server.url}/inbox`, like);
  const misskey = {
    "@context": ["https://www.w3.org/ns/activitystreams", { misskey: "https://misskey-hub.net/ns#", _misskey_reaction: "misskey:_misskey_reaction" }],
    id: w.peer.newId(),
    type: "Like",
    actor: w.peer.actorUrl("mallory"),
    object: post.uri,
    content: "🎉",
    _misskey_reaction: "🎉",
  };
  await deliver(w, w.peer, "mallory", `${w.server.url}/inbox`, misskey);
  const react = {
    "@context": ["https://www.w3.org/ns/activitystreams", { litepub: "http://litepub.social/ns#", EmojiReact: "litepub:EmojiReact" }],
    id: w.other.newId(),
    type: "EmojiReact",
    actor: w.other.actorUrl("carol"),
    object: post.uri,
    content: "👍",
  };
  await deliver(w, w.other, "carol", `${w.server.url}/inbox`, react);
  assert.equal((await db().select().from(favourites).where(eq(favourites.statusId, post.id))).length, 3);
  assert.equal((await statusAt(post.uri)).favouritesCount, 3);
  assert.equal((await notes(alice.id, "favourite")).length, 3);

  // A like of a post the liker may not see is ignored.
  const hidden = (await createStatus(w.server.app.ctx, { accountId: alice.id, appId: null, text: "secret", visibility: "private" })).status;
  await deliver(w, w.peer, "mallory", `${w.server.url}/inbox`, { id: w.peer.newId(), type: "Like", actor: w.peer.actorUrl("mallory"), object: hidden.uri });
  assert.deepEqual(await db().select().from(favourites).where(eq(favourites.statusId, hidden.id)), []);

  await deliver(w, w.peer, "bob", `${w.server.url}/inbox`, { id: w.peer.newId(), type: "Undo", actor: bob, object: like });
  await deliver(w, w.other, "carol", `${w.server.url}/inbox`, { "@context": react["@context"], id: w.other.newId(), type: "Undo", actor: react.actor, object: react });
  assert.equal((await db().select().from(favourites).where(eq(favourites.statusId, post.id))).length, 1);
  assert.equal((await statusAt(post.uri)).favouritesCount, 1);
});

test("a direct message reaches only the addressed local account; Articles and Questions are posts too", async () => {
  const dm = w.peer.publish("bob", {
    type: "Note",
    content: "<p>psst <a href='x'>@alice</a></p>",
    to: [alice.uri],
    tag: [{ type: "Mention", href: alice.uri, name: "@alice" }],
    published: new Date().toISOString(),
  });
  await deliver(w, w.peer, "bob", alice.inbox, create(bob, dm));
  const row = await statusAt(dm.id);
  assert.equal(row.audience, "direct");
  assert.equal((await api(w.server, `/api/v1/statuses/${row.id}`, alice.token)).status, 200);
  assert.equal((await api(w.server, `/api/v1/statuses/${row.id}`, erin.token)).status, 404, "a follower of bob does not see it");
  assert.ok(!(await api(w.server, "/api/v1/timelines/home", erin.token)).body.some((s: any) => s.uri === dm.id));

  const article = w.peer.publish("bob", { type: "Article", name: "A title", content: "<p>long read</p>", to: [AS_PUBLIC], published: new Date().toISOString() });
  await deliver(w, w.peer, "bob", `${w.server.url}/inbox`, create(bob, article));
  assert.match((await statusAt(article.id)).content, /A title/);
  const question = w.peer.publish("bob", {
    type: "Question",
    content: "<p>tea or coffee?</p>",
    oneOf: [{ type: "Note", name: "tea" }, { type: "Note", name: "coffee" }],
    to: [AS_PUBLIC],
    published: new Date().toISOString(),
  });
  await deliver(w, w.peer, "bob", `${w.server.url}/inbox`, create(bob, question));
  assert.match((await statusAt(question.id)).content, /coffee/);
});
