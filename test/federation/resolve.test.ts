// Remote resolution through the Mastodon API: account lookup by WebFinger, search with
// resolve=true (handles and URLs), and a remote post's context with its ancestors fetched from
// their origin; blocked servers are never fetched from, and logged-out visitors fetch nothing.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { accounts, domainBlocks, statuses } from "../../src/db/schema/index.ts";
import { forgetStandings } from "../../src/domain/federation-policy/standing.ts";
import { federationContext, fetchThread, resolveRemoteAccount, resolveRemoteStatus } from "../../src/federation/resolve.ts";
import { newId } from "../../src/lib/id.ts";
import { api, localUser, startWorld, type LocalUser, type World } from "./inbox-helpers.ts";

let w: World;
let alice: LocalUser;

before(async () => {
  w = await startWorld(["bob", "dora"], ["carol"]);
  alice = await localUser(w.server, "alice");
});
after(() => w?.close());

const db = () => w.server.app.ctx.db;
const fctx = () => federationContext(w.server.app.ctx)!;

test("lookup of user@host:port resolves through WebFinger for signed-in people only", async () => {
  const acct = `bob@127.0.0.2:${w.peer.port}`;
  const anonymous = await api(w.server, `/api/v1/accounts/lookup?acct=${acct}`);
  assert.equal(anonymous.status, 404, "a logged-out lookup makes us fetch nothing");
  const res = await api(w.server, `/api/v1/accounts/lookup?acct=${acct}`, alice.token);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.acct, acct);
  assert.equal(res.body.username, "bob");
  assert.equal(res.body.display_name, "bob");
  assert.equal((await api(w.server, `/api/v1/accounts/lookup?acct=nobody@127.0.0.2:${w.peer.port}`, alice.token)).status, 404);
  // Known now: found for anyone allowed to see it, without another fetch.
  assert.equal((await api(w.server, `/api/v1/accounts/lookup?acct=${acct}`, alice.token)).body.id, res.body.id);
});

test("search with resolve=true finds a remote account by handle and a post by URL", async () => {
  const acct = `dora@127.0.0.2:${w.peer.port}`;
  const without = await api(w.server, `/api/v2/search?q=${encodeURIComponent(acct)}`, alice.token);
  assert.deepEqual(without.body.accounts, [], "not resolved unless asked");
  const found = await api(w.server, `/api/v2/search?q=${encodeURIComponent(acct)}&resolve=true`, alice.token);
  assert.equal(found.status, 200);
  assert.deepEqual(found.body.accounts.map((a: any) => a.acct), [acct]);

  const note = w.other.publishNote("carol", { content: "<p>findable words</p>" });
  const byUrl = await api(w.server, `/api/v2/search?q=${encodeURIComponent(note.id)}&resolve=true&type=statuses`, alice.token);
  assert.deepEqual(byUrl.body.statuses.map((s: any) => s.uri), [note.id]);
  assert.match(byUrl.body.statuses[0].content, /findable words/);
  assert.equal(byUrl.body.statuses[0].account.acct, `carol@127.0.0.3:${w.other.port}`);
  const actor = await api(w.server, `/api/v2/search?q=${encodeURIComponent(w.other.actorUrl("carol"))}&resolve=true`, alice.token);
  assert.deepEqual(actor.body.accounts.map((a: any) => a.acct), [`carol@127.0.0.3:${w.other.port}`]);
  assert.equal((await api(w.server, `/api/v2/search?q=${encodeURIComponent(note.id)}&resolve=true`)).status, 401);
});

test("the context of a remote post fetches its missing ancestors from their origin", async () => {
  const n1 = w.peer.publishNote("bob", { content: "<p>one</p>" });
  const n2 = w.peer.publishNote("dora", { content: "<p>two</p>", inReplyTo: n1.id });
  const n3 = w.peer.publishNote("bob", { content: "<p>three</p>", inReplyTo: n2.id });
  const n4 = w.peer.publishNote("dora", { content: "<p>four</p>", inReplyTo: n3.id });
  // Resolving n4 brings its direct parent along, not the whole chain.
  const s4 = await resolveRemoteStatus(fctx(), n4.id);
  assert.ok(s4);
  assert.ok(s4.inReplyToId, "parent linked");
  assert.equal((await db().select().from(statuses).where(eq(statuses.uri, n2.id))).length, 0);
  const ctx = await api(w.server, `/api/v1/statuses/${s4.id}/context`, alice.token);
  assert.equal(ctx.status, 200);
  assert.deepEqual(ctx.body.ancestors.map((s: any) => s.uri), [n1.id, n2.id, n3.id]);
  const [s1] = await db().select().from(statuses).where(eq(statuses.uri, n1.id));
  assert.equal(s1.repliesCount, 1);
  // The root was asked once; asking again fetches nothing more.
  const fetchesBefore = w.peer.fetches.length;
  assert.equal(await fetchThread(fctx(), s4.id), 0);
  assert.equal(w.peer.fetches.length, fetchesBefore);
});

test("a thread deeper than the bound is fetched only that far", async () => {
  let parent: string | undefined;
  const ids: string[] = [];
  for (let i = 0; i < 8; i++) {
    const n = w.peer.publishNote("bob", { content: `<p>level ${i}</p>`, ...(parent ? { inReplyTo: parent } : {}) });
    ids.push(n.id);
    parent = n.id;
  }
  const leaf = await resolveRemoteStatus(fctx(), ids[7], { parentDepth: 0 });
  assert.ok(leaf);
  const added = await fetchThread(fctx(), leaf.id, { maxDepth: 20, maxFetches: 3 });
  assert.ok(added <= 3, `at most 3 fetches (added ${added})`);
  assert.equal((await db().select().from(statuses).where(eq(statuses.uri, ids[0]))).length, 0, "the root is out of reach");
});

test("nothing is fetched from or stored for a blocked server", async () => {
  await db().insert(domainBlocks).values({ id: newId(), domain: "127.0.0.3", severity: "suspend" });
  forgetStandings(w.server.app.ctx);
  try {
    const fetchesBefore = w.other.fetches.length;
    const note = w.other.publishNote("carol", { content: "<p>from a blocked server</p>" });
    assert.equal(await resolveRemoteStatus(fctx(), note.id), null);
    assert.equal(await resolveRemoteAccount(fctx(), w.other.actorUrl("carol"), { refresh: true }), null);
    const res = await api(w.server, `/api/v2/search?q=${encodeURIComponent(note.id)}&resolve=true`, alice.token);
    assert.deepEqual(res.body.statuses, []);
    assert.equal(w.other.fetches.length, fetchesBefore, "no request reached it");
    assert.deepEqual(await db().select().from(statuses).where(eq(statuses.uri, note.id)), []);
  } finally {
    await db().delete(domainBlocks).where(eq(domainBlocks.domain, "127.0.0.3"));
    forgetStandings(w.server.app.ctx);
  }
});

test("a stored remote account is refreshed only when older than a day", async () => {
  const uri = w.peer.actorUrl("bob");
  const first = await resolveRemoteAccount(fctx(), uri);
  assert.ok(first);
  await db().update(accounts).set({ displayName: "stale" }).where(eq(accounts.uri, uri));
  assert.equal((await resolveRemoteAccount(fctx(), uri))?.displayName, "stale", "fresh enough: not fetched");
  await db().update(accounts).set({ updatedAt: new Date(Date.now() - 2 * 24 * 3600_000) }).where(eq(accounts.uri, uri));
  assert.equal((await resolveRemoteAccount(fctx(), uri))?.displayName, "bob", "old: fetched again");
});
