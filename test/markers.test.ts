import { test } from "node:test";
import assert from "node:assert/strict";
import { createTestApp } from "./helpers/app.ts";

test("markers: set, read back, version increments, only one's own", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    const t = alice.token;
    assert.deepEqual(await (await app.request("/api/v1/markers?timeline[]=home&timeline[]=notifications", { token: t })).json(), {});
    const set = await app.request("/api/v1/markers", { method: "POST", token: t, json: { home: { last_read_id: "111" } } });
    assert.equal(set.status, 200);
    const body = await set.json();
    assert.deepEqual(Object.keys(body), ["home"]);
    assert.equal(body.home.last_read_id, "111");
    assert.equal(body.home.version, 0);
    // form-encoded, as some apps send it
    const form = await app.request("/api/v1/markers", {
      method: "POST",
      token: t,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "home[last_read_id]=222&notifications[last_read_id]=5",
    });
    const both = await form.json();
    assert.equal(both.home.last_read_id, "222");
    assert.equal(both.home.version, 1);
    assert.equal(both.notifications.version, 0);
    const got = await (await app.request("/api/v1/markers?timeline[]=home&timeline[]=notifications", { token: t })).json();
    assert.deepEqual(Object.keys(got).sort(), ["home", "notifications"]);
    assert.equal(got.home.last_read_id, "222");
    const onlyHome = await (await app.request("/api/v1/markers?timeline=home", { token: t })).json();
    assert.deepEqual(Object.keys(onlyHome), ["home"]);
    assert.deepEqual(await (await app.request("/api/v1/markers?timeline[]=home", { token: bob.token })).json(), {});

    const bad = await app.request("/api/v1/markers", { method: "POST", token: t, json: { home: { last_read_id: "x" } } });
    assert.equal(bad.status, 422);
    assert.equal((await (await app.request("/api/v1/markers?timeline[]=home", { token: t })).json()).home.last_read_id, "222");
    assert.equal((await app.request("/api/v1/markers?timeline[]=home")).status, 401);
    const readOnly = await app.user("carol", { scopes: "read" });
    assert.equal((await app.request("/api/v1/markers", { method: "POST", token: readOnly.token, json: { home: { last_read_id: "1" } } })).status, 403);
  } finally {
    await app.close();
  }
});
