// "View as" against reality: for every case of the viewer matrix (posts in every audience, the
// profile under several audience configurations, every viewer kind), what
// GET /api/v1/caracol/view_as shows must equal what that viewer really receives: the Mastodon
// API with their token, the logged-out web page, and signed ActivityPub fetches made by a
// second Caracol server in each standing.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ProfileAudience, ProfilePart } from "../../src/domain/audience/profile.ts";
import { PROFILE_PARTS } from "../../src/domain/audience/profile.ts";
import { buildMatrixWorld, POST_AUDIENCES, postWord, PROFILE, STANDINGS, type MatrixWorld, type Standing } from "./matrix-world.ts";

/** Profile configurations: the defaults, everything open, everything for followers, a mix. */
const CONFIGS: Record<string, Partial<Record<ProfilePart, ProfileAudience>>> = {
  defaults: {},
  open: Object.fromEntries(PROFILE_PARTS.map((p) => [p, "public"])),
  followersOnly: Object.fromEntries(PROFILE_PARTS.map((p) => [p, "followers"])),
  mixed: {
    displayName: "local",
    avatar: "self",
    bio: "authenticated",
    fields: "followers",
    followers: "public",
    followersCount: "authenticated",
    following: "local",
    statusesCount: "local",
    joinDate: "public",
    posts: "authenticated",
  },
};

/** The view_as kind that stands for a remote server of each standing. */
const REMOTE_KIND: Record<Standing, string> = { good: "remote", circle: "circle", restricted: "restricted", suspended: "blocked" };

async function viewAs(w: MatrixWorld, kind: string) {
  const res = await w.get(`/api/v1/caracol/view_as?as=${kind}`, w.alice.token);
  assert.equal(res.status, 200, `view_as ${kind}: ${await res.clone().text()}`);
  return res.json();
}

/** What GET /api/v1/accounts/:id and /statuses really answer this token (null: 404, resp. 403). */
async function realApi(w: MatrixWorld, token?: string) {
  const a = await w.get(`/api/v1/accounts/${w.alice.id}`, token);
  const s = await w.get(`/api/v1/accounts/${w.alice.id}/statuses`, token);
  assert.ok([200, 404].includes(a.status), `account: ${a.status}`);
  assert.ok([200, 403, 404].includes(s.status), `statuses: ${s.status}`);
  return {
    account: a.status === 200 ? await a.json() : null,
    statuses: s.status === 200 ? await s.json() : s.status === 403 ? null : [],
  };
}

/** What signed fetches of the actor and of each post URL really return. */
async function realActivityPub(w: MatrixWorld) {
  const actorRes = await w.signedGet("/users/alice");
  assert.ok([200, 401].includes(actorRes.status), `actor: ${actorRes.status}`);
  const notes: Record<string, unknown>[] = [];
  for (const id of Object.values(w.posts)) {
    const res = await w.signedGet(`/users/alice/statuses/${id}`);
    assert.ok([200, 401, 404].includes(res.status), `note ${id}: ${res.status}`);
    if (res.status === 200) notes.push(await res.json());
  }
  return { actor: actorRes.status === 200 ? await actorRes.json() : null, notes };
}

const byId = (list: Record<string, unknown>[]) => [...list].sort((x, y) => String(x.id).localeCompare(String(y.id)));

test("view_as equals what every kind of viewer really receives", { timeout: 170_000 }, async () => {
  const w = await buildMatrixWorld({ local: "127.0.0.1", remote: "127.0.0.7" });
  let cases = 0;
  try {
    const tokens: Record<string, string | undefined> = {
      anonymous: undefined,
      local: w.stranger.token,
      follower: w.follower.token,
      mentioned: w.mentioned.token,
      read_accounts: w.narrowToken,
    };
    for (const [name, config] of Object.entries(CONFIGS)) {
      await w.setProfileAudiences(config);
      for (const [kind, token] of Object.entries(tokens)) {
        const v = await viewAs(w, kind);
        const real = await realApi(w, token);
        assert.deepEqual({ account: v.account, statuses: v.statuses }, real, `${name}: view_as ${kind}`);
        assert.equal(v.activitypub, undefined, "no ActivityPub part for local viewers");
        cases++;
      }
      // The logged-out web page shows the same posts and profile parts as the anonymous view.
      const v = await viewAs(w, "anonymous");
      const page = await (await w.get("/@alice")).text();
      const shownWords = JSON.stringify(v);
      for (const word of [...POST_AUDIENCES.map(postWord), PROFILE.displayName, PROFILE.bio, PROFILE.field]) {
        assert.equal(page.includes(word), shownWords.includes(word), `${name}: "${word}" on the logged-out page and in view_as anonymous`);
        cases++;
      }
      const fetched: Record<string, number> = {};
      for (const standing of STANDINGS) {
        await w.setStanding(standing);
        const remote = await viewAs(w, REMOTE_KIND[standing]);
        const real = await realActivityPub(w);
        fetched[standing] = real.notes.length;
        assert.deepEqual(remote.activitypub.actor, real.actor, `${name}: actor document for a ${standing} server`);
        assert.deepEqual(byId(remote.activitypub.notes), byId(real.notes), `${name}: notes for a ${standing} server`);
        cases += 1 + POST_AUDIENCES.length;
      }
      await w.setStanding("good");
      // Each standing really gets something different, so the comparisons above mean something.
      assert.deepEqual(fetched, { good: 3, circle: 4, restricted: 1, suspended: 0 }, name);
    }
    // The matrix must have had something to compare: each side shows different things.
    await w.setProfileAudiences({});
    const anon = await viewAs(w, "anonymous");
    const fol = await viewAs(w, "follower");
    assert.deepEqual(anon.statuses.map((s: { content: string }) => s.content.match(/mxpost(\w+)/)![1]).sort(), ["public"]);
    assert.equal(fol.statuses.length, 6, "a follower sees all but the direct post (not mentioned)");
    assert.equal((await viewAs(w, "mentioned")).statuses.length, 7);
    console.log(`view_as matrix: ${Object.keys(CONFIGS).length} profile configurations, ${Object.keys(tokens).length + STANDINGS.length} viewer kinds, ${cases} cases checked`);
  } finally {
    await w.close();
  }
});
