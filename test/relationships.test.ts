import { test } from "node:test";
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { createTestApp, type TestApp } from "./helpers/app.ts";
import { accounts, homeFeed, mutes, notifications, statuses } from "../src/db/schema/index.ts";
import { newId } from "../src/lib/id.ts";

type U = { id: string; token: string };
const act = (app: TestApp, u: U, path: string, json?: unknown) => app.request(`/api/v1${path}`, { method: "POST", token: u.token, json });
const rels = async (app: TestApp, u: U, ...ids: string[]) =>
  (await app.request(`/api/v1/accounts/relationships?${ids.map((i) => `id[]=${i}`).join("&")}`, { token: u.token })).json();
const unlock = (app: TestApp, u: U) => app.request("/api/v1/accounts/update_credentials", { method: "PATCH", token: u.token, json: { locked: false } });
const counts = async (app: TestApp, id: string) => {
  const [a] = await app.ctx.db.select({ followers: accounts.followersCount, following: accounts.followingCount }).from(accounts).where(eq(accounts.id, id));
  return a;
};

const NONE = {
  following: false,
  showing_reblogs: false,
  notifying: false,
  languages: null,
  followed_by: false,
  blocking: false,
  blocked_by: false,
  muting: false,
  muting_notifications: false,
  muting_expires_at: null,
  requested: false,
  requested_by: false,
  domain_blocking: false,
  endorsed: false,
  note: "",
  caracol_server_notice: null,
};

test("relationships in every state, from both sides", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    await unlock(app, bob);
    assert.deepEqual(await rels(app, alice, bob.id), [{ id: bob.id, ...NONE }]);

    await act(app, alice, `/accounts/${bob.id}/follow`, { notify: true });
    assert.deepEqual(await rels(app, alice, bob.id), [{ id: bob.id, ...NONE, following: true, showing_reblogs: true, notifying: true }]);
    assert.deepEqual(await rels(app, bob, alice.id), [{ id: alice.id, ...NONE, followed_by: true }]);

    await act(app, bob, `/accounts/${alice.id}/follow`);
    assert.deepEqual(await rels(app, bob, alice.id), [{ id: alice.id, ...NONE, followed_by: true, requested: true, showing_reblogs: true }]);
    assert.deepEqual((await rels(app, alice, bob.id))[0].requested_by, true);

    const noted = await (await act(app, alice, `/accounts/${bob.id}/note`, { comment: "met at the market" })).json();
    assert.equal(noted.note, "met at the market");
    assert.equal((await rels(app, bob, alice.id))[0].note, "", "notes are private");
    assert.equal((await (await act(app, alice, `/accounts/${bob.id}/note`, { comment: "" })).json()).note, "");
    assert.equal((await act(app, alice, `/accounts/${bob.id}/note`, { comment: "x".repeat(2001) })).status, 422);

    const muted = await (await act(app, alice, `/accounts/${bob.id}/mute`, { notifications: false })).json();
    assert.equal(muted.muting, true);
    assert.equal(muted.muting_notifications, false);
    assert.equal(muted.muting_expires_at, null);
    assert.equal((await rels(app, bob, alice.id))[0].muting, false, "a mute is invisible to the muted");

    const blocked = await (await act(app, alice, `/accounts/${bob.id}/block`)).json();
    assert.equal(blocked.blocking, true);
    assert.equal(blocked.following, false);
    assert.equal(blocked.followed_by, false);
    assert.equal(blocked.requested_by, false);
    const seen = (await rels(app, bob, alice.id))[0];
    assert.equal(seen.blocked_by, true, "as Mastodon shows it");
    assert.equal(seen.requested, false);

    // Several at once; unknown ids, bad ids and repeats are left out.
    const many = await rels(app, alice, bob.id, "123", "abc", bob.id, alice.id);
    assert.deepEqual(many.map((r: { id: string }) => r.id), [bob.id, alice.id]);
    assert.deepEqual(await rels(app, alice), []);
    const noScope = await app.user("ro", { scopes: "read:statuses" });
    assert.equal((await app.request(`/api/v1/accounts/relationships?id[]=${bob.id}`, { token: noScope.token })).status, 403);
    assert.equal((await app.request(`/api/v1/accounts/relationships?id[]=${bob.id}`)).status, 401);
  } finally {
    await app.close();
  }
});

test("a block cuts follows and requests both ways, fixes counters and both home feeds; unblock", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    const carol = await app.user("carol");
    await unlock(app, alice);
    await unlock(app, bob);
    const fromAlice = newId();
    const fromBob = newId();
    await app.ctx.db.insert(statuses).values([
      { id: fromAlice, uri: `http://caracol.test/s/${fromAlice}`, accountId: alice.id, audience: "public", content: "<p>a</p>" },
      { id: fromBob, uri: `http://caracol.test/s/${fromBob}`, accountId: bob.id, audience: "public", content: "<p>b</p>" },
    ]);
    await act(app, alice, `/accounts/${bob.id}/follow`);
    await act(app, bob, `/accounts/${alice.id}/follow`);
    await act(app, carol, `/accounts/${alice.id}/follow`);
    // carol boosts bob; alice follows carol, so the boost sits in alice's home feed.
    await unlock(app, carol);
    await act(app, alice, `/accounts/${carol.id}/follow`);
    const boost = newId();
    await app.ctx.db.insert(statuses).values({ id: boost, uri: `http://caracol.test/s/${boost}`, accountId: carol.id, audience: "public", reblogOfId: fromBob });
    await app.ctx.db.insert(homeFeed).values({ accountId: alice.id, statusId: boost });
    assert.deepEqual(await counts(app, alice.id), { followers: 2, following: 2 });
    assert.deepEqual(await counts(app, bob.id), { followers: 1, following: 1 });
    const feed = async (id: string) => (await app.ctx.db.select().from(homeFeed).where(eq(homeFeed.accountId, id))).map((r) => r.statusId).sort();
    assert.deepEqual(await feed(alice.id), [fromBob, boost].sort());
    assert.deepEqual(await feed(bob.id), [fromAlice]);

    const res = await act(app, alice, `/accounts/${bob.id}/block`);
    assert.equal(res.status, 200);
    assert.deepEqual(await counts(app, alice.id), { followers: 1, following: 1 });
    assert.deepEqual(await counts(app, bob.id), { followers: 0, following: 0 });
    assert.deepEqual(await feed(alice.id), [], "bob's posts and boosts of them are gone from alice's home");
    assert.deepEqual(await feed(bob.id), []);
    const fromBobNotes = await app.ctx.db.select().from(notifications).where(and(eq(notifications.accountId, alice.id), eq(notifications.fromAccountId, bob.id)));
    assert.deepEqual(fromBobNotes, []);
    // bob no longer sees alice's posts at all, and cannot follow back.
    assert.deepEqual(await (await app.request(`/api/v1/accounts/${alice.id}/statuses`, { token: bob.token })).json(), []);
    assert.equal((await act(app, bob, `/accounts/${alice.id}/follow`)).status, 403);

    const blocks = await (await app.request("/api/v1/blocks", { token: alice.token })).json();
    assert.deepEqual(blocks.map((a: { id: string }) => a.id), [bob.id]);
    assert.deepEqual(await (await app.request("/api/v1/blocks", { token: bob.token })).json(), []);
    assert.equal((await app.request("/api/v1/blocks", { token: (await app.user("ro", { scopes: "read:statuses" })).token })).status, 403);
    assert.equal((await act(app, alice, `/accounts/${alice.id}/block`)).status, 422);

    const un = await (await act(app, alice, `/accounts/${bob.id}/unblock`)).json();
    assert.equal(un.blocking, false);
    assert.equal(un.following, false, "the follows do not come back");
    assert.deepEqual(await (await app.request("/api/v1/blocks", { token: alice.token })).json(), []);
    assert.equal((await act(app, bob, `/accounts/${alice.id}/follow`)).status, 200);
  } finally {
    await app.close();
  }
});

test("mutes: notifications option, expiry, list with mute_expires_at, unmute", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    const carol = await app.user("carol");
    const res = await act(app, alice, `/accounts/${bob.id}/mute`, { duration: 3600 });
    const rel = await res.json();
    assert.equal(rel.muting, true);
    assert.equal(rel.muting_notifications, true, "notifications are muted by default");
    const expires = Date.parse(rel.muting_expires_at);
    assert.ok(Math.abs(expires - (Date.now() + 3600_000)) < 60_000);
    await act(app, alice, `/accounts/${carol.id}/mute`, { notifications: "false" });

    // A muted account's follow request does not notify (their notifications are muted).
    await act(app, bob, `/accounts/${alice.id}/follow`);
    await act(app, carol, `/accounts/${alice.id}/follow`);
    const got = await app.ctx.db.select({ from: notifications.fromAccountId }).from(notifications).where(eq(notifications.accountId, alice.id));
    assert.deepEqual(got.map((n) => n.from), [carol.id]);

    const list = await (await app.request("/api/v1/mutes", { token: alice.token })).json();
    assert.deepEqual(list.map((a: { id: string }) => a.id), [carol.id, bob.id]);
    assert.equal(list[0].mute_expires_at, null);
    assert.equal(Date.parse(list[1].mute_expires_at), expires);

    // Once the mute has expired, it no longer counts anywhere.
    await app.ctx.db.update(mutes).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(mutes.targetAccountId, bob.id));
    assert.equal((await rels(app, alice, bob.id))[0].muting, false);
    assert.deepEqual((await (await app.request("/api/v1/mutes", { token: alice.token })).json()).map((a: { id: string }) => a.id), [carol.id]);

    const un = await (await act(app, alice, `/accounts/${carol.id}/unmute`)).json();
    assert.equal(un.muting, false);
    assert.deepEqual(await (await app.request("/api/v1/mutes", { token: alice.token })).json(), []);
    assert.equal((await act(app, alice, `/accounts/${bob.id}/mute`, { duration: -5 })).status, 422);
    assert.equal((await act(app, alice, `/accounts/${alice.id}/mute`)).status, 422);
    assert.equal((await act(app, alice, "/accounts/31337/mute")).status, 404);
    assert.equal((await app.request("/api/v1/mutes")).status, 401);
  } finally {
    await app.close();
  }
});

test("blocks and mutes lists paginate with a Link header", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const others: U[] = [];
    for (const n of ["b1", "b2", "b3"]) {
      const u = await app.user(n);
      others.push(u);
      await act(app, alice, `/accounts/${u.id}/block`);
      await act(app, alice, `/accounts/${u.id}/mute`);
    }
    for (const path of ["/api/v1/blocks", "/api/v1/mutes"]) {
      const first = await app.request(`${path}?limit=2`, { token: alice.token });
      assert.deepEqual((await first.json()).map((a: { id: string }) => a.id), [others[2].id, others[1].id]);
      const next = new URL((first.headers.get("link") ?? "").match(/<([^>]+)>; rel="next"/)![1]);
      const second = await (await app.request(next.pathname + next.search, { token: alice.token })).json();
      assert.deepEqual(second.map((a: { id: string }) => a.id), [others[0].id]);
      const prev = new URL((first.headers.get("link") ?? "").match(/<([^>]+)>; rel="prev"/)![1]);
      assert.deepEqual(await (await app.request(prev.pathname + prev.search, { token: alice.token })).json(), []);
    }
  } finally {
    await app.close();
  }
});
