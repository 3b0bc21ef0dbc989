// POST/GET/DELETE /api/v1/statuses, and bad input (editing: statuses-edit.test.ts).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { createTestApp, type TestApp } from "./helpers/app.ts";
import { accounts, circles, follows, homeFeed, mentions, notifications, statuses, statusTags, users } from "../src/db/schema/index.ts";
import { newId } from "../src/lib/id.ts";

let app: TestApp;
let alice: { id: string; token: string };
let bob: { id: string; token: string };

before(async () => {
  app = await createTestApp({ CARACOL_MAX_STATUS_CHARS: "50" });
  alice = await app.user("alice");
  bob = await app.user("bob");
});
after(async () => {
  await app.close();
});

async function post(token: string, json: unknown, headers: Record<string, string> = {}) {
  return app.request("/api/v1/statuses", { method: "POST", token, json, headers });
}

async function account(id: string) {
  const [row] = await app.ctx.db.select().from(accounts).where(eq(accounts.id, id));
  return row;
}

describe("POST /api/v1/statuses", () => {
  test("creates a status with the default audience (followers), formatted content, mentions and tags", async () => {
    const before = (await account(alice.id)).statusesCount;
    const res = await post(alice.token, { status: "hello @bob #Snails <b>x</b>", language: "EN" });
    assert.equal(res.status, 200);
    const s = await res.json();
    assert.equal(s.visibility, "private");
    assert.equal(s.caracol.audience, "followers");
    assert.equal(s.language, "en");
    assert.match(s.content, /^<p>hello <span class="h-card"/);
    assert.match(s.content, /&lt;b&gt;x&lt;\/b&gt;/);
    assert.deepEqual(s.mentions.map((m: { acct: string }) => m.acct), ["bob"]);
    assert.deepEqual(s.tags.map((t: { name: string }) => t.name), ["Snails"]);
    assert.equal(s.uri, `http://caracol.test/users/alice/statuses/${s.id}`);
    assert.equal(s.url, `http://caracol.test/@alice/${s.id}`);
    assert.equal(s.account.id, alice.id);
    const a = await account(alice.id);
    assert.equal(a.statusesCount, before + 1);
    assert.ok(a.lastStatusAt);
    const n = await app.ctx.db.select().from(notifications).where(eq(notifications.statusId, s.id));
    assert.deepEqual(n.map((x) => [x.accountId, x.type]), [[bob.id, "mention"]]);
    const feed = await app.ctx.db.select().from(homeFeed).where(eq(homeFeed.statusId, s.id));
    assert.deepEqual(new Set(feed.map((f) => f.accountId)), new Set([alice.id, bob.id]));
    assert.equal((await app.ctx.db.select().from(statusTags).where(eq(statusTags.statusId, s.id))).length, 1);
  });

  test("the user's default visibility applies; explicit visibility and Caracol audiences map", async () => {
    await app.ctx.db.update(users).set({ defaultVisibility: "unlisted" }).where(eq(users.accountId, bob.id));
    assert.equal((await (await post(bob.token, { status: "x" })).json()).visibility, "unlisted");
    const pub = await (await post(alice.token, { status: "x", visibility: "public" })).json();
    assert.equal(pub.caracol.audience, "public");
    const lo = await (await post(alice.token, { status: "x", visibility: "public", local_only: true })).json();
    assert.equal(lo.caracol.audience, "local");
    assert.equal(lo.local_only, true);
    const auth = await (await post(alice.token, { status: "x", caracol_audience: "authenticated" })).json();
    assert.deepEqual([auth.visibility, auth.caracol.audience], ["unlisted", "authenticated"]);
    const circleId = newId();
    await app.ctx.db.insert(circles).values({ id: circleId, name: "friends" });
    const circ = await (await post(alice.token, { status: "x", caracol_audience: "circle", caracol_circle_id: circleId })).json();
    assert.deepEqual([circ.visibility, circ.caracol.circle_id], ["private", circleId]);
    assert.equal((await post(alice.token, { status: "x", caracol_audience: "circle" })).status, 422);
    assert.equal((await post(alice.token, { status: "x", caracol_audience: "circle", caracol_circle_id: "123" })).status, 422);
  });

  test("form-encoded posts work too", async () => {
    const res = await app.request("/api/v1/statuses", {
      method: "POST",
      token: alice.token,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "status=from+a+form&visibility=unlisted&sensitive=true&spoiler_text=cw",
    });
    assert.equal(res.status, 200);
    const s = await res.json();
    assert.deepEqual([s.content, s.visibility, s.sensitive, s.spoiler_text], ["<p>from a form</p>", "unlisted", true, "cw"]);
  });

  test("a content warning makes the post sensitive", async () => {
    const s = await (await post(alice.token, { status: "x", spoiler_text: "cw", sensitive: false })).json();
    assert.equal(s.sensitive, true);
  });

  test("character limit: exactly the limit passes, one more is 422; URLs count as 23", async () => {
    const ok = await post(alice.token, { status: "a".repeat(50) });
    assert.equal(ok.status, 200);
    const over = await post(alice.token, { status: "a".repeat(51) });
    assert.equal(over.status, 422);
    assert.equal((await over.json()).error, "Validation failed: Text character limit of 50 exceeded");
    assert.equal((await post(alice.token, { status: "🐌".repeat(50) })).status, 200);
    assert.equal((await post(alice.token, { status: "x".repeat(26) + " https://example.com/" + "p".repeat(200) })).status, 200);
    assert.equal((await post(alice.token, { status: "a".repeat(40), spoiler_text: "b".repeat(11) })).status, 422);
  });

  test("Idempotency-Key returns the first status for the same account, not for another", async () => {
    const first = await (await post(alice.token, { status: "once" }, { "Idempotency-Key": "k1" })).json();
    const again = await (await post(alice.token, { status: "twice" }, { "Idempotency-Key": "k1" })).json();
    assert.equal(again.id, first.id);
    assert.equal(again.content, "<p>once</p>");
    const other = await (await post(bob.token, { status: "bob's" }, { "Idempotency-Key": "k1" })).json();
    assert.notEqual(other.id, first.id);
    const rows = await app.ctx.db.select().from(statuses).where(eq(statuses.text, "twice"));
    assert.equal(rows.length, 0);
    // a key older than a day no longer counts
    const { idempotencyKeys } = await import("../src/db/schema/index.ts");
    await app.ctx.db.update(idempotencyKeys).set({ createdAt: new Date(Date.now() - 25 * 3600_000) });
    const later = await (await post(alice.token, { status: "later" }, { "Idempotency-Key": "k1" })).json();
    assert.notEqual(later.id, first.id);
  });

  test("replies: visible parent sets in_reply_to and counts; hidden or unknown parent is 404", async () => {
    const parent = await (await post(alice.token, { status: "parent", visibility: "public" })).json();
    const reply = await (await post(bob.token, { status: "reply", in_reply_to_id: parent.id, visibility: "public" })).json();
    assert.equal(reply.in_reply_to_id, parent.id);
    assert.equal(reply.in_reply_to_account_id, alice.id);
    const [p] = await app.ctx.db.select().from(statuses).where(eq(statuses.id, parent.id));
    assert.equal(p.repliesCount, 1);
    // a followers-only reply is not counted where everyone who sees the parent would see it
    await post(bob.token, { status: "quiet reply", in_reply_to_id: parent.id, visibility: "private" });
    const [p2] = await app.ctx.db.select().from(statuses).where(eq(statuses.id, parent.id));
    assert.equal(p2.repliesCount, 1);
    const hidden = await (await post(alice.token, { status: "secret", visibility: "private" })).json();
    const res = await post(bob.token, { status: "reply", in_reply_to_id: hidden.id });
    assert.equal(res.status, 404);
    assert.equal((await res.json()).error, "Record not found");
    assert.equal((await post(bob.token, { status: "reply", in_reply_to_id: "999999" })).status, 404);
  });

  test("bad input: 422 or 400 with a message, and nothing is stored", async () => {
    const count = async () => (await app.ctx.db.select({ id: statuses.id }).from(statuses)).length;
    const before = await count();
    const cases: [unknown, number][] = [
      [{}, 422],
      [{ status: "   " }, 422],
      [{ status: 5 }, 422],
      [{ status: "x", visibility: "everyone" }, 422],
      [{ status: "x", sensitive: "maybe" }, 422],
      [{ status: "x", language: "english" }, 422],
      [{ status: "x", in_reply_to_id: "abc" }, 422],
      [{ status: "x", media_ids: ["1"] }, 422],
      [{ status: "x", poll: { options: ["a", "b"], expires_in: 300 } }, 422],
      [{ status: "x", scheduled_at: "2030-01-01T00:00:00Z" }, 422],
      [{ status: "x", caracol_audience: "world" }, 422],
    ];
    for (const [json, code] of cases) {
      const res = await post(alice.token, json);
      assert.equal(res.status, code, JSON.stringify(json));
      assert.equal(typeof (await res.json()).error, "string");
    }
    const malformed = await app.request("/api/v1/statuses", { method: "POST", token: alice.token, headers: { "content-type": "application/json" }, body: "{not json" });
    assert.equal(malformed.status, 400);
    assert.equal((await malformed.json()).error, "Malformed JSON in request body");
    const arr = await app.request("/api/v1/statuses", { method: "POST", token: alice.token, headers: { "content-type": "application/json" }, body: "[1]" });
    assert.equal(arr.status, 400);
    assert.equal(await count(), before);
  });

  test("a direct post mentioning nobody is allowed and seen only by its author", async () => {
    const s = await (await post(alice.token, { status: "note to self", visibility: "direct" })).json();
    assert.equal(s.visibility, "direct");
    assert.equal((await app.request(`/api/v1/statuses/${s.id}`, { token: alice.token })).status, 200);
    assert.equal((await app.request(`/api/v1/statuses/${s.id}`, { token: bob.token })).status, 404);
  });

  test("authentication and scopes", async () => {
    assert.equal((await app.request("/api/v1/statuses", { method: "POST", json: { status: "x" } })).status, 401);
    const reader = await app.user("reader", { scopes: "read" });
    assert.equal((await post(reader.token, { status: "x" })).status, 403);
    const granular = await app.user("granular", { scopes: "write:statuses" });
    assert.equal((await post(granular.token, { status: "x" })).status, 200);
  });
});

describe("GET /api/v1/statuses", () => {
  test("one by id, anonymous when the gate allows; unknown and malformed ids are 404", async () => {
    const s = await (await post(alice.token, { status: "public", visibility: "public" })).json();
    const anon = await app.request(`/api/v1/statuses/${s.id}`);
    assert.equal(anon.status, 200);
    assert.equal((await anon.json()).favourited, undefined);
    const mine = await (await app.request(`/api/v1/statuses/${s.id}`, { token: alice.token })).json();
    assert.equal(mine.favourited, false);
    assert.equal((await app.request("/api/v1/statuses/12345")).status, 404);
    assert.equal((await app.request("/api/v1/statuses/not-an-id")).status, 404);
    assert.equal((await app.request("/api/v1/statuses/99999999999999999999999")).status, 404);
  });

  test("several by id[]: hidden and unknown ones are left out silently", async () => {
    const a = await (await post(alice.token, { status: "a", visibility: "public" })).json();
    const b = await (await post(alice.token, { status: "b", visibility: "private" })).json();
    const res = await app.request(`/api/v1/statuses?id[]=${a.id}&id[]=${b.id}&id[]=4242`, { token: bob.token });
    assert.equal(res.status, 200);
    assert.deepEqual((await res.json()).map((s: { id: string }) => s.id), [a.id]);
    await app.ctx.db.insert(follows).values({ id: newId(), accountId: bob.id, targetAccountId: alice.id });
    const both = await (await app.request(`/api/v1/statuses?id[]=${b.id}&id[]=${a.id}`, { token: bob.token })).json();
    assert.deepEqual(both.map((s: { id: string }) => s.id), [b.id, a.id]);
    await app.ctx.db.delete(follows).where(eq(follows.accountId, bob.id));
    assert.equal((await app.request("/api/v1/statuses?id[]=x")).status, 422);
    assert.equal((await app.request("/api/v1/statuses")).status, 422);
  });
});

describe("DELETE /api/v1/statuses/:id", () => {
  test("deletes own status, answers with its source text, fixes counters and removes boosts", async () => {
    const parent = await (await post(bob.token, { status: "parent", visibility: "public" })).json();
    const s = await (await post(alice.token, { status: "bye @bob", visibility: "public", in_reply_to_id: parent.id })).json();
    const boost = await (await app.request(`/api/v1/statuses/${s.id}/reblog`, { method: "POST", token: bob.token })).json();
    const aliceBefore = (await account(alice.id)).statusesCount;
    const bobBefore = (await account(bob.id)).statusesCount;
    assert.equal((await app.request(`/api/v1/statuses/${s.id}`, { method: "DELETE", token: bob.token })).status, 404);
    const res = await app.request(`/api/v1/statuses/${s.id}`, { method: "DELETE", token: alice.token });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.id, s.id);
    assert.equal(body.text, "bye @bob");
    assert.equal((await app.request(`/api/v1/statuses/${s.id}`, { token: alice.token })).status, 404);
    assert.equal((await app.ctx.db.select().from(statuses).where(eq(statuses.id, boost.id))).length, 0);
    assert.equal((await app.ctx.db.select().from(mentions).where(eq(mentions.statusId, s.id))).length, 0);
    assert.equal((await account(alice.id)).statusesCount, aliceBefore - 1);
    assert.equal((await account(bob.id)).statusesCount, bobBefore - 1);
    const [p] = await app.ctx.db.select().from(statuses).where(eq(statuses.id, parent.id));
    assert.equal(p.repliesCount, 0);
    assert.equal((await app.request(`/api/v1/statuses/${s.id}`, { method: "DELETE", token: alice.token })).status, 404);
  });
});
