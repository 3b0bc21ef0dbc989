import { test } from "node:test";
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { createTestApp, type TestApp } from "./helpers/app.ts";
import { accounts, follows, homeFeed, notifications, statuses } from "../src/db/schema/index.ts";
import { newId } from "../src/lib/id.ts";

type U = { id: string; token: string };

const counts = async (app: TestApp, id: string) => {
  const [a] = await app.ctx.db.select({ followers: accounts.followersCount, following: accounts.followingCount }).from(accounts).where(eq(accounts.id, id));
  return a;
};
const notes = (app: TestApp, id: string) =>
  app.ctx.db.select({ type: notifications.type, from: notifications.fromAccountId }).from(notifications).where(eq(notifications.accountId, id));
const home = async (app: TestApp, id: string) =>
  (await app.ctx.db.select({ s: homeFeed.statusId }).from(homeFeed).where(eq(homeFeed.accountId, id))).map((r) => r.s);
const act = (app: TestApp, u: U, path: string, json?: unknown) => app.request(`/api/v1${path}`, { method: "POST", token: u.token, json });
const unlock = (app: TestApp, u: U) => app.request("/api/v1/accounts/update_credentials", { method: "PATCH", token: u.token, json: { locked: false } });
async function post(app: TestApp, accountId: string, audience: "public" | "followers") {
  const id = newId();
  await app.ctx.db.insert(statuses).values({ id, uri: `http://caracol.test/s/${id}`, accountId, audience, content: "<p>hi</p>" });
  return id;
}

test("following a locked account asks; authorize makes the follow, counters and home feed follow", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    const secret = await post(app, alice.id, "followers");

    const res = await act(app, bob, `/accounts/${alice.id}/follow`, { reblogs: false, notify: true, languages: ["es"] });
    assert.equal(res.status, 200);
    const rel = await res.json();
    assert.equal(rel.following, false);
    assert.equal(rel.requested, true);
    assert.equal(rel.showing_reblogs, false);
    assert.equal(rel.notifying, true);
    assert.deepEqual(rel.languages, ["es"]);
    assert.deepEqual(await notes(app, alice.id), [{ type: "follow_request", from: bob.id }]);
    assert.deepEqual(await counts(app, alice.id), { followers: 0, following: 0 });
    // Asking twice changes nothing.
    assert.equal((await (await act(app, bob, `/accounts/${alice.id}/follow`)).json()).requested, true);

    const me = await (await app.request("/api/v1/accounts/verify_credentials", { token: alice.token })).json();
    assert.equal(me.source.follow_requests_count, 1);
    const list = await app.request("/api/v1/follow_requests", { token: alice.token });
    assert.deepEqual((await list.json()).map((a: { id: string }) => a.id), [bob.id]);
    assert.deepEqual(await (await app.request("/api/v1/follow_requests", { token: bob.token })).json(), []);
    const fromAlice = await (await app.request(`/api/v1/accounts/relationships?id[]=${bob.id}`, { token: alice.token })).json();
    assert.equal(fromAlice[0].requested_by, true);

    // bob cannot authorize his own request; alice cannot authorize one that does not exist.
    assert.equal((await act(app, bob, `/follow_requests/${alice.id}/authorize`)).status, 404);
    const auth = await act(app, alice, `/follow_requests/${bob.id}/authorize`);
    assert.equal(auth.status, 200);
    const after = await auth.json();
    assert.equal(after.id, bob.id);
    assert.equal(after.followed_by, true);
    assert.equal(after.requested_by, false);
    assert.deepEqual(await counts(app, alice.id), { followers: 1, following: 0 });
    assert.deepEqual(await counts(app, bob.id), { followers: 0, following: 1 });
    assert.deepEqual(await notes(app, alice.id), [], "the request's notification goes with it; no new one");
    assert.deepEqual(await home(app, bob.id), [secret], "the new follower's home gets alice's posts");
    const [row] = await app.ctx.db.select().from(follows).where(and(eq(follows.accountId, bob.id), eq(follows.targetAccountId, alice.id)));
    assert.equal(row.showReblogs, false, "the request's options carry over");
    assert.equal((await act(app, alice, `/follow_requests/${bob.id}/authorize`)).status, 404, "already handled");
    assert.deepEqual(await counts(app, alice.id), { followers: 1, following: 0 });
  } finally {
    await app.close();
  }
});

test("rejecting and withdrawing a request", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    await act(app, bob, `/accounts/${alice.id}/follow`);
    const rej = await act(app, alice, `/follow_requests/${bob.id}/reject`);
    assert.equal(rej.status, 200);
    assert.equal((await rej.json()).requested_by, false);
    assert.deepEqual(await notes(app, alice.id), []);
    assert.deepEqual(await counts(app, alice.id), { followers: 0, following: 0 });
    assert.equal((await act(app, alice, `/follow_requests/${bob.id}/reject`)).status, 404);

    await act(app, bob, `/accounts/${alice.id}/follow`);
    const un = await (await act(app, bob, `/accounts/${alice.id}/unfollow`)).json();
    assert.equal(un.requested, false);
    assert.deepEqual(await (await app.request("/api/v1/follow_requests", { token: alice.token })).json(), []);
    assert.deepEqual(await notes(app, alice.id), [], "a withdrawn request leaves no notification");
    const readOnly = await app.user("ro", { scopes: "read" });
    assert.equal((await act(app, readOnly, `/follow_requests/${bob.id}/reject`)).status, 403);
  } finally {
    await app.close();
  }
});

test("following an unlocked account: follows at once, notifies, counts, fills the home feed; unfollow undoes it", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    await unlock(app, alice);
    const secret = await post(app, alice.id, "followers");
    const rel = await (await act(app, bob, `/accounts/${alice.id}/follow`)).json();
    assert.equal(rel.following, true);
    assert.equal(rel.requested, false);
    assert.equal(rel.showing_reblogs, true);
    assert.deepEqual(await notes(app, alice.id), [{ type: "follow", from: bob.id }]);
    assert.deepEqual(await counts(app, alice.id), { followers: 1, following: 0 });
    assert.deepEqual(await counts(app, bob.id), { followers: 0, following: 1 });
    assert.deepEqual(await home(app, bob.id), [secret]);

    // Following again only changes options; counters stay.
    const again = await (await act(app, bob, `/accounts/${alice.id}/follow`, { reblogs: false })).json();
    assert.equal(again.showing_reblogs, false);
    assert.deepEqual(await counts(app, alice.id), { followers: 1, following: 0 });

    const un = await (await act(app, bob, `/accounts/${alice.id}/unfollow`)).json();
    assert.equal(un.following, false);
    assert.deepEqual(await counts(app, alice.id), { followers: 0, following: 0 });
    assert.deepEqual(await counts(app, bob.id), { followers: 0, following: 0 });
    assert.deepEqual(await home(app, bob.id), []);
    // Unfollowing again never takes a counter below zero.
    await act(app, bob, `/accounts/${alice.id}/unfollow`);
    assert.deepEqual(await counts(app, alice.id), { followers: 0, following: 0 });
  } finally {
    await app.close();
  }
});

test("follow refusals: yourself, blocks either way, unknown ids, missing scope, bad params", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    const self = await act(app, alice, `/accounts/${alice.id}/follow`);
    assert.equal(self.status, 422);
    assert.match((await self.json()).error, /yourself/);
    assert.equal((await act(app, alice, "/accounts/424242/follow")).status, 404);
    assert.equal((await act(app, alice, `/accounts/${bob.id}/follow`, { reblogs: "perhaps" })).status, 422);
    assert.equal((await act(app, alice, `/accounts/${bob.id}/follow`, { languages: ["not a language"] })).status, 422);
    const noScope = await app.user("ro", { scopes: "read" });
    assert.equal((await act(app, noScope, `/accounts/${bob.id}/follow`)).status, 403);
    assert.equal((await app.request(`/api/v1/accounts/${bob.id}/follow`, { method: "POST" })).status, 401);
    const followScope = await app.user("fs", { scopes: "follow" });
    assert.equal((await act(app, followScope, `/accounts/${bob.id}/follow`)).status, 200, "the legacy follow scope covers it");

    await act(app, bob, `/accounts/${alice.id}/block`);
    assert.equal((await act(app, alice, `/accounts/${bob.id}/follow`)).status, 403, "bob blocks alice");
    assert.equal((await act(app, bob, `/accounts/${alice.id}/follow`)).status, 403, "bob blocks alice, so he cannot follow her");
    const pending = (await (await app.request("/api/v1/follow_requests", { token: bob.token })).json()).map((a: { id: string }) => a.id);
    assert.deepEqual(pending, [followScope.id], "no request from alice slipped through");
  } finally {
    await app.close();
  }
});

test("remove_from_followers ends the follower's access at once", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    await unlock(app, alice);
    const secret = await post(app, alice.id, "followers");
    await act(app, bob, `/accounts/${alice.id}/follow`);
    assert.equal((await app.request(`/api/v1/accounts/${alice.id}/statuses`, { token: bob.token }).then((r) => r.json())).length, 1);

    const rel = await (await act(app, alice, `/accounts/${bob.id}/remove_from_followers`)).json();
    assert.equal(rel.followed_by, false);
    assert.deepEqual(await counts(app, alice.id), { followers: 0, following: 0 });
    assert.deepEqual(await counts(app, bob.id), { followers: 0, following: 0 });
    assert.deepEqual(await home(app, bob.id), []);
    assert.ok(!(await home(app, bob.id)).includes(secret));
    assert.deepEqual(await app.request(`/api/v1/accounts/${alice.id}/statuses`, { token: bob.token }).then((r) => r.json()), []);
    assert.equal((await act(app, alice, "/accounts/777/remove_from_followers")).status, 404);
  } finally {
    await app.close();
  }
});

test("followers and following lists are hidden by default, shown when the owner says so, paginated", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    await unlock(app, alice);
    const fans: U[] = [];
    for (const name of ["f1", "f2", "f3"]) {
      const u = await app.user(name);
      await act(app, u, `/accounts/${alice.id}/follow`);
      fans.push(u);
    }
    const bob = fans[0];
    const stranger = await app.user("stranger");
    const ids = async (path: string, token?: string) => (await (await app.request(path, { token })).json()).map((a: { id: string }) => a.id);
    const followers = `/api/v1/accounts/${alice.id}/followers`;
    const following = `/api/v1/accounts/${bob.id}/following`;

    assert.deepEqual(await ids(followers), [], "anonymous");
    assert.deepEqual(await ids(followers, stranger.token), [], "a stranger");
    assert.deepEqual(await ids(followers, bob.token), [], "a follower");
    assert.deepEqual(await ids(followers, alice.token), [fans[2].id, fans[1].id, fans[0].id], "the owner, newest first");
    assert.deepEqual(await ids(following, stranger.token), []);
    assert.deepEqual(await ids(following, bob.token), [alice.id]);
    const account = await (await app.request(`/api/v1/accounts/${alice.id}`, { token: stranger.token })).json();
    assert.equal(account.followers_count, 0, "the count is hidden too");
    assert.equal(account.hide_collections, true);

    const page1 = await app.request(`${followers}?limit=2`, { token: alice.token });
    assert.deepEqual((await page1.json()).map((a: { id: string }) => a.id), [fans[2].id, fans[1].id]);
    const next = (page1.headers.get("link") ?? "").match(/<([^>]+)>; rel="next"/)?.[1];
    assert.ok(next);
    assert.deepEqual(await ids(new URL(next).pathname + new URL(next).search, alice.token), [fans[0].id]);

    await app.request("/api/v1/accounts/update_credentials", {
      method: "PATCH",
      token: alice.token,
      json: { caracol_profile_audiences: { followers: "public", followersCount: "public" } },
    });
    assert.deepEqual(await ids(followers), [fans[2].id, fans[1].id, fans[0].id], "now public");
    assert.deepEqual(await ids(followers, stranger.token), [fans[2].id, fans[1].id, fans[0].id]);
    assert.equal((await (await app.request(`/api/v1/accounts/${alice.id}`)).json()).followers_count, 3);
    assert.equal((await app.request("/api/v1/accounts/999/followers")).status, 404);
    assert.equal((await app.request(`${followers}?max_id=abc`)).status, 422);
  } finally {
    await app.close();
  }
});
