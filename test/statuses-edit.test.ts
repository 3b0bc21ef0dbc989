// PUT /api/v1/statuses/:id, history and source.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { createTestApp, type TestApp } from "./helpers/app.ts";
import { follows, notifications, statuses } from "../src/db/schema/index.ts";
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

describe("PUT /api/v1/statuses/:id, history and source", () => {
  test("edits keep the previous versions, re-parse tags and notify boosters", async () => {
    const s = await (await post(alice.token, { status: "first #one", visibility: "public" })).json();
    assert.equal(s.edited_at, null);
    await app.request(`/api/v1/statuses/${s.id}/reblog`, { method: "POST", token: bob.token });
    const res = await app.request(`/api/v1/statuses/${s.id}`, { method: "PUT", token: alice.token, json: { status: "second #two", spoiler_text: "cw", language: "de" } });
    assert.equal(res.status, 200);
    const edited = await res.json();
    assert.equal(edited.content, '<p>second <a href="http://caracol.test/tags/two" class="mention hashtag" rel="tag">#<span>two</span></a></p>');
    assert.deepEqual(edited.tags.map((t: { name: string }) => t.name), ["two"]);
    assert.equal(edited.spoiler_text, "cw");
    assert.equal(edited.sensitive, true);
    assert.equal(edited.language, "de");
    assert.equal(edited.visibility, "public");
    assert.ok(edited.edited_at);
    await app.request(`/api/v1/statuses/${s.id}`, { method: "PUT", token: alice.token, json: { status: "third" } });
    const history = await (await app.request(`/api/v1/statuses/${s.id}/history`)).json();
    assert.deepEqual(history.map((h: { content: string }) => h.content.replace(/<[^>]+>/g, "")), ["first #one", "second #two", "third"]);
    assert.equal(history[0].created_at, s.created_at);
    assert.equal(history[0].account.id, alice.id);
    const source = await (await app.request(`/api/v1/statuses/${s.id}/source`, { token: alice.token })).json();
    assert.deepEqual(source, { id: s.id, text: "third", spoiler_text: "cw" });
    const n = await app.ctx.db.select().from(notifications).where(eq(notifications.statusId, s.id));
    assert.deepEqual(n.filter((x) => x.type === "update").map((x) => x.accountId), [bob.id]);
  });

  test("an unedited post's history is its current version", async () => {
    const s = await (await post(alice.token, { status: "only", visibility: "public" })).json();
    const history = await (await app.request(`/api/v1/statuses/${s.id}/history`, { token: bob.token })).json();
    assert.equal(history.length, 1);
    assert.equal(history[0].content, "<p>only</p>");
  });

  test("others cannot edit or read the source; the audience cannot change; bad input is refused", async () => {
    const s = await (await post(alice.token, { status: "mine", visibility: "public" })).json();
    const put = (token: string, json: unknown) => app.request(`/api/v1/statuses/${s.id}`, { method: "PUT", token, json });
    assert.equal((await put(bob.token, { status: "hijack" })).status, 404);
    assert.equal((await app.request(`/api/v1/statuses/${s.id}/source`, { token: bob.token })).status, 404);
    assert.equal((await put(alice.token, { status: "x", caracol_audience: "followers" })).status, 422);
    assert.equal((await put(alice.token, { status: "" })).status, 422);
    assert.equal((await put(alice.token, { status: "a".repeat(51) })).status, 422);
    assert.equal((await put(alice.token, { status: 7 })).status, 422);
    assert.equal((await put(alice.token, { status: "x", media_ids: ["1"] })).status, 422);
    assert.equal((await app.request("/api/v1/statuses/424242", { method: "PUT", token: alice.token, json: { status: "x" } })).status, 404);
    const [row] = await app.ctx.db.select().from(statuses).where(eq(statuses.id, s.id));
    assert.equal(row.text, "mine");
    assert.equal(row.audience, "public");
  });

  test("editing a direct post cannot add recipients", async () => {
    const carol = await app.user("carol");
    const s = await (await post(alice.token, { status: "hi @bob", visibility: "direct" })).json();
    const edited = await (await app.request(`/api/v1/statuses/${s.id}`, { method: "PUT", token: alice.token, json: { status: "hi @bob and @carol" } })).json();
    assert.deepEqual(edited.mentions.map((m: { acct: string }) => m.acct), ["bob"]);
    assert.equal((await app.request(`/api/v1/statuses/${s.id}`, { token: carol.token })).status, 404);
    assert.equal((await app.request(`/api/v1/statuses/${s.id}`, { token: bob.token })).status, 200);
  });

  test("editing a followers-only post may add followers as mentions, not strangers; a public edit notifies new mentions", async () => {
    const dave = await app.user("dave");
    const erin = await app.user("erin");
    await app.ctx.db.insert(follows).values({ id: newId(), accountId: dave.id, targetAccountId: alice.id });
    const s = await (await post(alice.token, { status: "hi", visibility: "private" })).json();
    const put = async (id: string, status: string) =>
      (await app.request(`/api/v1/statuses/${id}`, { method: "PUT", token: alice.token, json: { status } })).json();
    const edited = await put(s.id, "hi @dave and @erin");
    assert.deepEqual(edited.mentions.map((m: { acct: string }) => m.acct), ["dave"]);
    assert.equal((await app.request(`/api/v1/statuses/${s.id}`, { token: erin.token })).status, 404);
    const p = await (await post(alice.token, { status: "hello", visibility: "public" })).json();
    await put(p.id, "hello @erin");
    const n = await app.ctx.db.select().from(notifications).where(eq(notifications.statusId, p.id));
    assert.deepEqual(n.map((x) => [x.accountId, x.type]), [[erin.id, "mention"]]);
  });
});
