// Who must NOT see what, through every /api/v1/statuses path: followers-only, direct and
// local-only posts against anonymous clients, signed-in strangers, followers and mentioned people.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { createTestApp, type TestApp } from "./helpers/app.ts";
import { bookmarks, favourites, follows, statuses } from "../src/db/schema/index.ts";
import { newId } from "../src/lib/id.ts";

type User = { id: string; token: string };
let app: TestApp;
let alice: User; // author
let follower: User;
let stranger: User;
let mentioned: User;
const posts: Record<string, string> = {};

async function post(token: string, json: unknown): Promise<string> {
  const res = await app.request("/api/v1/statuses", { method: "POST", token, json });
  assert.equal(res.status, 200);
  return (await res.json()).id;
}

before(async () => {
  app = await createTestApp();
  alice = await app.user("alice");
  follower = await app.user("fol");
  stranger = await app.user("stranger");
  mentioned = await app.user("men");
  await app.ctx.db.insert(follows).values({ id: newId(), accountId: follower.id, targetAccountId: alice.id });
  posts.followers = await post(alice.token, { status: "for followers", visibility: "private" });
  posts.direct = await post(alice.token, { status: "psst @men", visibility: "direct" });
  posts.localFollowers = await post(alice.token, { status: "local, followers", visibility: "private", local_only: true });
  posts.local = await post(alice.token, { status: "local only", visibility: "public", local_only: true });
  posts.public = await post(alice.token, { status: "public", visibility: "public" });
});
after(async () => {
  await app.close();
});

const readPaths = (id: string) => [
  `/api/v1/statuses/${id}`,
  `/api/v1/statuses/${id}/context`,
  `/api/v1/statuses/${id}/favourited_by`,
  `/api/v1/statuses/${id}/reblogged_by`,
  `/api/v1/statuses/${id}/history`,
];
const actions = ["favourite", "reblog", "bookmark"];

async function assertHidden(token: string | undefined, id: string) {
  for (const path of readPaths(id)) {
    const res = await app.request(path, { token });
    assert.equal(res.status, 404, `${path} as ${token ? "stranger" : "anonymous"}`);
    assert.equal((await res.json()).error, "Record not found");
  }
  const multi = await (await app.request(`/api/v1/statuses?id[]=${id}`, { token })).json();
  assert.deepEqual(multi, []);
  for (const action of actions) {
    const res = await app.request(`/api/v1/statuses/${id}/${action}`, { method: "POST", token });
    assert.equal(res.status, token ? 404 : 401, `${action} as ${token ? "stranger" : "anonymous"}`);
  }
  assert.equal((await app.ctx.db.select().from(favourites).where(eq(favourites.statusId, id))).length, 0);
  assert.equal((await app.ctx.db.select().from(bookmarks).where(eq(bookmarks.statusId, id))).length, 0);
  assert.equal((await app.ctx.db.select().from(statuses).where(eq(statuses.reblogOfId, id))).length, 0);
}

async function assertVisible(token: string, id: string) {
  for (const path of readPaths(id)) assert.equal((await app.request(path, { token })).status, 200, path);
}

describe("hidden posts are 404 everywhere", () => {
  for (const kind of ["followers", "direct", "localFollowers", "local"]) {
    test(`${kind}: anonymous`, async () => {
      await assertHidden(undefined, posts[kind]);
    });
  }
  for (const kind of ["followers", "direct", "localFollowers"]) {
    test(`${kind}: signed-in non-follower`, async () => {
      await assertHidden(stranger.token, posts[kind]);
    });
  }
  test("direct: a follower who is not mentioned", async () => {
    await assertHidden(follower.token, posts.direct);
  });
});

describe("the intended audience sees them", () => {
  test("a follower sees followers-only posts, local-only ones included, and may favourite and bookmark", async () => {
    await assertVisible(follower.token, posts.followers);
    await assertVisible(follower.token, posts.localFollowers);
    assert.equal((await app.request(`/api/v1/statuses/${posts.followers}/favourite`, { method: "POST", token: follower.token })).status, 200);
    const res = await app.request(`/api/v1/statuses/${posts.followers}/bookmark`, { method: "POST", token: follower.token });
    assert.equal((await res.json()).bookmarked, true);
  });

  test("a mentioned account sees the direct post", async () => {
    await assertVisible(mentioned.token, posts.direct);
    const res = await app.request(`/api/v1/statuses/${posts.direct}/favourite`, { method: "POST", token: mentioned.token });
    assert.equal((await res.json()).favourited, true);
  });

  test("any signed-in local account sees a public local-only post", async () => {
    await assertVisible(stranger.token, posts.local);
  });
});

describe("boosting", () => {
  test("a follower cannot boost a followers-only post; a mentioned account cannot boost a direct one", async () => {
    const res = await app.request(`/api/v1/statuses/${posts.followers}/reblog`, { method: "POST", token: follower.token });
    assert.equal(res.status, 403);
    assert.equal((await app.request(`/api/v1/statuses/${posts.direct}/reblog`, { method: "POST", token: mentioned.token })).status, 403);
    assert.equal((await app.request(`/api/v1/statuses/${posts.direct}/reblog`, { method: "POST", token: alice.token })).status, 403);
    assert.equal((await app.ctx.db.select().from(statuses).where(eq(statuses.reblogOfId, posts.followers))).length, 0);
  });

  test("the author may boost her followers-only post; the boost stays followers-only", async () => {
    const res = await app.request(`/api/v1/statuses/${posts.followers}/reblog`, { method: "POST", token: alice.token });
    assert.equal(res.status, 200);
    const boost = await res.json();
    assert.equal(boost.reblog.id, posts.followers);
    assert.equal(boost.caracol.audience, "followers");
    assert.equal((await app.request(`/api/v1/statuses/${boost.id}`, { token: stranger.token })).status, 404);
    assert.equal((await app.request(`/api/v1/statuses/${boost.id}`)).status, 404);
    assert.equal((await app.request(`/api/v1/statuses/${boost.id}`, { token: follower.token })).status, 200);
  });

  test("a boost to one's followers only is not listed in reblogged_by for others", async () => {
    const res = await app.request(`/api/v1/statuses/${posts.public}/reblog`, { method: "POST", token: stranger.token, json: { visibility: "private" } });
    const boost = await res.json();
    assert.equal(boost.caracol.audience, "followers");
    const anon = await (await app.request(`/api/v1/statuses/${posts.public}/reblogged_by`)).json();
    assert.deepEqual(anon, []);
    const self = await (await app.request(`/api/v1/statuses/${posts.public}/reblogged_by`, { token: stranger.token })).json();
    assert.deepEqual(self.map((a: { id: string }) => a.id), [stranger.id]);
    // the author of the boosted post is told, but the boost itself stays hidden from her
    assert.equal((await app.request(`/api/v1/statuses/${boost.id}`, { token: alice.token })).status, 404);
  });
});

describe("threads", () => {
  test("context leaves out the replies and ancestors a viewer may not see", async () => {
    const root = await post(alice.token, { status: "root", visibility: "public" });
    const hiddenReply = await post(alice.token, { status: "followers reply", visibility: "private", in_reply_to_id: root });
    const publicReply = await post(alice.token, { status: "public reply", visibility: "public", in_reply_to_id: hiddenReply });
    const ids = (list: { id: string }[]) => list.map((s) => s.id);
    const asStranger = await (await app.request(`/api/v1/statuses/${root}/context`, { token: stranger.token })).json();
    assert.deepEqual(ids(asStranger.descendants), [publicReply]);
    const asFollower = await (await app.request(`/api/v1/statuses/${root}/context`, { token: follower.token })).json();
    assert.deepEqual(ids(asFollower.descendants), [hiddenReply, publicReply]);
    const up = await (await app.request(`/api/v1/statuses/${publicReply}/context`)).json();
    assert.deepEqual(ids(up.ancestors), [root]);
    const upFollower = await (await app.request(`/api/v1/statuses/${publicReply}/context`, { token: follower.token })).json();
    assert.deepEqual(ids(upFollower.ancestors), [root, hiddenReply]);
  });
});
