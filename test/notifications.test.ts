import { test } from "node:test";
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { createTestApp, type TestApp } from "./helpers/app.ts";
import { block, follow, makeStatus, mute, notification } from "./helpers/fixtures.ts";
import { follows, notifications } from "../src/db/schema/index.ts";

async function ids(app: TestApp, path: string, token: string): Promise<string[]> {
  const res = await app.request(path, { token });
  assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
  return (await res.json()).map((n: { id: string }) => n.id);
}

test("notifications: list, types, exclude_types, account_id, get one, entity shape", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    const carol = await app.user("carol");
    const s = await makeStatus(app, alice.id, { audience: "public" });
    const fav = await notification(app, alice.id, bob.id, "favourite", s.id);
    const fol = await notification(app, alice.id, carol.id, "follow");
    const men = await notification(app, alice.id, carol.id, "mention", s.id);
    await notification(app, bob.id, carol.id, "follow");
    const t = alice.token;
    assert.deepEqual(await ids(app, "/api/v1/notifications", t), [men, fol, fav]);
    assert.deepEqual(await ids(app, "/api/v1/notifications?types[]=follow&types[]=favourite", t), [fol, fav]);
    assert.deepEqual(await ids(app, "/api/v1/notifications?exclude_types[]=follow", t), [men, fav]);
    assert.deepEqual(await ids(app, `/api/v1/notifications?account_id=${carol.id}`, t), [men, fol]);
    // types this server never produces match nothing rather than everything
    assert.deepEqual(await ids(app, "/api/v1/notifications?types[]=quote", t), []);
    const one = await (await app.request(`/api/v1/notifications/${fav}`, { token: t })).json();
    assert.equal(one.type, "favourite");
    assert.equal(one.account.id, bob.id);
    assert.equal(one.status.id, s.id);
    assert.equal(one.group_key, `ungrouped-${fav}`);
    const follow1 = await (await app.request(`/api/v1/notifications/${fol}`, { token: t })).json();
    assert.equal(follow1.status, undefined);
    // someone else's notification, a malformed id, an unknown id: all 404
    const bobs = await ids(app, "/api/v1/notifications", bob.token);
    assert.equal((await app.request(`/api/v1/notifications/${bobs[0]}`, { token: t })).status, 404);
    assert.equal((await app.request("/api/v1/notifications/nope", { token: t })).status, 404);
    assert.equal((await app.request("/api/v1/notifications/123", { token: t })).status, 404);
    assert.equal((await app.request("/api/v1/notifications?account_id=x", { token: t })).status, 422);
    assert.equal((await app.request("/api/v1/notifications")).status, 401);
    const noScope = await app.user("dave", { scopes: "read:statuses" });
    assert.equal((await app.request("/api/v1/notifications", { token: noScope.token })).status, 403);
  } finally {
    await app.close();
  }
});

test("a notification about a status the viewer can no longer see is dropped", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    await follow(app, bob.id, alice.id);
    const priv = await makeStatus(app, alice.id, { audience: "followers" });
    const pub = await makeStatus(app, alice.id, { audience: "public" });
    const n1 = await notification(app, bob.id, alice.id, "status", priv.id);
    const n2 = await notification(app, bob.id, alice.id, "status", pub.id);
    assert.deepEqual(await ids(app, "/api/v1/notifications", bob.token), [n2, n1]);
    await app.ctx.db.delete(follows).where(and(eq(follows.accountId, bob.id), eq(follows.targetAccountId, alice.id)));
    assert.deepEqual(await ids(app, "/api/v1/notifications", bob.token), [n2]);
    assert.equal((await app.request(`/api/v1/notifications/${n1}`, { token: bob.token })).status, 404);
    assert.deepEqual(await (await app.request("/api/v1/notifications/unread_count", { token: bob.token })).json(), { count: 1 });
    // the author blocking the reader hides the rest too
    await block(app, alice.id, bob.id);
    assert.deepEqual(await ids(app, "/api/v1/notifications", bob.token), []);
  } finally {
    await app.close();
  }
});

test("notifications from accounts blocked or muted later are hidden", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    const carol = await app.user("carol");
    const n1 = await notification(app, alice.id, bob.id, "follow");
    const n2 = await notification(app, alice.id, carol.id, "follow");
    await mute(app, alice.id, bob.id, { hideNotifications: false });
    assert.deepEqual(await ids(app, "/api/v1/notifications", alice.token), [n2, n1]);
    await mute(app, alice.id, carol.id);
    await block(app, alice.id, bob.id);
    assert.deepEqual(await ids(app, "/api/v1/notifications", alice.token), []);
  } finally {
    await app.close();
  }
});

test("notifications: pagination with Link header, dismiss, clear, unread_count with the marker", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    const s = await makeStatus(app, alice.id);
    const made: string[] = [];
    for (const type of ["favourite", "reblog", "mention", "status", "update"] as const) made.push(await notification(app, alice.id, bob.id, type, s.id));
    const t = alice.token;
    const res = await app.request("/api/v1/notifications?limit=2", { token: t });
    assert.deepEqual((await res.json()).map((n: { id: string }) => n.id), [made[4], made[3]]);
    const link = res.headers.get("link")!;
    assert.match(link, new RegExp(`max_id=${made[3]}.*rel="next".*min_id=${made[4]}.*rel="prev"`));
    assert.deepEqual(await ids(app, `/api/v1/notifications?limit=2&max_id=${made[3]}`, t), [made[2], made[1]]);
    assert.deepEqual(await ids(app, `/api/v1/notifications?limit=2&min_id=${made[0]}`, t), [made[2], made[1]]);
    assert.deepEqual(await ids(app, `/api/v1/notifications?since_id=${made[2]}`, t), [made[4], made[3]]);

    assert.deepEqual(await (await app.request("/api/v1/notifications/unread_count", { token: t })).json(), { count: 5 });
    await app.request("/api/v1/markers", { method: "POST", token: t, json: { notifications: { last_read_id: made[2] } } });
    assert.deepEqual(await (await app.request("/api/v1/notifications/unread_count", { token: t })).json(), { count: 2 });

    // dismiss: only one's own
    assert.equal((await app.request(`/api/v1/notifications/${made[0]}/dismiss`, { method: "POST", token: bob.token })).status, 404);
    const readOnly = await app.user("carol", { scopes: "read" });
    assert.equal((await app.request(`/api/v1/notifications/${made[0]}/dismiss`, { method: "POST", token: readOnly.token })).status, 403);
    const d = await app.request(`/api/v1/notifications/${made[0]}/dismiss`, { method: "POST", token: t });
    assert.equal(d.status, 200);
    assert.deepEqual(await d.json(), {});
    assert.equal((await app.request(`/api/v1/notifications/${made[0]}/dismiss`, { method: "POST", token: t })).status, 404);
    assert.equal((await ids(app, "/api/v1/notifications", t)).length, 4);

    const other = await notification(app, bob.id, alice.id, "follow");
    assert.equal((await app.request("/api/v1/notifications/clear", { method: "POST", token: t })).status, 200);
    assert.deepEqual(await ids(app, "/api/v1/notifications", t), []);
    const [kept] = await app.ctx.db.select().from(notifications).where(eq(notifications.id, other));
    assert.ok(kept, "clearing one's notifications leaves other people's alone");
  } finally {
    await app.close();
  }
});
