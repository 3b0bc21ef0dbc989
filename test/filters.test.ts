import { test } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "./helpers/app.ts";
import { follow, makeStatus, notification } from "./helpers/fixtures.ts";
import { eq } from "drizzle-orm";
import { filters } from "../src/db/schema/index.ts";
import { keywordPattern, plainText } from "../src/domain/filters/match.ts";

async function json(app: TestApp, path: string, init: Parameters<TestApp["request"]>[1], status = 200) {
  const res = await app.request(path, init);
  assert.equal(res.status, status, `${init?.method ?? "GET"} ${path}: ${await res.clone().text()}`);
  return res.json();
}

test("keyword matching: case, whole words, markup", () => {
  assert.ok(keywordPattern("cat", true).test("A Cat sat"));
  assert.ok(!keywordPattern("cat", true).test("concatenate"));
  assert.ok(keywordPattern("cat", false).test("concatenate"));
  assert.ok(keywordPattern("c++", true).test("I like C++."));
  assert.ok(!keywordPattern("été", true).test("étéx"));
  assert.equal(plainText("<p>one</p><p>two &amp; <a href=\"x\">three</a></p>"), "one\ntwo & three\n");
});

test("filters v2: create with keywords, read, update with _destroy, delete; others get 404", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    const t = alice.token;
    const f = await json(app, "/api/v2/filters", {
      method: "POST",
      token: t,
      json: { title: "Spoilers", context: ["home", "public"], filter_action: "warn", expires_in: 3600, keywords_attributes: [{ keyword: "finale" }, { keyword: "ending", whole_word: false }] },
    });
    assert.equal(f.title, "Spoilers");
    assert.deepEqual(f.context, ["home", "public"]);
    assert.equal(f.keywords.length, 2);
    assert.equal(f.keywords[1].whole_word, false);
    assert.ok(Date.parse(f.expires_at) > Date.now());
    assert.deepEqual(f.statuses, []);
    assert.equal((await json(app, "/api/v2/filters", { token: t })).length, 1);
    assert.deepEqual(await json(app, "/api/v2/filters", { token: bob.token }), []);
    await json(app, `/api/v2/filters/${f.id}`, { token: bob.token }, 404);

    // form-encoded nested attributes, as Rails apps send them
    const form = await app.request(`/api/v2/filters/${f.id}`, {
      method: "PUT",
      token: t,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        title: "Plot",
        filter_action: "hide",
        expires_in: "",
        "keywords_attributes[0][id]": f.keywords[0].id,
        "keywords_attributes[0][_destroy]": "true",
        "keywords_attributes[1][id]": f.keywords[1].id,
        "keywords_attributes[1][keyword]": "endgame",
        "keywords_attributes[2][keyword]": "twist",
      }).toString(),
    });
    assert.equal(form.status, 200, await form.clone().text());
    const u = await form.json();
    assert.equal(u.title, "Plot");
    assert.equal(u.filter_action, "hide");
    assert.equal(u.expires_at, null);
    assert.deepEqual(u.keywords.map((k: { keyword: string }) => k.keyword), ["endgame", "twist"]);

    // a keyword id from someone else's filter fails the whole change
    const bobs = await json(app, "/api/v2/filters", { method: "POST", token: bob.token, json: { title: "B", context: ["home"], keywords_attributes: [{ keyword: "x" }] } });
    await json(app, `/api/v2/filters/${f.id}`, { method: "PUT", token: t, json: { title: "Changed", keywords_attributes: [{ id: bobs.keywords[0].id, _destroy: true }] } }, 404);
    assert.equal((await json(app, `/api/v2/filters/${f.id}`, { token: t })).title, "Plot");
    assert.equal((await json(app, "/api/v2/filters", { token: bob.token }))[0].keywords.length, 1);

    await json(app, "/api/v2/filters", { method: "POST", token: t, json: { title: "x", context: [] } }, 422);
    await json(app, "/api/v2/filters", { method: "POST", token: t, json: { title: "x", context: ["everywhere"] } }, 422);
    await json(app, "/api/v2/filters", { method: "POST", token: t, json: { context: ["home"] } }, 422);
    await json(app, "/api/v2/filters", { method: "POST", token: t, json: { title: "x", context: ["home"], filter_action: "explode" } }, 422);
    await json(app, "/api/v2/filters", { method: "POST", token: t, json: { title: "x", context: ["home"], expires_in: -5 } }, 422);
    assert.equal((await json(app, "/api/v2/filters", { token: t })).length, 1);

    await json(app, `/api/v2/filters/${f.id}`, { method: "DELETE", token: bob.token }, 404);
    await json(app, `/api/v2/filters/${f.id}`, { method: "DELETE", token: t });
    await json(app, `/api/v2/filters/${f.id}`, { token: t }, 404);
    await json(app, "/api/v2/filters", { token: undefined }, 401);
    const readOnly = await app.user("carol", { scopes: "read" });
    await json(app, "/api/v2/filters", { method: "POST", token: readOnly.token, json: { title: "x", context: ["home"] } }, 403);
  } finally {
    await app.close();
  }
});

test("filter keywords and filter statuses endpoints", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    const t = alice.token;
    const f = await json(app, "/api/v2/filters", { method: "POST", token: t, json: { title: "F", context: ["home"] } });
    const k = await json(app, `/api/v2/filters/${f.id}/keywords`, { method: "POST", token: t, json: { keyword: "soup", whole_word: false } });
    assert.deepEqual({ ...k, id: undefined }, { id: undefined, keyword: "soup", whole_word: false });
    assert.equal((await json(app, `/api/v2/filters/${f.id}/keywords`, { token: t })).length, 1);
    assert.equal((await json(app, `/api/v2/filters/keywords/${k.id}`, { token: t })).keyword, "soup");
    assert.equal((await json(app, `/api/v2/filters/keywords/${k.id}`, { method: "PUT", token: t, json: { keyword: "stew" } })).keyword, "stew");
    await json(app, `/api/v2/filters/keywords/${k.id}`, { token: bob.token }, 404);
    await json(app, `/api/v2/filters/keywords/${k.id}`, { method: "PUT", token: bob.token, json: { keyword: "x" } }, 404);
    await json(app, `/api/v2/filters/keywords/${k.id}`, { method: "DELETE", token: bob.token }, 404);
    await json(app, `/api/v2/filters/${f.id}/keywords`, { method: "POST", token: t, json: { keyword: "" } }, 422);
    await json(app, `/api/v2/filters/${f.id}/keywords`, { method: "POST", token: bob.token, json: { keyword: "x" } }, 404);
    await json(app, `/api/v2/filters/keywords/${k.id}`, { method: "DELETE", token: t });
    await json(app, `/api/v2/filters/keywords/${k.id}`, { token: t }, 404);

    const visible = await makeStatus(app, bob.id, { audience: "public" });
    const hidden = await makeStatus(app, bob.id, { audience: "followers" });
    const fs = await json(app, `/api/v2/filters/${f.id}/statuses`, { method: "POST", token: t, json: { status_id: visible.id } });
    assert.equal(fs.status_id, visible.id);
    await json(app, `/api/v2/filters/${f.id}/statuses`, { method: "POST", token: t, json: { status_id: visible.id } }, 422);
    // a status alice may not see cannot be filtered: 404, as if it did not exist
    await json(app, `/api/v2/filters/${f.id}/statuses`, { method: "POST", token: t, json: { status_id: hidden.id } }, 404);
    await json(app, `/api/v2/filters/${f.id}/statuses`, { method: "POST", token: t, json: { status_id: "nope" } }, 422);
    assert.equal((await json(app, `/api/v2/filters/${f.id}/statuses`, { token: t })).length, 1);
    assert.equal((await json(app, `/api/v2/filters/statuses/${fs.id}`, { token: t })).status_id, visible.id);
    await json(app, `/api/v2/filters/statuses/${fs.id}`, { token: bob.token }, 404);
    await json(app, `/api/v2/filters/statuses/${fs.id}`, { method: "DELETE", token: bob.token }, 404);
    assert.equal((await json(app, `/api/v2/filters/statuses/${fs.id}`, { method: "DELETE", token: t })).id, fs.id);
    await json(app, `/api/v2/filters/statuses/${fs.id}`, { token: t }, 404);
  } finally {
    await app.close();
  }
});

test("filters apply in their contexts: warn fills filtered, hide leaves the status out", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    await follow(app, alice.id, bob.id);
    const t = alice.token;
    const spoiler = await makeStatus(app, bob.id, { text: "The Finale was great" });
    const word = await makeStatus(app, bob.id, { text: "finales are fine" });
    const gross = await makeStatus(app, bob.id, { text: "I ate a bug" });
    const plain = await makeStatus(app, bob.id, { text: "nothing to see" });
    const boost = await makeStatus(app, bob.id, { reblogOfId: gross.id });
    await json(app, "/api/v2/filters", { method: "POST", token: t, json: { title: "Spoilers", context: ["home"], keywords_attributes: [{ keyword: "finale" }] } });
    const hideF = await json(app, "/api/v2/filters", { method: "POST", token: t, json: { title: "Bugs", context: ["home", "notifications"], filter_action: "hide", keywords_attributes: [{ keyword: "bug" }] } });
    const home = await json(app, "/api/v1/timelines/home", { token: t });
    assert.deepEqual(home.map((s: { id: string }) => s.id), [plain.id, word.id, spoiler.id]);
    const byId = new Map(home.map((s: { id: string }) => [s.id, s]));
    const f = (byId.get(spoiler.id) as { filtered: { filter: { title: string }; keyword_matches: string[] }[] }).filtered;
    assert.equal(f.length, 1);
    assert.equal(f[0].filter.title, "Spoilers");
    assert.deepEqual(f[0].keyword_matches, ["finale"]);
    assert.deepEqual((byId.get(word.id) as { filtered: unknown[] }).filtered, [], "whole word: 'finales' does not match");
    void boost;

    // not in the public context: the public timeline shows everything unfiltered
    const pub = await json(app, "/api/v1/timelines/public", { token: t });
    assert.equal(pub.length, 4);
    assert.ok(pub.every((s: { filtered: unknown[] }) => s.filtered.length === 0));

    // notifications context: a hidden status takes its notification with it
    const n1 = await notification(app, alice.id, bob.id, "mention", gross.id);
    const n2 = await notification(app, alice.id, bob.id, "mention", plain.id);
    assert.deepEqual((await json(app, "/api/v1/notifications", { token: t })).map((n: { id: string }) => n.id), [n2]);
    void n1;

    // a status filter matches by id; an expired filter no longer applies
    await json(app, `/api/v2/filters/${hideF.id}/statuses`, { method: "POST", token: t, json: { status_id: plain.id } });
    assert.deepEqual((await json(app, "/api/v1/timelines/home", { token: t })).map((s: { id: string }) => s.id), [word.id, spoiler.id]);
    await app.ctx.db.update(filters).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(filters.id, hideF.id));
    assert.equal((await json(app, "/api/v1/timelines/home", { token: t })).length, 5);
  } finally {
    await app.close();
  }
});
