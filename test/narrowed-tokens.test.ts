// Narrowed tokens, obtained through the real consent form and through Caracol's narrowing
// scopes, get no direct message and no followers-only (circle, local) post of anyone else from
// any status-returning endpoint; the same person's full `read` token does, so the checks bite.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "./helpers/app.ts";
import { authorize, consentPage, exchange, registerApp, REDIRECT, type RegisteredApp } from "./oauth-helpers.ts";

async function api(app: TestApp, token: string, method: string, path: string, json?: unknown) {
  const res = await app.request(path, { method, token, json });
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
  return res.json();
}

/** Words of the posts only a full token may read, and of Alice's own posts, which stay. */
const HIDDEN = ["wordbobfollowers", "wordbobdirect", "wordboblocal", "wordalicedirect", "wordbobreply"];
const OWN = ["wordalicefollowers"];

async function tokenThroughConsent(app: TestApp, client: RegisteredApp, fields: Record<string, string>, scope = "read write") {
  const { browser, consent } = await consentPage(app, client, "alice", { scope });
  const decided = await browser.submit(consent.html, consent.url, "/oauth/authorize", fields, { name: "decision", value: "approve" });
  assert.equal(decided.status, 302, await decided.clone().text());
  const code = new URL(decided.headers.get("location")!).searchParams.get("code")!;
  const res = await exchange(app, client, code);
  assert.equal(res.status, 200, await res.clone().text());
  return { body: await res.json(), consentHtml: consent.html };
}

test("a narrowed token gets no direct message and no followers-only post of others through any endpoint", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    // Alice follows Bob (approved), so his followers-only posts reach her.
    await api(app, alice.token, "POST", `/api/v1/accounts/${bob.id}/follow`);
    await api(app, bob.token, "POST", `/api/v1/follow_requests/${alice.id}/authorize`);
    await api(app, bob.token, "POST", `/api/v1/accounts/${alice.id}/follow`);
    await api(app, alice.token, "POST", `/api/v1/follow_requests/${bob.id}/authorize`);

    const post = (token: string, status: string, audience: string, extra: Record<string, unknown> = {}) =>
      api(app, token, "POST", "/api/v1/statuses", { status, caracol_audience: audience, ...extra });
    const alicePublic = await post(alice.token, "wordalicepublic secret #garden", "public");
    const posts = {
      bobFollowers: await post(bob.token, "@alice wordbobfollowers secret #garden", "followers"),
      bobDirect: await post(bob.token, "@alice wordbobdirect secret #garden", "direct"),
      bobLocal: await post(bob.token, "wordboblocal secret #garden", "local"),
      bobPublic: await post(bob.token, "wordbobpublic secret #garden", "public"),
      aliceDirect: await post(alice.token, "@bob wordalicedirect secret #garden", "direct"),
      aliceFollowers: await post(alice.token, "wordalicefollowers secret #garden", "followers"),
      bobReply: await post(bob.token, "@alice wordbobreply secret", "followers", { in_reply_to_id: alicePublic.id }),
    };
    for (const s of [posts.bobFollowers, posts.bobDirect, posts.bobPublic]) {
      await api(app, alice.token, "POST", `/api/v1/statuses/${s.id}/bookmark`);
      await api(app, alice.token, "POST", `/api/v1/statuses/${s.id}/favourite`);
    }
    const list = await api(app, alice.token, "POST", "/api/v1/lists", { title: "friends" });
    await api(app, alice.token, "POST", `/api/v1/lists/${list.id}/accounts`, { account_ids: [bob.id] });
    const notes = await api(app, alice.token, "GET", "/api/v1/notifications");
    assert.ok(notes.length >= 3);

    const client = await registerApp(app, { scopes: "read write" });
    const full = await tokenThroughConsent(app, client, {}, "read");
    assert.equal(full.body.scope, "read", "an ordinary app asking for read gets read, unchanged");
    assert.equal(full.body.expires_in, undefined, "no lifetime chosen: the token lasts until revoked");
    // The consent page says what the scopes give and warns about handing tokens over.
    assert.match(full.consentHtml, /Read everything your account can see/);
    assert.match(full.consentHtml, /token donation/);
    assert.match(full.consentHtml, /Do not let this app read my direct messages/);
    assert.match(full.consentHtml, /Do not let this app read followers-only posts of people I follow/);

    const byForm = await tokenThroughConsent(app, client, { narrow_no_direct: "1", narrow_no_private: "1", expires_in_days: "7" });
    assert.ok(byForm.body.expires_in > 6.9 * 86400 && byForm.body.expires_in <= 7 * 86400, `chosen lifetime: ${byForm.body.expires_in}`);
    const byScope = await tokenThroughConsent(app, client, {}, "read caracol:no_direct caracol:no_private");
    assert.match(byScope.consentHtml, /the app itself asked for this limit/);
    assert.equal(byScope.body.scope, "read caracol:no_direct caracol:no_private");
    // Only the direct messages taken away: others' followers-only posts stay readable.
    const noDirectOnly = await tokenThroughConsent(app, client, { narrow_no_direct: "1" }, "read");

    const paths = [
      "/api/v1/timelines/home?limit=40",
      "/api/v1/timelines/public?limit=40",
      "/api/v1/timelines/public?local=true&limit=40",
      `/api/v1/timelines/list/${list.id}`,
      "/api/v1/timelines/tag/garden?limit=40",
      `/api/v1/accounts/${bob.id}/statuses`,
      `/api/v1/accounts/${alice.id}/statuses`,
      `/api/v1/statuses?${Object.values(posts).map((p) => `id[]=${p.id}`).join("&")}`,
      ...Object.values(posts).flatMap((p) => [`/api/v1/statuses/${p.id}`, `/api/v1/statuses/${p.id}/context`, `/api/v1/statuses/${p.id}/source`, `/api/v1/statuses/${p.id}/history`]),
      `/api/v1/statuses/${alicePublic.id}/context`,
      "/api/v1/notifications",
      ...notes.map((n: { id: string }) => `/api/v1/notifications/${n.id}`),
      "/api/v1/conversations",
      "/api/v1/bookmarks",
      "/api/v1/favourites",
      "/api/v2/search?q=secret&type=statuses",
      "/api/v2/search?q=wordbobfollowers",
      "/api/v2/search?q=garden",
    ];
    const seenByFull = new Set<string>();
    const seenOwn = new Set<string>();
    for (const path of paths) {
      const fullBody = await (await app.request(path, { token: full.body.access_token })).text();
      for (const w of HIDDEN) if (fullBody.includes(w)) seenByFull.add(`${w} ${path.split("?")[0]}`);
      for (const [name, token] of [["form", byForm.body.access_token], ["scope", byScope.body.access_token]]) {
        const res = await app.request(path, { token });
        const body = await res.text();
        for (const w of HIDDEN) assert.ok(!body.includes(w), `the ${name}-narrowed token got "${w}" from ${path} (${res.status})`);
        for (const w of OWN) if (body.includes(w)) seenOwn.add(name);
      }
      const partial = await (await app.request(path, { token: noDirectOnly.body.access_token })).text();
      for (const w of ["wordbobdirect", "wordalicedirect"]) assert.ok(!partial.includes(w), `no-direct token got "${w}" from ${path}`);
    }
    // The full token reads every hidden word, through timelines, notifications, bookmarks,
    // favourites, context and single statuses alike: so each check above could have failed.
    const reached = (word: string, path: string) => seenByFull.has(`${word} ${path}`);
    for (const w of HIDDEN) assert.ok([...seenByFull].some((s) => s.startsWith(`${w} `)), `the full token never saw ${w}`);
    assert.ok(reached("wordbobfollowers", "/api/v1/timelines/home"));
    assert.ok(reached("wordbobdirect", "/api/v1/notifications"));
    assert.ok(reached("wordbobfollowers", "/api/v1/bookmarks"));
    assert.ok(reached("wordbobdirect", "/api/v1/favourites"));
    assert.ok(reached("wordbobreply", `/api/v1/statuses/${alicePublic.id}/context`));
    assert.ok(reached("wordboblocal", `/api/v1/accounts/${bob.id}/statuses`));
    assert.ok(reached("wordbobfollowers", `/api/v1/timelines/list/${list.id}`));
    assert.deepEqual([...seenOwn].sort(), ["form", "scope"], "one's own followers-only posts stay readable");

    // Notifications about hidden posts are left out, not shown half-empty.
    const narrowedNotes = await api(app, byForm.body.access_token, "GET", "/api/v1/notifications");
    assert.ok(narrowedNotes.length < notes.length);
    const count = await api(app, byForm.body.access_token, "GET", "/api/v1/notifications/unread_count");
    const fullCount = await api(app, full.body.access_token, "GET", "/api/v1/notifications/unread_count");
    assert.ok(count.count < fullCount.count, `unread count ${count.count} vs ${fullCount.count}`);

    // A narrowed token cannot act on what it cannot see either.
    const fav = await app.request(`/api/v1/statuses/${posts.bobDirect.id}/favourite`, { method: "POST", token: byForm.body.access_token });
    assert.equal(fav.status, 404);
  } finally {
    await app.close();
  }
});

test("the narrowing survives a refresh, and the chosen lifetime caps the refreshed token", async () => {
  const app = await createTestApp({ CARACOL_ACCESS_TOKEN_TTL_DAYS: "30" });
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    const dm = await api(app, bob.token, "POST", "/api/v1/statuses", { status: "@alice wordbobdirect", caracol_audience: "direct" });
    const client = await registerApp(app, { scopes: "read write" });
    const { browser, consent } = await consentPage(app, client, "alice", { scope: "read" });
    // The instance's 30-day limit: longer choices are not offered.
    assert.match(consent.html, /As long as this server allows \(30 days\)/);
    assert.doesNotMatch(consent.html, /90 days/);
    const decided = await browser.submit(consent.html, consent.url, "/oauth/authorize", { narrow_no_direct: "1", expires_in_days: "1" }, { name: "decision", value: "approve" });
    const code = new URL(decided.headers.get("location")!).searchParams.get("code")!;
    const first = await (await exchange(app, client, code)).json();
    assert.ok(first.expires_in <= 86400);
    const refreshed = await app.request("/oauth/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: first.refresh_token, client_id: client.client_id, client_secret: client.client_secret }).toString(),
    });
    assert.equal(refreshed.status, 200);
    const second = await refreshed.json();
    assert.ok(second.expires_in <= 86400, "refreshing does not carry the token past the chosen day");
    assert.equal((await app.request(`/api/v1/statuses/${dm.id}`, { token: second.access_token })).status, 404);
    assert.equal((await app.request(`/api/v1/statuses/${dm.id}`, { token: alice.token })).status, 200);
    // A lifetime that was not offered is refused.
    const again = await consentPage(app, client, "alice", { scope: "read" });
    const bad = await again.browser.submit(again.consent.html, again.consent.url, "/oauth/authorize", { expires_in_days: "365" }, { name: "decision", value: "approve" });
    assert.equal(bad.status, 400);
  } finally {
    await app.close();
  }
});

test("narrowing scopes grant nothing and need not be registered; unknown scopes are still refused", async () => {
  const app = await createTestApp();
  try {
    await app.user("alice");
    const client = await registerApp(app, { scopes: "read" });
    const { code } = await authorize(app, client, "alice", { scope: "caracol:no_direct" });
    const token = await (await exchange(app, client, code)).json();
    assert.equal(token.scope, "caracol:no_direct");
    assert.equal((await app.request("/api/v1/timelines/home", { token: token.access_token })).status, 403, "a narrowing scope alone reads nothing");
    const bogus = await app.request("/api/v1/apps", { method: "POST", json: { client_name: "x", redirect_uris: REDIRECT, scopes: "read caracol:everything" } });
    assert.equal(bogus.status, 422);
  } finally {
    await app.close();
  }
});
