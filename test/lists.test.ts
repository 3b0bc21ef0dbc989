import { test } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "./helpers/app.ts";
import { follow, makeStatus } from "./helpers/fixtures.ts";

async function json(app: TestApp, path: string, init: Parameters<TestApp["request"]>[1], status = 200) {
  const res = await app.request(path, init);
  assert.equal(res.status, status, `${init?.method ?? "GET"} ${path}: ${await res.clone().text()}`);
  return res.json();
}

test("lists: create, read, update, delete; another person's list is 404", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    const t = alice.token;
    const list = await json(app, "/api/v1/lists", { method: "POST", token: t, json: { title: "Friends" } });
    assert.deepEqual({ ...list, id: undefined }, { id: undefined, title: "Friends", replies_policy: "list", exclusive: false });
    const second = await json(app, "/api/v1/lists", { method: "POST", token: t, json: { title: "Work", replies_policy: "none", exclusive: true } });
    assert.equal(second.exclusive, true);
    assert.deepEqual((await json(app, "/api/v1/lists", { token: t })).map((l: { title: string }) => l.title), ["Friends", "Work"]);
    assert.deepEqual(await json(app, "/api/v1/lists", { token: bob.token }), []);
    assert.equal((await json(app, `/api/v1/lists/${list.id}`, { token: t })).title, "Friends");
    const upd = await json(app, `/api/v1/lists/${list.id}`, { method: "PUT", token: t, json: { title: "Close friends", replies_policy: "followed" } });
    assert.equal(upd.title, "Close friends");
    assert.equal(upd.replies_policy, "followed");

    await json(app, `/api/v1/lists/${list.id}`, { token: bob.token }, 404);
    await json(app, `/api/v1/lists/${list.id}`, { method: "PUT", token: bob.token, json: { title: "mine" } }, 404);
    await json(app, `/api/v1/lists/${list.id}`, { method: "DELETE", token: bob.token }, 404);
    await json(app, "/api/v1/lists/abc", { token: t }, 404);
    await json(app, "/api/v1/lists", { method: "POST", token: t, json: { title: "  " } }, 422);
    await json(app, "/api/v1/lists", { method: "POST", token: t, json: { title: "x", replies_policy: "everyone" } }, 422);
    await json(app, `/api/v1/lists/${list.id}`, { method: "PUT", token: t, json: { title: "" } }, 422);
    assert.equal((await json(app, `/api/v1/lists/${list.id}`, { token: t })).title, "Close friends");

    await json(app, `/api/v1/lists/${second.id}`, { method: "DELETE", token: t });
    await json(app, `/api/v1/lists/${second.id}`, { token: t }, 404);
    await json(app, "/api/v1/lists", { token: undefined }, 401);
    const readOnly = await app.user("carol", { scopes: "read" });
    await json(app, "/api/v1/lists", { method: "POST", token: readOnly.token, json: { title: "x" } }, 403);
  } finally {
    await app.close();
  }
});

test("list members: only followed accounts, all or nothing; accounts/:id/lists; pagination", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    const carol = await app.user("carol");
    const dave = await app.user("dave");
    await follow(app, alice.id, bob.id);
    await follow(app, alice.id, carol.id);
    const t = alice.token;
    const list = await json(app, "/api/v1/lists", { method: "POST", token: t, json: { title: "L" } });
    // dave is not followed: nothing is added
    await json(app, `/api/v1/lists/${list.id}/accounts`, { method: "POST", token: t, json: { account_ids: [bob.id, dave.id] } }, 404);
    assert.deepEqual(await json(app, `/api/v1/lists/${list.id}/accounts`, { token: t }), []);
    await json(app, `/api/v1/lists/${list.id}/accounts`, { method: "POST", token: t, json: { account_ids: [bob.id, carol.id] } });
    const members = await json(app, `/api/v1/lists/${list.id}/accounts`, { token: t });
    assert.deepEqual(members.map((a: { id: string }) => a.id).sort(), [bob.id, carol.id].sort());
    const res = await app.request(`/api/v1/lists/${list.id}/accounts?limit=1`, { token: t });
    const page1 = await res.json();
    assert.equal(page1.length, 1);
    assert.match(res.headers.get("link")!, /max_id=\d+.*rel="next"/);
    const maxId = res.headers.get("link")!.match(/max_id=(\d+)/)![1];
    const page2 = await json(app, `/api/v1/lists/${list.id}/accounts?limit=1&max_id=${maxId}`, { token: t });
    assert.notEqual(page2[0].id, page1[0].id);
    assert.equal((await json(app, `/api/v1/lists/${list.id}/accounts?limit=0`, { token: t })).length, 2);

    assert.deepEqual((await json(app, `/api/v1/accounts/${bob.id}/lists`, { token: t })).map((l: { id: string }) => l.id), [list.id]);
    assert.deepEqual(await json(app, `/api/v1/accounts/${dave.id}/lists`, { token: t }), []);
    assert.deepEqual(await json(app, `/api/v1/accounts/${bob.id}/lists`, { token: dave.token }), []);
    await json(app, "/api/v1/accounts/999999/lists", { token: t }, 404);

    await json(app, `/api/v1/lists/${list.id}/accounts`, { method: "POST", token: bob.token, json: { account_ids: [carol.id] } }, 404);
    await json(app, `/api/v1/lists/${list.id}/accounts`, { token: bob.token }, 404);
    await json(app, `/api/v1/lists/${list.id}/accounts`, { method: "POST", token: t, json: {} }, 422);
    await json(app, `/api/v1/lists/${list.id}/accounts`, { method: "DELETE", token: t, json: { account_ids: [bob.id] } });
    assert.deepEqual((await json(app, `/api/v1/lists/${list.id}/accounts`, { token: t })).map((a: { id: string }) => a.id), [carol.id]);
  } finally {
    await app.close();
  }
});

test("list timeline: members' posts from the owner's home feed; exclusive lists leave home", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    const carol = await app.user("carol");
    const stranger = await app.user("stranger");
    await follow(app, alice.id, bob.id);
    await follow(app, alice.id, carol.id);
    const t = alice.token;
    const list = await json(app, "/api/v1/lists", { method: "POST", token: t, json: { title: "L" } });
    await json(app, `/api/v1/lists/${list.id}/accounts`, { method: "POST", token: t, json: { account_ids: [bob.id] } });
    const b1 = await makeStatus(app, bob.id, { audience: "followers" });
    const c1 = await makeStatus(app, carol.id);
    const s1 = await makeStatus(app, stranger.id);
    const bReplyStranger = await makeStatus(app, bob.id, { inReplyToId: s1.id, inReplyToAccountId: stranger.id });
    const bReplyCarol = await makeStatus(app, bob.id, { inReplyToId: c1.id, inReplyToAccountId: carol.id });
    const listIds = async (path = `/api/v1/timelines/list/${list.id}`) => (await json(app, path, { token: t })).map((s: { id: string }) => s.id);
    // replies_policy "list": replies to non-members are left out
    assert.deepEqual(await listIds(), [b1.id]);
    await json(app, `/api/v1/lists/${list.id}`, { method: "PUT", token: t, json: { replies_policy: "followed" } });
    assert.deepEqual(await listIds(), [bReplyCarol.id, b1.id]);
    void bReplyStranger;
    await json(app, `/api/v1/lists/${list.id}`, { method: "PUT", token: t, json: { replies_policy: "none" } });
    assert.deepEqual(await listIds(), [b1.id]);

    const homeBefore = (await json(app, "/api/v1/timelines/home", { token: t })).map((s: { id: string }) => s.id);
    assert.ok(homeBefore.includes(b1.id));
    await json(app, `/api/v1/lists/${list.id}`, { method: "PUT", token: t, json: { exclusive: true } });
    const homeAfter = (await json(app, "/api/v1/timelines/home", { token: t })).map((s: { id: string }) => s.id);
    assert.deepEqual(homeAfter, [c1.id]);

    await json(app, `/api/v1/timelines/list/${list.id}`, { token: bob.token }, 404);
    await json(app, "/api/v1/timelines/list/x", { token: t }, 404);
    await json(app, `/api/v1/timelines/list/${list.id}`, { token: undefined }, 401);
  } finally {
    await app.close();
  }
});
