import { test } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "./helpers/app.ts";
import { block, follow, makeStatus, mute, remoteAccount } from "./helpers/fixtures.ts";
import { and, eq } from "drizzle-orm";
import { AUDIENCES, follows, users } from "../src/db/schema/index.ts";
import { setSetting } from "../src/domain/instance/settings.ts";

async function ids(app: TestApp, path: string, token?: string): Promise<string[]> {
  const res = await app.request(path, { token });
  assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
  return (await res.json()).map((s: { id: string }) => s.id);
}

test("home: a follower sees followers-only posts of people they follow, a stranger never does", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    const carol = await app.user("carol");
    await follow(app, bob.id, alice.id);
    const priv = await makeStatus(app, alice.id, { audience: "followers", text: "for followers" });
    const pub = await makeStatus(app, alice.id, { audience: "public" });
    const own = await makeStatus(app, bob.id, { audience: "followers" });
    const dm = await makeStatus(app, alice.id, { audience: "direct", mentions: [carol.id] });
    assert.deepEqual(await ids(app, "/api/v1/timelines/home", bob.token), [own.id, pub.id, priv.id]);
    // carol follows nobody: only the direct message addressed to her reaches her home feed
    assert.deepEqual(await ids(app, "/api/v1/timelines/home", carol.token), [dm.id]);
    const body = await (await app.request("/api/v1/timelines/home", { token: bob.token })).json();
    assert.equal(body[2].visibility, "private");
    assert.equal(body[2].account.id, alice.id);
  } finally {
    await app.close();
  }
});

test("home: the gate still checks stored rows, and blocked, muted and no-boost accounts are left out", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    const dave = await app.user("dave");
    const erin = await app.user("erin");
    for (const t of [alice, dave, erin]) await follow(app, bob.id, t.id);
    await app.ctx.db.update(follows).set({ showReblogs: false }).where(eq(follows.targetAccountId, erin.id));
    const a1 = await makeStatus(app, alice.id, { audience: "followers" });
    const d1 = await makeStatus(app, dave.id);
    const e1 = await makeStatus(app, erin.id);
    await makeStatus(app, erin.id, { reblogOfId: d1.id });
    const boostByAlice = await makeStatus(app, alice.id, { reblogOfId: e1.id });
    assert.deepEqual(await ids(app, "/api/v1/timelines/home", bob.token), [boostByAlice.id, e1.id, d1.id, a1.id]);
    await mute(app, bob.id, dave.id);
    await block(app, bob.id, erin.id);
    // erin's own post and alice's boost of it go; dave's post goes (muted)
    assert.deepEqual(await ids(app, "/api/v1/timelines/home", bob.token), [a1.id]);
    // after an unfollow that did not clean the feed, the followers-only row fails the gate
    await app.ctx.db.delete(follows).where(and(eq(follows.accountId, bob.id), eq(follows.targetAccountId, alice.id)));
    assert.deepEqual(await ids(app, "/api/v1/timelines/home", bob.token), []);
  } finally {
    await app.close();
  }
});

test("home: max_id, since_id, min_id, limit and the Link header", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push((await makeStatus(app, alice.id, { audience: "followers" })).id);
    const newest = [...made].reverse();
    const res = await app.request("/api/v1/timelines/home?limit=3", { token: alice.token });
    const first = (await res.json()).map((s: { id: string }) => s.id);
    assert.deepEqual(first, newest.slice(0, 3));
    const link = res.headers.get("link")!;
    assert.match(link, new RegExp(`max_id=${newest[2]}.*rel="next"`));
    assert.match(link, new RegExp(`min_id=${newest[0]}.*rel="prev"`));
    assert.ok(link.includes("limit=3"));
    assert.deepEqual(await ids(app, `/api/v1/timelines/home?limit=3&max_id=${newest[2]}`, alice.token), newest.slice(3, 6));
    // min_id: the page just above, still newest first
    assert.deepEqual(await ids(app, `/api/v1/timelines/home?limit=2&min_id=${made[1]}`, alice.token), [made[3], made[2]]);
    // since_id: the newest page, stopping at since_id
    assert.deepEqual(await ids(app, `/api/v1/timelines/home?limit=2&since_id=${made[1]}`, alice.token), [made[6], made[5]]);
    assert.deepEqual(await ids(app, `/api/v1/timelines/home?since_id=${made[4]}`, alice.token), [made[6], made[5]]);
    assert.equal((await app.request("/api/v1/timelines/home?max_id=abc", { token: alice.token })).status, 422);
    assert.equal((await app.request("/api/v1/timelines/home?limit=-1", { token: alice.token })).status, 422);
    const empty = await app.request(`/api/v1/timelines/home?min_id=${made[6]}`, { token: alice.token });
    assert.deepEqual(await empty.json(), []);
    assert.equal(empty.headers.get("link"), null);
  } finally {
    await app.close();
  }
});

test("home: needs a user token with read:statuses", async () => {
  const app = await createTestApp();
  try {
    const limited = await app.user("alice", { scopes: "read:accounts" });
    assert.equal((await app.request("/api/v1/timelines/home")).status, 401);
    const res = await app.request("/api/v1/timelines/home", { token: limited.token });
    assert.equal(res.status, 403);
    assert.ok((await res.json()).error);
    const granular = await app.user("bob", { scopes: "read:statuses" });
    assert.equal((await app.request("/api/v1/timelines/home", { token: granular.token })).status, 200);
  } finally {
    await app.close();
  }
});

test("public and tag timelines list only public posts, for every kind of viewer", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const follower = await app.user("follower");
    const mentioned = await app.user("mentioned");
    const stranger = await app.user("stranger");
    await follow(app, follower.id, alice.id);
    const byAudience: Record<string, string> = {};
    for (const audience of AUDIENCES) {
      if (audience === "circle") continue;
      const s = await makeStatus(app, alice.id, { audience, tags: ["Caracol"], mentions: [mentioned.id] });
      byAudience[audience] = s.id;
    }
    const localOnlyPublic = await makeStatus(app, alice.id, { audience: "public", localOnly: true, tags: ["caracol"] });
    await makeStatus(app, alice.id, { audience: "public", reblogOfId: byAudience.public });
    const want = [localOnlyPublic.id, byAudience.public];
    for (const viewer of [alice, follower, mentioned, stranger]) {
      assert.deepEqual(await ids(app, "/api/v1/timelines/public", viewer.token), want, viewer.username);
      assert.deepEqual(await ids(app, "/api/v1/timelines/tag/caracol", viewer.token), want, viewer.username);
      assert.deepEqual(await ids(app, "/api/v1/timelines/public?local=true", viewer.token), want);
    }
    assert.deepEqual(await ids(app, "/api/v1/timelines/public"), want);
    assert.deepEqual(await ids(app, "/api/v1/timelines/tag/CARACOL"), want);
    assert.deepEqual(await ids(app, "/api/v1/timelines/public?only_media=true", stranger.token), []);
  } finally {
    await app.close();
  }
});

test("public timeline: local and remote, replies to others left out, blocked authors left out", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    const remote = await remoteAccount(app, "zed", "remote.example");
    const l = await makeStatus(app, alice.id);
    const r = await makeStatus(app, remote);
    await makeStatus(app, alice.id, { inReplyToId: r.id, inReplyToAccountId: remote });
    const selfReply = await makeStatus(app, alice.id, { inReplyToId: l.id, inReplyToAccountId: alice.id });
    assert.deepEqual(await ids(app, "/api/v1/timelines/public", bob.token), [selfReply.id, r.id, l.id]);
    assert.deepEqual(await ids(app, "/api/v1/timelines/public?local=true", bob.token), [selfReply.id, l.id]);
    assert.deepEqual(await ids(app, "/api/v1/timelines/public?remote=true", bob.token), [r.id]);
    await block(app, bob.id, alice.id);
    assert.deepEqual(await ids(app, "/api/v1/timelines/public", bob.token), [r.id]);
    assert.equal((await app.request("/api/v1/timelines/public?local=maybe", { token: bob.token })).status, 422);
  } finally {
    await app.close();
  }
});

test("anonymous public and tag timelines are refused unless logged-out access is 'all'", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    await makeStatus(app, alice.id, { tags: ["open"] });
    assert.equal((await app.request("/api/v1/timelines/public")).status, 200);
    for (const setting of ["profiles", "none"] as const) {
      await setSetting(app.ctx, "loggedOutAccess", setting);
      for (const path of ["/api/v1/timelines/public", "/api/v1/timelines/tag/open"]) {
        const res = await app.request(path);
        assert.equal(res.status, 401, `${setting} ${path}`);
        assert.deepEqual(await res.json(), { error: "This method requires an authenticated user" });
      }
      assert.equal((await ids(app, "/api/v1/timelines/public", alice.token)).length, 1);
    }
    await setSetting(app.ctx, "loggedOutAccess", "all");
    // a person's own narrower setting still hides their posts from logged-out visitors
    await app.ctx.db.update(users).set({ privacy: { loggedOutAccess: "profiles" } }).where(eq(users.accountId, alice.id));
    assert.deepEqual(await ids(app, "/api/v1/timelines/public"), []);
    const limited = await app.user("bob", { scopes: "read:accounts" });
    assert.equal((await app.request("/api/v1/timelines/public", { token: limited.token })).status, 403);
  } finally {
    await app.close();
  }
});

test("tag timeline: any, all and none", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const a = await makeStatus(app, alice.id, { tags: ["cats"] });
    const ab = await makeStatus(app, alice.id, { tags: ["cats", "dogs"] });
    const b = await makeStatus(app, alice.id, { tags: ["dogs"] });
    const c = await makeStatus(app, alice.id, { tags: ["birds"] });
    const t = alice.token;
    assert.deepEqual(await ids(app, "/api/v1/timelines/tag/cats", t), [ab.id, a.id]);
    assert.deepEqual(await ids(app, "/api/v1/timelines/tag/cats?any[]=birds", t), [c.id, ab.id, a.id]);
    assert.deepEqual(await ids(app, "/api/v1/timelines/tag/cats?all[]=dogs", t), [ab.id]);
    assert.deepEqual(await ids(app, "/api/v1/timelines/tag/cats?none[]=dogs", t), [a.id]);
    assert.deepEqual(await ids(app, "/api/v1/timelines/tag/nothing", t), []);
    void b;
    assert.equal((await app.request("/api/v1/timelines/tag/no%20spaces", { token: t })).status, 422);
  } finally {
    await app.close();
  }
});
