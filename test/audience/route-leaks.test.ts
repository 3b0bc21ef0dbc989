// Every GET route of the app, asked by every kind of viewer, about a person who posted in
// every audience. No answer may contain what the gate keeps from that viewer. The routes come
// from the one route table, test/audience/routes.ts, which viewer-matrix.test.ts reads too: a
// new GET route gets its entry there (and only there), or both tests fail.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { issueToken } from "../../src/domain/oauth/tokens.ts";
import { setSetting } from "../../src/domain/instance/settings.ts";
import { ROUTES, STALE, UNLISTED, unlistedRoutes, type Targets } from "./routes.ts";

/** What each post says; the words are what we look for in every answer. */
const POSTS = {
  public: "wordpublic",
  unlisted: "wordunlisted",
  authenticated: "wordauthenticated",
  local: "wordlocal",
  followers: "wordfollowers",
  direct: "worddirect",
} as const;
type Audience = keyof typeof POSTS;
const FIELD = "wordfield";
const PRIVATE_WORDS = ["wordfiltertitle", "wordkeyword", "wordlisttitle"];

/** Who may see which of Alice's posts, as the audience table in DESIGN.md says. */
const VIEWERS: Record<string, { sees: Audience[]; field: boolean }> = {
  anonymous: { sees: ["public"], field: false },
  stranger: { sees: ["public", "unlisted", "authenticated", "local"], field: true },
  narrowToken: { sees: ["public", "unlisted", "authenticated", "local"], field: true },
  follower: { sees: ["public", "unlisted", "authenticated", "local", "followers"], field: true },
  mentioned: { sees: ["public", "unlisted", "authenticated", "local", "direct"], field: true },
  blocked: { sees: [], field: false },
};

async function api(app: TestApp, token: string, method: string, path: string, json?: unknown) {
  const res = await app.request(path, { method, token, json });
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
  return res.json();
}

test("no route shows any viewer what the audience gate keeps from them", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const follower = await app.user("bob");
    const stranger = await app.user("carol");
    const mentioned = await app.user("dave");
    const blocked = await app.user("eve");
    const narrow = await issueToken(app.ctx, { appId: null, accountId: stranger.id, scopes: ["read:accounts"] });

    await api(app, alice.token, "PATCH", "/api/v1/accounts/update_credentials", { fields_attributes: [{ name: "pronouns", value: FIELD }] });
    await api(app, follower.token, "POST", `/api/v1/accounts/${alice.id}/follow`);
    await api(app, alice.token, "POST", `/api/v1/follow_requests/${follower.id}/authorize`);
    await api(app, alice.token, "POST", `/api/v1/accounts/${blocked.id}/block`);
    const posts: Record<string, string> = {};
    for (const [audience, word] of Object.entries(POSTS)) {
      const text = `${audience === "direct" ? "@dave " : ""}${word} secret #garden`;
      const s = await api(app, alice.token, "POST", "/api/v1/statuses", { status: text, caracol_audience: audience });
      posts[audience] = s.id;
    }
    // A reply and a boost by others carry Alice's words too.
    await api(app, follower.token, "POST", "/api/v1/statuses", { status: "nice secret", in_reply_to_id: posts.followers, visibility: "private" });
    await api(app, alice.token, "POST", `/api/v1/statuses/${posts.followers}/reblog`);
    await api(app, follower.token, "POST", `/api/v1/statuses/${posts.unlisted}/reblog`);
    await api(app, follower.token, "POST", `/api/v1/statuses/${posts.followers}/favourite`);
    // Feeds on for the site and for Alice: they must still carry her public posts only.
    await setSetting(app.ctx, "feedsEnabled", true);
    await api(app, alice.token, "PATCH", "/api/v1/caracol/privacy", { feeds: "on" });
    const list = await api(app, alice.token, "POST", "/api/v1/lists", { title: "wordlisttitle" });
    const filter = await api(app, alice.token, "POST", "/api/v2/filters", { title: "wordfiltertitle", context: ["home"], keywords_attributes: [{ keyword: "wordkeyword" }] });
    const fstatus = await api(app, alice.token, "POST", `/api/v2/filters/${filter.id}/statuses`, { status_id: posts.followers });
    const notes = await api(app, alice.token, "GET", "/api/v1/notifications");
    assert.ok(notes.length > 0);
    const targets: Targets = {
      origin: "http://caracol.test",
      alice: alice.id,
      posts,
      tag: "garden",
      word: "secret",
      list: list.id,
      filter: filter.id,
      keyword: filter.keywords[0].id,
      filterStatus: fstatus.id,
      notification: notes[0].id,
      circle: "1",
    };

    const { missing, stale } = unlistedRoutes(app.hono);
    assert.deepEqual(missing, [], UNLISTED);
    assert.deepEqual(stale, [], STALE);

    const tokens: Record<string, string | undefined> = {
      anonymous: undefined,
      stranger: stranger.token,
      narrowToken: narrow.accessToken,
      follower: follower.token,
      mentioned: mentioned.token,
      blocked: blocked.token,
    };
    let cases = 0;
    for (const [viewer, rule] of Object.entries(VIEWERS)) {
      for (const entry of Object.values(ROUTES)) {
        const jobs = [
          ...entry.paths(targets).map((path) => ({ path, surface: entry.surface })),
          ...(entry.publicPaths?.(targets) ?? []).map((path) => ({ path, surface: "public" as const })),
        ];
        for (const { path, surface } of jobs) {
          const headers = surface === "ap" ? { accept: "application/activity+json" } : undefined;
          const res = await app.request(path, { token: tokens[viewer], headers });
          const body = await res.text();
          // A bearer token means nothing to web pages, feeds, routes that answer everyone alike
          // and ActivityPub: there the caller is anonymous (signed-in web sessions are covered in
          // test/web-pages.test.ts and viewer-matrix.test.ts, signed ActivityPub fetches in
          // test/federation/signed-fetch.test.ts and viewer-matrix.test.ts).
          const effective = surface === "api" ? rule : VIEWERS.anonymous;
          const forbidden = [
            ...Object.entries(POSTS).filter(([a]) => !effective.sees.includes(a as Audience)).map(([, w]) => w),
            ...(effective.field ? [] : [FIELD]),
            ...PRIVATE_WORDS,
          ];
          for (const word of forbidden) {
            assert.ok(!body.includes(word), `${viewer} got "${word}" from ${path} (${res.status})`);
            cases++;
          }
          // Alice's social graph is hidden from everyone but her (counts included).
          if (res.headers.get("content-type")?.includes("json")) {
            const walk = (v: unknown): void => {
              if (Array.isArray(v)) return v.forEach(walk);
              if (v && typeof v === "object") {
                const o = v as Record<string, unknown>;
                if (o.id === alice.id && "followers_count" in o) {
                  assert.equal(o.followers_count, 0, `${viewer} sees Alice's follower count at ${path}`);
                  assert.equal(o.following_count, 0);
                }
                Object.values(o).forEach(walk);
              }
            };
            walk(JSON.parse(body));
            if (path.endsWith("/followers")) assert.ok(!body.includes(follower.id), `${viewer} sees Alice's followers`);
          }
        }
      }
    }
    console.log(`route leak matrix: ${Object.keys(ROUTES).length} routes, ${Object.keys(VIEWERS).length} viewers, ${cases} checks`);
  } finally {
    await app.close();
  }
});
