import { test } from "node:test";
import assert from "node:assert/strict";
import { createTestApp } from "./helpers/app.ts";

test("instance endpoints answer and match the spec; anonymous visitors get no user counts", async () => {
  const app = await createTestApp();
  try {
    const v2 = await app.request("/api/v2/instance");
    assert.equal(v2.status, 200);
    const body = await v2.json();
    assert.equal(body.domain, "caracol.test");
    assert.equal(body.registrations.approval_required, true);
    const alice = await app.user("alice");
    const anon = await (await app.request("/api/v1/instance")).json();
    assert.equal(anon.stats.user_count, 0);
    const signed = await (await app.request("/api/v1/instance", { token: alice.token })).json();
    assert.equal(signed.stats.user_count, 1);
    assert.equal((await app.request("/api/v1/custom_emojis")).status, 200);
    const bad = await app.request("/api/v1/instance", { token: "nope" });
    assert.equal(bad.status, 401);
    assert.deepEqual(await bad.json(), { error: "The access token is invalid" });
  } finally {
    await app.close();
  }
});
