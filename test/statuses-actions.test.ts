// Favourite, boost, bookmark, pin (and their undo), context ordering, favourited_by/reblogged_by.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { createTestApp, type TestApp } from "./helpers/app.ts";
import { follows, homeFeed, notifications, statuses } from "../src/db/schema/index.ts";
import { newId } from "../src/lib/id.ts";

type User = { id: string; token: string };
let app: TestApp;
let alice: User;
let bob: User;
let carol: User;

before(async () => {
  app = await createTestApp();
  alice = await app.user("alice");
  bob = await app.user("bob");
  carol = await app.user("carol");
});
after(async () => {
  await app.close();
});

async function post(token: string, json: Record<string, unknown>): Promise<string> {
  const res = await app.request("/api/v1/statuses", { method: "POST", token, json: { visibility: "public", ...json } });
  assert.equal(res.status, 200);
  return (await res.json()).id;
}
const act = (id: string, action: string, token: string, json?: unknown) => app.request(`/api/v1/statuses/${id}/${action}`, { method: "POST", token, json });
const row = async (id: string) => (await app.ctx.db.select().from(statuses).where(eq(statuses.id, id)))[0];
const notes = (statusId: string, type: string) =>
  app.ctx.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.statusId, statusId), eq(notifications.type, type as "favourite")));

describe("favourite", () => {
  test("favourite and unfavourite keep the count, flag and notification right; repeats are harmless", async () => {
    const id = await post(alice.token, { status: "fav me" });
    const res = await act(id, "favourite", bob.token);
    assert.equal(res.status, 200);
    const s = await res.json();
    assert.deepEqual([s.favourited, s.favourites_count], [true, 1]);
    assert.equal((await (await act(id, "favourite", bob.token)).json()).favourites_count, 1);
    assert.deepEqual((await notes(id, "favourite")).map((n) => [n.accountId, n.fromAccountId]), [[alice.id, bob.id]]);
    const un = await (await act(id, "unfavourite", bob.token)).json();
    assert.deepEqual([un.favourited, un.favourites_count], [false, 0]);
    assert.equal((await (await act(id, "unfavourite", bob.token)).json()).favourites_count, 0);
    assert.equal((await row(id)).favouritesCount, 0);
  });

  test("unknown ids, bad ids, no token and wrong scope", async () => {
    assert.equal((await act("123456", "favourite", bob.token)).status, 404);
    assert.equal((await act("abc", "favourite", bob.token)).status, 404);
    assert.equal((await act("123456", "unfavourite", bob.token)).status, 404);
    const id = await post(alice.token, { status: "x" });
    assert.equal((await app.request(`/api/v1/statuses/${id}/favourite`, { method: "POST" })).status, 401);
    const reader = await app.user("reader", { scopes: "read write:bookmarks" });
    assert.equal((await act(id, "favourite", reader.token)).status, 403);
    assert.equal((await act(id, "bookmark", reader.token)).status, 200);
  });
});

describe("reblog", () => {
  test("boosting creates a boost row, fans it out, counts and notifies; a second boost returns the first", async () => {
    await app.ctx.db.insert(follows).values({ id: newId(), accountId: carol.id, targetAccountId: bob.id });
    const id = await post(alice.token, { status: "boost me" });
    const res = await act(id, "reblog", bob.token);
    assert.equal(res.status, 200);
    const boost = await res.json();
    assert.equal(boost.reblog.id, id);
    assert.equal(boost.reblog.reblogged, true);
    assert.equal(boost.reblog.reblogs_count, 1);
    assert.equal(boost.account.id, bob.id);
    assert.equal(boost.visibility, "public");
    assert.equal((await (await act(id, "reblog", bob.token)).json()).id, boost.id);
    assert.equal((await row(id)).reblogsCount, 1);
    assert.equal((await notes(id, "reblog")).length, 1);
    const feed = await app.ctx.db.select().from(homeFeed).where(eq(homeFeed.statusId, boost.id));
    assert.ok(feed.some((f) => f.accountId === carol.id));
    // boosting the boost boosts the original
    assert.equal((await (await act(boost.id, "reblog", carol.token)).json()).reblog.id, id);
    assert.equal((await row(id)).reblogsCount, 2);
    const un = await (await act(id, "unreblog", bob.token)).json();
    assert.deepEqual([un.id, un.reblogged, un.reblogs_count], [id, false, 1]);
    assert.equal(await row(boost.id), undefined);
    assert.equal((await act(id, "unreblog", bob.token)).status, 200);
  });

  test("a narrower visibility may be asked for, never a wider one; bad visibility is 422", async () => {
    const unlisted = await post(alice.token, { status: "u", visibility: "unlisted" });
    const b1 = await (await act(unlisted, "reblog", bob.token, { visibility: "public" })).json();
    assert.equal(b1.caracol.audience, "unlisted");
    const pub = await post(alice.token, { status: "p" });
    const b2 = await (await act(pub, "reblog", carol.token, { visibility: "private" })).json();
    assert.equal(b2.caracol.audience, "followers");
    assert.equal((await act(pub, "reblog", bob.token, { visibility: "direct" })).status, 422);
    assert.equal((await act(pub, "reblog", bob.token, { visibility: 3 })).status, 422);
    const bobBoosts = await app.ctx.db.select().from(statuses).where(and(eq(statuses.reblogOfId, pub), eq(statuses.accountId, bob.id)));
    assert.equal(bobBoosts.length, 0);
    const local = await post(alice.token, { status: "l", local_only: true });
    const b3 = await (await act(local, "reblog", bob.token)).json();
    assert.deepEqual([b3.caracol.audience, b3.local_only], ["local", true]);
  });
});

describe("bookmark", () => {
  test("bookmark and unbookmark", async () => {
    const id = await post(alice.token, { status: "keep" });
    assert.equal((await (await act(id, "bookmark", bob.token)).json()).bookmarked, true);
    assert.equal((await (await app.request(`/api/v1/statuses/${id}`, { token: bob.token })).json()).bookmarked, true);
    assert.equal((await (await app.request(`/api/v1/statuses/${id}`, { token: carol.token })).json()).bookmarked, false);
    assert.equal((await (await act(id, "unbookmark", bob.token)).json()).bookmarked, false);
    assert.equal((await act("98765", "bookmark", bob.token)).status, 404);
  });
});

describe("pin", () => {
  test("own non-direct posts, at most five; others' posts, boosts and direct posts are refused", async () => {
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push(await post(carol.token, { status: `pin ${i}`, visibility: i === 0 ? "private" : "public" }));
    for (const id of ids.slice(0, 5)) {
      const res = await act(id, "pin", carol.token);
      assert.equal(res.status, 200);
      assert.equal((await res.json()).pinned, true);
    }
    assert.equal((await act(ids[0], "pin", carol.token)).status, 200);
    const sixth = await act(ids[5], "pin", carol.token);
    assert.equal(sixth.status, 422);
    assert.match((await sixth.json()).error, /maximum/);
    assert.equal((await (await act(ids[1], "unpin", carol.token)).json()).pinned, false);
    assert.equal((await act(ids[5], "pin", carol.token)).status, 200);
    const others = await post(alice.token, { status: "not yours" });
    assert.equal((await act(others, "pin", carol.token)).status, 422);
    const direct = await post(carol.token, { status: "dm", visibility: "direct" });
    assert.equal((await act(direct, "pin", carol.token)).status, 422);
    const boost = await (await act(others, "reblog", carol.token)).json();
    assert.equal((await act(boost.id, "pin", carol.token)).status, 422);
    assert.equal((await act("4444", "pin", carol.token)).status, 404);
    const hidden = await post(alice.token, { status: "hidden", visibility: "private" });
    assert.equal((await act(hidden, "pin", carol.token)).status, 404);
  });
});

describe("context", () => {
  test("ancestors oldest first; descendants depth-first", async () => {
    const root = await post(alice.token, { status: "root" });
    const a = await post(bob.token, { status: "a", in_reply_to_id: root });
    const b = await post(carol.token, { status: "b", in_reply_to_id: root });
    const a1 = await post(alice.token, { status: "a1", in_reply_to_id: a });
    const a1x = await post(bob.token, { status: "a1x", in_reply_to_id: a1 });
    const ctx = await (await app.request(`/api/v1/statuses/${root}/context`)).json();
    assert.deepEqual(ctx.ancestors, []);
    assert.deepEqual(ctx.descendants.map((s: { id: string }) => s.id), [a, a1, a1x, b]);
    const leaf = await (await app.request(`/api/v1/statuses/${a1x}/context`, { token: carol.token })).json();
    assert.deepEqual(leaf.ancestors.map((s: { id: string }) => s.id), [root, a, a1]);
    assert.deepEqual(leaf.descendants, []);
    assert.equal((await app.request("/api/v1/statuses/1/context")).status, 404);
  });
});

describe("favourited_by and reblogged_by", () => {
  test("list the accounts, newest first, with pagination", async () => {
    const id = await post(alice.token, { status: "popular" });
    for (const u of [bob, carol, alice]) {
      await act(id, "favourite", u.token);
      await act(id, "reblog", u.token);
    }
    const favs = await app.request(`/api/v1/statuses/${id}/favourited_by`);
    assert.equal(favs.status, 200);
    assert.deepEqual((await favs.json()).map((a: { id: string }) => a.id), [alice.id, carol.id, bob.id]);
    const page1 = await app.request(`/api/v1/statuses/${id}/favourited_by?limit=2`, { token: bob.token });
    assert.deepEqual((await page1.json()).map((a: { id: string }) => a.id), [alice.id, carol.id]);
    const next = page1.headers.get("link")!.match(/<([^>]+)>; rel="next"/)![1];
    const page2 = await (await app.request(new URL(next).pathname + new URL(next).search, { token: bob.token })).json();
    assert.deepEqual(page2.map((a: { id: string }) => a.id), [bob.id]);
    const boosts = await (await app.request(`/api/v1/statuses/${id}/reblogged_by`)).json();
    assert.deepEqual(boosts.map((a: { id: string }) => a.id), [alice.id, carol.id, bob.id]);
    assert.equal((await app.request(`/api/v1/statuses/${id}/favourited_by?limit=x`)).status, 422);
    assert.equal((await app.request("/api/v1/statuses/777/reblogged_by")).status, 404);
  });
});
