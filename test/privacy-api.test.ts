// Caracol's privacy API (GET/PATCH /api/v1/caracol/privacy) and "view as": what view_as shows
// for each kind of viewer must be exactly what that viewer gets from the real endpoints.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { createTestApp, type TestApp } from "./helpers/app.ts";
import { accounts, circleMembers, circles, users } from "../src/db/schema/index.ts";
import { PROFILE_PARTS } from "../src/domain/audience/profile.ts";
import { setSetting } from "../src/domain/instance/settings.ts";
import { newId } from "../src/lib/id.ts";

type User = { id: string; token: string };
let app: TestApp;

const getPrivacy = async (u: User) => {
  const res = await app.request("/api/v1/caracol/privacy", { token: u.token });
  assert.equal(res.status, 200);
  return res.json();
};
const patchPrivacy = (u: User, json: unknown) => app.request("/api/v1/caracol/privacy", { method: "PATCH", token: u.token, json });
const snapshot = async (u: User) => {
  const [row] = await app.ctx.db.select().from(users).innerJoin(accounts, eq(accounts.id, users.accountId)).where(eq(users.accountId, u.id));
  return { privacy: row.users.privacy, visibility: row.users.defaultVisibility, locked: row.accounts.locked, d: row.accounts.discoverable, i: row.accounts.indexable };
};

before(async () => {
  app = await createTestApp();
});
after(async () => {
  await app.close();
});

describe("GET/PATCH /api/v1/caracol/privacy", () => {
  test("defaults are the protective ones; scopes are enforced", async () => {
    const u = await app.user("dora");
    const p = await getPrivacy(u);
    assert.equal(p.profile_audiences.followers, "self");
    assert.equal(p.profile_audiences.fields, "authenticated");
    assert.deepEqual([p.logged_out_access, p.effective_logged_out_access, p.default_audience, p.default_circle_id], ["all", "all", "followers", null]);
    assert.deepEqual([p.locked, p.discoverable, p.indexable, p.feeds], [true, false, false, "off"]);
    assert.equal((await app.request("/api/v1/caracol/privacy")).status, 401);
    const reader = await app.user("reader", { scopes: "read" });
    assert.equal((await app.request("/api/v1/caracol/privacy", { token: reader.token })).status, 200);
    assert.equal((await patchPrivacy(reader, { feeds: "on" })).status, 403);
  });

  test("every setting round-trips", async () => {
    const u = await app.user("rita");
    const circleId = newId();
    await app.ctx.db.insert(circles).values({ id: circleId, name: "rita-circle" });
    const audiences = Object.fromEntries(PROFILE_PARTS.map((part, i) => [part, (["self", "followers", "local", "authenticated", "public"] as const)[i % 5]]));
    const wanted = {
      profile_audiences: audiences,
      logged_out_access: "profiles",
      default_audience: "circle",
      default_circle_id: circleId,
      locked: false,
      discoverable: true,
      indexable: true,
      feeds: "on",
    };
    const res = await patchPrivacy(u, wanted);
    assert.equal(res.status, 200);
    const expected = { ...wanted, effective_logged_out_access: "profiles" };
    assert.deepEqual(await res.json(), expected);
    assert.deepEqual(await getPrivacy(u), expected);
    // The switches that Mastodon also has show up there too.
    const cred = await (await app.request("/api/v1/accounts/verify_credentials", { token: u.token })).json();
    assert.deepEqual([cred.locked, cred.discoverable, cred.indexable, cred.source.privacy], [false, true, true, "private"]);
    // And back again, one key at a time leaves the others alone.
    const back = await (await patchPrivacy(u, { locked: true, feeds: "off", default_audience: "local" })).json();
    assert.deepEqual([back.locked, back.feeds, back.default_audience, back.default_circle_id, back.discoverable], [true, "off", "local", null, true]);
  });

  test("private_profile brings every part down to followers, never widening one", async () => {
    const u = await app.user("priv");
    const before = (await getPrivacy(u)).profile_audiences;
    const p = await (await patchPrivacy(u, { private_profile: true })).json();
    for (const part of PROFILE_PARTS) {
      const expected = before[part] === "self" ? "self" : "followers";
      assert.equal(p.profile_audiences[part], expected, part);
    }
    // Explicit per-part choices in the same request win.
    const q = await (await patchPrivacy(u, { private_profile: true, profile_audiences: { displayName: "public" } })).json();
    assert.equal(q.profile_audiences.displayName, "public");
    assert.equal(q.profile_audiences.bio, "followers");
  });

  test("logged_out_access can only narrow the instance setting", async () => {
    const u = await app.user("lola");
    await setSetting(app.ctx, "loggedOutAccess", "profiles");
    try {
      const p = await (await patchPrivacy(u, { logged_out_access: "all" })).json();
      assert.deepEqual([p.logged_out_access, p.effective_logged_out_access], ["all", "profiles"]);
      const q = await (await patchPrivacy(u, { logged_out_access: "none" })).json();
      assert.deepEqual([q.logged_out_access, q.effective_logged_out_access], ["none", "none"]);
    } finally {
      await setSetting(app.ctx, "loggedOutAccess", "all");
    }
  });

  test("default_audience is used by POST /api/v1/statuses without a visibility", async () => {
    const u = await app.user("poster");
    const post = async (json: unknown) => (await app.request("/api/v1/statuses", { method: "POST", token: u.token, json })).json();
    assert.equal((await post({ status: "a" })).caracol.audience, "followers", "the protective default");
    await patchPrivacy(u, { default_audience: "authenticated" });
    const s = await post({ status: "b" });
    assert.deepEqual([s.caracol.audience, s.visibility], ["authenticated", "unlisted"]);
    assert.equal((await post({ status: "c", visibility: "public" })).caracol.audience, "public", "an explicit visibility wins");
    await patchPrivacy(u, { default_audience: "local" });
    const l = await post({ status: "d" });
    assert.deepEqual([l.caracol.audience, l.local_only], ["local", true]);
    // A Mastodon app changing its default afterwards is the latest choice, and wins.
    await app.request("/api/v1/accounts/update_credentials", { method: "PATCH", token: u.token, json: { source: { privacy: "public" } } });
    assert.equal((await post({ status: "e" })).caracol.audience, "public");
    assert.equal((await getPrivacy(u)).default_audience, "public");
  });

  test("bad values are 422 and change nothing", async () => {
    const u = await app.user("badvals");
    const before = await snapshot(u);
    for (const body of [
      { locked: false, feeds: "maybe" },
      { locked: false, logged_out_access: "everything" },
      { locked: false, default_audience: "friends" },
      { locked: false, default_audience: "circle" },
      { locked: false, default_audience: "circle", default_circle_id: "123" },
      { locked: false, default_circle_id: "123" },
      { locked: false, profile_audiences: { bio: "everyone" } },
      { locked: false, profile_audiences: { shoeSize: "public" } },
      { locked: "sometimes" },
      { locked: false, hide_everything: true },
    ]) {
      const res = await patchPrivacy(u, body);
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.deepEqual(await snapshot(u), before, JSON.stringify(body));
    }
  });
});

describe("GET /api/v1/caracol/view_as", () => {
  let owner: User;
  let stranger: User;
  let fan: User;
  let circleId: string;
  const viewAs = async (kind: string, extra = "") => {
    const res = await app.request(`/api/v1/caracol/view_as?as=${kind}${extra}`, { token: owner.token });
    assert.equal(res.status, 200, kind);
    return res.json();
  };
  const real = async (token?: string) => {
    const a = await app.request(`/api/v1/accounts/${owner.id}`, { token });
    const s = await app.request(`/api/v1/accounts/${owner.id}/statuses`, { token });
    return { account: a.status === 200 ? await a.json() : null, statuses: s.status === 200 ? await s.json() : [] };
  };
  const audiences = (statuses: { caracol: { audience: string } }[]) => statuses.map((s) => s.caracol.audience).sort();

  before(async () => {
    owner = await app.user("owner");
    stranger = await app.user("stranger");
    fan = await app.user("fan");
    await app.user("pal");
    circleId = newId();
    await app.ctx.db.insert(circles).values({ id: circleId, name: "owner-circle" });
    await app.ctx.db.insert(circleMembers).values({ circleId, domain: "friends.example" });
    // Profile parts in several audiences, so the account entity differs between viewers too.
    await patchPrivacy(owner, {
      profile_audiences: { bio: "authenticated", fields: "followers", followersCount: "local", statusesCount: "public", joinDate: "followers" },
    });
    await app.request("/api/v1/accounts/update_credentials", { method: "PATCH", token: owner.token, json: { note: "my bio", fields_attributes: [{ name: "pronouns", value: "they" }] } });
    const post = (json: Record<string, unknown>) => app.request("/api/v1/statuses", { method: "POST", token: owner.token, json: { status: JSON.stringify(json), ...json } });
    for (const audience of ["public", "unlisted", "authenticated", "local", "followers"]) await post({ caracol_audience: audience });
    await post({ caracol_audience: "circle", caracol_circle_id: circleId });
    await app.request("/api/v1/statuses", { method: "POST", token: owner.token, json: { status: "just for @pal", visibility: "direct" } });
  });

  test("anonymous: equals what a logged-out client gets", async () => {
    const v = await viewAs("anonymous");
    assert.equal(v.viewer, "anonymous");
    assert.deepEqual({ account: v.account, statuses: v.statuses }, await real());
    assert.deepEqual(audiences(v.statuses), ["public"]);
    assert.equal(v.account.note, "", "the bio is for signed-in viewers");
  });

  test("local: equals what a signed-in stranger here gets", async () => {
    const v = await viewAs("local");
    assert.deepEqual({ account: v.account, statuses: v.statuses }, await real(stranger.token));
    assert.deepEqual(audiences(v.statuses), ["authenticated", "circle", "local", "public", "unlisted"]);
    assert.equal(v.account.fields.length, 0);
  });

  test("follower: before anyone follows, a stand-in follower's view equals a real follower's", async () => {
    const standIn = await viewAs("follower");
    const countBefore = await app.ctx.db.select().from(accounts);
    // Follow through the API; the owner is locked (the default), so authorize the request.
    assert.equal((await app.request(`/api/v1/accounts/${owner.id}/follow`, { method: "POST", token: fan.token })).status, 200);
    assert.equal((await app.request(`/api/v1/follow_requests/${fan.id}/authorize`, { method: "POST", token: owner.token })).status, 200);
    const afterFollow = await real(fan.token);
    // The stand-in's follow was never kept: no stray account, and the counts moved by the real follow only.
    assert.equal((await app.ctx.db.select().from(accounts)).length, countBefore.length);
    assert.deepEqual(standIn.statuses.map((s: { id: string }) => s.id), afterFollow.statuses.map((s: { id: string }) => s.id));
    assert.deepEqual(audiences(standIn.statuses), ["authenticated", "circle", "followers", "local", "public", "unlisted"]);
    const { followers_count: _a, ...standInAccount } = standIn.account;
    const { followers_count: _b, ...realAccount } = afterFollow.account;
    assert.deepEqual(standInAccount, realAccount);
    assert.equal(realAccount.fields.length, 1);
  });

  test("follower: with a real follower, equals exactly what they get", async () => {
    const v = await viewAs("follower");
    assert.deepEqual({ account: v.account, statuses: v.statuses }, await real(fan.token));
  });

  test("remote, circle and blocked servers", async () => {
    const remote = await viewAs("remote");
    assert.deepEqual(audiences(remote.statuses), ["authenticated", "public", "unlisted"]);
    const circle = await viewAs("circle", `&circle_id=${circleId}`);
    assert.deepEqual(audiences(circle.statuses), ["authenticated", "circle", "public", "unlisted"]);
    assert.deepEqual(audiences((await viewAs("circle")).statuses), audiences(circle.statuses), "the first circle by default");
    const blocked = await viewAs("blocked");
    assert.deepEqual([blocked.account, blocked.statuses], [null, []]);
    assert.equal((await app.request(`/api/v1/caracol/view_as?as=circle&circle_id=1`, { token: owner.token })).status, 422);
    assert.equal((await app.request(`/api/v1/caracol/view_as?as=robot`, { token: owner.token })).status, 422);
    assert.equal((await app.request(`/api/v1/caracol/view_as?as=local`)).status, 401);
  });
});
