// Bookmarks, favourites and the empty start-up endpoints (src/mastodon/routes/misc.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "./helpers/app.ts";
import { block, bookmark, favourite, makeStatus } from "./helpers/fixtures.ts";

async function ids(app: TestApp, path: string, token: string): Promise<string[]> {
  const res = await app.request(path, { token });
  assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
  return (await res.json()).map((s: { id: string }) => s.id);
}

for (const [kind, mark] of [
  ["bookmarks", bookmark],
  ["favourites", favourite],
] as const) {
  test(`${kind}: in the order they were made, paginated, through the gate`, async () => {
    const app = await createTestApp();
    try {
      const alice = await app.user("alice");
      const bob = await app.user("bob");
      const s1 = await makeStatus(app, bob.id);
      const s2 = await makeStatus(app, bob.id);
      const s3 = await makeStatus(app, bob.id);
      const hidden = await makeStatus(app, bob.id, { audience: "followers" });
      // marked in another order than posted: the list follows the marks
      const m3 = await mark(app, alice.id, s3.id);
      await mark(app, alice.id, hidden.id);
      const m1 = await mark(app, alice.id, s1.id);
      await mark(app, alice.id, s2.id);
      await mark(app, bob.id, s1.id);
      const t = alice.token;
      assert.deepEqual(await ids(app, `/api/v1/${kind}`, t), [s2.id, s1.id, s3.id]);
      const res = await app.request(`/api/v1/${kind}?limit=2`, { token: t });
      assert.deepEqual((await res.json()).map((s: { id: string }) => s.id), [s2.id, s1.id]);
      const link = res.headers.get("link")!;
      assert.match(link, new RegExp(`max_id=${m1}.*rel="next"`));
      assert.deepEqual(await ids(app, `/api/v1/${kind}?max_id=${m1}`, t), [s3.id]);
      assert.deepEqual(await ids(app, `/api/v1/${kind}?min_id=${m3}&limit=1`, t), [s1.id]);
      const body = await (await app.request(`/api/v1/${kind}`, { token: t })).json();
      assert.equal(body[0][kind === "bookmarks" ? "bookmarked" : "favourited"], true);
      await block(app, bob.id, alice.id);
      assert.deepEqual(await ids(app, `/api/v1/${kind}`, t), []);
      assert.equal((await app.request(`/api/v1/${kind}`)).status, 401);
      const noScope = await app.user("carol", { scopes: "read:statuses" });
      assert.equal((await app.request(`/api/v1/${kind}`, { token: noScope.token })).status, 403);
    } finally {
      await app.close();
    }
  });
}

test("start-up endpoints answer empty lists behind their scopes", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const profileOnly = await app.user("bob", { scopes: "profile" });
    for (const path of [
      "/api/v1/announcements",
      "/api/v1/suggestions",
      "/api/v2/suggestions",
      "/api/v1/followed_tags",
      "/api/v1/featured_tags",
      "/api/v1/conversations",
      "/api/v1/endorsements",
      "/api/v1/scheduled_statuses",
    ]) {
      const res = await app.request(path, { token: alice.token });
      assert.equal(res.status, 200, path);
      assert.deepEqual(await res.json(), []);
      assert.equal((await app.request(path)).status, 401, path);
      assert.equal((await app.request(path, { token: profileOnly.token })).status, 403, path);
    }
    for (const path of ["/api/v1/trends/tags", "/api/v1/trends/statuses", "/api/v1/trends/links"]) {
      const res = await app.request(path);
      assert.equal(res.status, 200, path);
      assert.deepEqual(await res.json(), []);
    }
  } finally {
    await app.close();
  }
});
