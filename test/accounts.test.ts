import { test } from "node:test";
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { createTestApp, type TestApp } from "./helpers/app.ts";
import { accounts, users, statuses, pins, tags, statusTags } from "../src/db/schema/index.ts";
import { newId } from "../src/lib/id.ts";
import { setSetting } from "../src/domain/instance/settings.ts";

const json = (r: Response) => r.json();

async function post(app: TestApp, accountId: string, audience: "public" | "followers" | "unlisted", extra: Partial<typeof statuses.$inferInsert> = {}) {
  const id = newId();
  await app.ctx.db.insert(statuses).values({ id, uri: `http://caracol.test/s/${id}`, accountId, audience, content: `<p>${audience}</p>`, ...extra });
  return id;
}

test("verify_credentials and preferences answer the owner with the right scopes only", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const res = await app.request("/api/v1/accounts/verify_credentials", { token: alice.token });
    assert.equal(res.status, 200);
    const me = await res.json();
    assert.equal(me.id, alice.id);
    assert.equal(me.locked, true, "new accounts approve their followers");
    assert.equal(me.source.privacy, "private");
    assert.equal(me.source.follow_requests_count, 0);
    assert.equal(me.source.hide_collections, true);
    assert.equal(me.source.caracol_profile_audiences.followers, "self");

    const profileOnly = await app.user("pat", { scopes: "profile" });
    assert.equal((await app.request("/api/v1/accounts/verify_credentials", { token: profileOnly.token })).status, 200);
    const writeOnly = await app.user("wes", { scopes: "write" });
    assert.equal((await app.request("/api/v1/accounts/verify_credentials", { token: writeOnly.token })).status, 403);
    assert.equal((await app.request("/api/v1/accounts/verify_credentials")).status, 401);

    const prefs = await json(await app.request("/api/v1/preferences", { token: alice.token }));
    assert.deepEqual(prefs, {
      "posting:default:visibility": "private",
      "posting:default:sensitive": false,
      "posting:default:language": null,
      "reading:expand:media": "default",
      "reading:expand:spoilers": false,
    });
    assert.equal((await app.request("/api/v1/preferences")).status, 401);
  } finally {
    await app.close();
  }
});

test("update_credentials with JSON changes profile, defaults and Caracol's audiences", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const res = await app.request("/api/v1/accounts/update_credentials", {
      method: "PATCH",
      token: alice.token,
      json: {
        display_name: "Alice A.",
        note: "Hello <b>world</b>\nsee https://example.org/x",
        locked: false,
        bot: true,
        discoverable: true,
        fields_attributes: [
          { name: "Pronouns", value: "she/her" },
          { name: "", value: "" },
          { name: "Site", value: "https://alice.example <script>" },
        ],
        source: { privacy: "unlisted", sensitive: true, language: "fr" },
        caracol_profile_audiences: { followers: "public", fields: "public" },
        caracol_logged_out_access: "profiles",
      },
    });
    assert.equal(res.status, 200);
    const me = await res.json();
    assert.equal(me.display_name, "Alice A.");
    assert.match(me.note, /^<p>Hello &lt;b&gt;world&lt;\/b&gt;<br>see <a href="https:\/\/example.org\/x"/);
    assert.equal(me.source.note, "Hello <b>world</b>\nsee https://example.org/x");
    assert.equal(me.locked, false);
    assert.equal(me.bot, true);
    assert.equal(me.discoverable, true);
    assert.equal(me.fields.length, 2, "blank rows are dropped");
    assert.equal(me.fields[0].name, "Pronouns");
    assert.ok(!me.fields[1].value.includes("<script>"), "field values are escaped");
    assert.match(me.fields[1].value, /<a href="https:\/\/alice.example"/);
    assert.equal(me.source.fields[1].value, "https://alice.example <script>");
    assert.equal(me.source.privacy, "unlisted");
    assert.equal(me.source.sensitive, true);
    assert.equal(me.source.language, "fr");
    assert.equal(me.source.caracol_profile_audiences.followers, "public");
    assert.equal(me.source.caracol_profile_audiences.following, "self");
    assert.equal(me.source.caracol_logged_out_access, "profiles");
    const [u] = await app.ctx.db.select().from(users).where(eq(users.accountId, alice.id));
    assert.equal(u.privacy["profile.followers"], "public");
    assert.equal(u.privacy.loggedOutAccess, "profiles");
    const prefs = await json(await app.request("/api/v1/preferences", { token: alice.token }));
    assert.equal(prefs["posting:default:visibility"], "unlisted");
    assert.equal(prefs["posting:default:language"], "fr");
  } finally {
    await app.close();
  }
});

test("update_credentials with form-style fields_attributes", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const body = new URLSearchParams();
    body.set("display_name", "Form Alice");
    body.set("fields_attributes[0][name]", "Pronouns");
    body.set("fields_attributes[0][value]", "they/them");
    body.set("fields_attributes[1][name]", "Languages");
    body.set("fields_attributes[1][value]", "es, en");
    body.set("source[privacy]", "public");
    body.set("caracol_profile_audiences[posts]", "authenticated");
    const res = await app.request("/api/v1/accounts/update_credentials", { method: "PATCH", token: alice.token, body });
    assert.equal(res.status, 200);
    const me = await res.json();
    assert.equal(me.display_name, "Form Alice");
    assert.deepEqual(
      me.fields.map((f: { name: string; value: string }) => [f.name, f.value]),
      [["Pronouns", "they/them"], ["Languages", "es, en"]],
    );
    assert.equal(me.source.privacy, "public");
    assert.equal(me.source.caracol_profile_audiences.posts, "authenticated");
  } finally {
    await app.close();
  }
});

test("update_credentials refuses bad input and changes nothing", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const patch = (json: unknown) => app.request("/api/v1/accounts/update_credentials", { method: "PATCH", token: alice.token, json });
    const before = await json(await app.request("/api/v1/accounts/verify_credentials", { token: alice.token }));
    const cases: [unknown, RegExp][] = [
      [{ display_name: "x".repeat(101), note: "changed" }, /display_name/],
      [{ note: "n".repeat(2001) }, /note/],
      [{ fields_attributes: Array.from({ length: 7 }, (_, i) => ({ name: `n${i}`, value: "v" })) }, /fields/],
      [{ fields_attributes: [{ name: "n".repeat(256), value: "v" }] }, /fields/],
      [{ source: { privacy: "everyone" } }, /source.privacy/],
      [{ caracol_profile_audiences: { followers: "everyone" } }, /caracol_profile_audiences/],
      [{ caracol_profile_audiences: { shoeSize: "public" } }, /caracol_profile_audiences/],
      [{ caracol_logged_out_access: "more" }, /caracol_logged_out_access/],
      [{ locked: "maybe" }, /locked/],
      [{ avatar: "data:image/png;base64,AAAA", display_name: "changed" }, /avatar must be a file upload/],
    ];
    for (const [body, msg] of cases) {
      const res = await patch(body);
      assert.equal(res.status, 422, JSON.stringify(body).slice(0, 80));
      assert.match((await res.json()).error, msg);
    }
    // 100 characters is fine, counted as characters, not UTF-16 units.
    assert.equal((await patch({ display_name: "🐌".repeat(100) })).status, 200);
    await patch({ display_name: before.display_name });
    const after = await json(await app.request("/api/v1/accounts/verify_credentials", { token: alice.token }));
    assert.deepEqual(after, before);
    const readOnly = await app.user("ro", { scopes: "read" });
    assert.equal((await app.request("/api/v1/accounts/update_credentials", { method: "PATCH", token: readOnly.token, json: { display_name: "x" } })).status, 403);
  } finally {
    await app.close();
  }
});

test("hide_collections only narrows the social graph", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const patch = (json: unknown) => app.request("/api/v1/accounts/update_credentials", { method: "PATCH", token: alice.token, json });
    let me = await json(await patch({ hide_collections: false }));
    assert.equal(me.source.caracol_profile_audiences.followers, "self");
    me = await json(await patch({ caracol_profile_audiences: { followers: "public", following: "public" } }));
    assert.equal(me.hide_collections, false);
    me = await json(await patch({ hide_collections: true }));
    assert.equal(me.source.caracol_profile_audiences.followers, "self");
    assert.equal(me.hide_collections, true);
  } finally {
    await app.close();
  }
});

test("GET accounts/:id, lookup and accounts?id[]: the gate decides, unknown is 404", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    await app.request("/api/v1/accounts/update_credentials", {
      method: "PATCH",
      token: alice.token,
      json: { note: "bio", fields_attributes: [{ name: "Pronouns", value: "she/her" }] },
    });
    const anon = await json(await app.request(`/api/v1/accounts/${alice.id}`));
    assert.equal(anon.username, "alice");
    assert.equal(anon.note, "<p>bio</p>");
    assert.deepEqual(anon.fields, [], "profile fields are for signed-in viewers by default");
    assert.equal(anon.followers_count, 0);
    const signed = await json(await app.request(`/api/v1/accounts/${alice.id}`, { token: bob.token }));
    assert.equal(signed.fields[0].name, "Pronouns");

    assert.equal((await app.request("/api/v1/accounts/99999")).status, 404);
    assert.equal((await app.request("/api/v1/accounts/nope")).status, 404);

    const byHandle = await json(await app.request("/api/v1/accounts/lookup?acct=alice"));
    assert.equal(byHandle.id, alice.id);
    assert.equal((await json(await app.request("/api/v1/accounts/lookup?acct=@ALICE@caracol.test"))).id, alice.id);
    assert.equal((await app.request("/api/v1/accounts/lookup?acct=alice@elsewhere.example")).status, 404);
    assert.equal((await app.request("/api/v1/accounts/lookup?acct=nobody")).status, 404);
    assert.equal((await app.request("/api/v1/accounts/lookup")).status, 404);

    const many = await json(await app.request(`/api/v1/accounts?id[]=${alice.id}&id[]=${bob.id}&id[]=12345`));
    assert.deepEqual(many.map((a: { id: string }) => a.id), [alice.id, bob.id]);
    assert.deepEqual(await json(await app.request("/api/v1/accounts?id[]=abc")), []);

    // A suspended account is gone for everyone else.
    await app.ctx.db.update(accounts).set({ suspendedAt: new Date() }).where(eq(accounts.id, bob.id));
    assert.equal((await app.request(`/api/v1/accounts/${bob.id}`, { token: alice.token })).status, 404);
    assert.equal((await app.request("/api/v1/accounts/lookup?acct=bob", { token: alice.token })).status, 404);
    // A sign-up waiting for approval does not exist yet.
    const carol = await app.user("carol");
    await app.ctx.db.update(users).set({ approved: false }).where(eq(users.accountId, carol.id));
    assert.equal((await app.request(`/api/v1/accounts/${carol.id}`, { token: alice.token })).status, 404);
  } finally {
    await app.close();
  }
});

test("the personal logged-out override hides the profile from anonymous visitors only", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    const res = await app.request("/api/v1/accounts/update_credentials", { method: "PATCH", token: alice.token, json: { caracol_logged_out_access: "none" } });
    assert.equal(res.status, 200);
    assert.equal((await app.request(`/api/v1/accounts/${alice.id}`)).status, 404);
    assert.equal((await app.request("/api/v1/accounts/lookup?acct=alice")).status, 404);
    assert.equal((await app.request(`/api/v1/accounts/${alice.id}/statuses`)).status, 404);
    assert.deepEqual(await json(await app.request(`/api/v1/accounts?id[]=${alice.id}`)), []);
    assert.equal((await app.request(`/api/v1/accounts/${alice.id}`, { token: bob.token })).status, 200);
    // The override cannot widen what the instance allows.
    await app.request("/api/v1/accounts/update_credentials", { method: "PATCH", token: alice.token, json: { caracol_logged_out_access: "all" } });
    await setSetting(app.ctx, "loggedOutAccess", "none");
    assert.equal((await app.request(`/api/v1/accounts/${alice.id}`)).status, 404);
  } finally {
    await app.close();
  }
});

test("accounts/:id/statuses: followers-only posts only for followers, filters and pagination", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    const stranger = await app.user("stranger");
    const pub1 = await post(app, alice.id, "public");
    const priv = await post(app, alice.id, "followers");
    const reply = await post(app, alice.id, "public", { inReplyToId: "1", inReplyToAccountId: bob.id });
    const selfReply = await post(app, alice.id, "public", { inReplyToId: pub1, inReplyToAccountId: alice.id });
    const unlisted = await post(app, alice.id, "unlisted");
    await app.ctx.db.insert(pins).values({ id: newId(), accountId: alice.id, statusId: pub1 });
    const ids = async (path: string, token?: string) => (await json(await app.request(path, { token }))).map((s: { id: string }) => s.id);
    const base = `/api/v1/accounts/${alice.id}/statuses`;

    assert.deepEqual(await ids(base), [selfReply, reply, pub1], "anonymous: public only");
    assert.deepEqual(await ids(base, stranger.token), [unlisted, selfReply, reply, pub1], "a non-follower sees no followers-only post");
    // bob asks, alice approves: now he sees the followers-only post.
    await app.request(`/api/v1/accounts/${alice.id}/follow`, { method: "POST", token: bob.token });
    await app.request(`/api/v1/follow_requests/${bob.id}/authorize`, { method: "POST", token: alice.token });
    assert.deepEqual(await ids(base, bob.token), [unlisted, selfReply, reply, priv, pub1]);
    assert.deepEqual(await ids(base, alice.token), [unlisted, selfReply, reply, priv, pub1]);

    assert.deepEqual(await ids(`${base}?exclude_replies=true`, stranger.token), [unlisted, selfReply, pub1]);
    assert.deepEqual(await ids(`${base}?pinned=true`, stranger.token), [pub1]);
    assert.deepEqual(await ids(`${base}?only_media=true`, stranger.token), []);
    const tagId = newId();
    await app.ctx.db.insert(tags).values({ id: tagId, name: "Garden" });
    await app.ctx.db.insert(statusTags).values([{ statusId: reply, tagId }, { statusId: priv, tagId }]);
    assert.deepEqual(await ids(`${base}?tagged=garden`, stranger.token), [reply]);
    assert.deepEqual(await ids(`${base}?tagged=%23Garden`, bob.token), [reply, priv]);
    const boost = await post(app, alice.id, "public", { reblogOfId: pub1 });
    assert.deepEqual((await ids(base, stranger.token))[0], boost);
    assert.ok(!(await ids(`${base}?exclude_reblogs=true`, stranger.token)).includes(boost));
    await app.ctx.db.delete(statuses).where(eq(statuses.id, boost));

    const first = await app.request(`${base}?limit=2`, { token: stranger.token });
    const page1 = (await first.json()).map((s: { id: string }) => s.id);
    assert.deepEqual(page1, [unlisted, selfReply]);
    const link = first.headers.get("link") ?? "";
    assert.match(link, new RegExp(`max_id=${selfReply}.*rel="next"`));
    assert.deepEqual(await ids(`${base}?limit=2&max_id=${selfReply}`, stranger.token), [reply, pub1]);
    assert.deepEqual(await ids(`${base}?min_id=${reply}`, stranger.token), [unlisted, selfReply]);
    assert.equal((await app.request(`${base}?limit=x`)).status, 422);

    // Posts limited to followers as a profile part: strangers get an empty list.
    await app.request("/api/v1/accounts/update_credentials", { method: "PATCH", token: alice.token, json: { caracol_profile_audiences: { posts: "followers" } } });
    assert.deepEqual(await ids(base, stranger.token), []);
    assert.deepEqual(await ids(base), []);
    assert.equal((await ids(base, bob.token)).length, 5);
  } finally {
    await app.close();
  }
});
