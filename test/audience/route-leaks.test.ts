// Every GET route of the app, asked by every kind of viewer, about a person who posted in
// every audience. No answer may contain what the gate keeps from that viewer. A GET route
// without an entry in ROUTES fails the test, so a new route cannot skip this check.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { issueToken } from "../../src/domain/oauth/tokens.ts";
import { setSetting } from "../../src/domain/instance/settings.ts";

type World = {
  alice: string;
  posts: Record<string, string>;
  aliceList: string;
  aliceFilter: string;
  aliceKeyword: string;
  aliceFilterStatus: string;
  aliceNotification: string;
};

/** Concrete paths for each route; `:id`s point at Alice's things, which others must not get. */
const ROUTES: Record<string, (w: World) => string[]> = {
  "GET /": () => ["/"],
  "GET /.well-known/oauth-authorization-server": () => ["/.well-known/oauth-authorization-server"],
  "GET /about": () => ["/about"],
  "GET /terms": () => ["/terms"],
  "GET /privacy": () => ["/privacy"],
  "GET /auth/sign_in": () => ["/auth/sign_in"],
  "GET /auth/sign_out": () => ["/auth/sign_out"],
  "GET /auth/sign_up": () => ["/auth/sign_up"],
  "GET /oauth/authorize": () => ["/oauth/authorize"],
  "GET /oauth/userinfo": () => ["/oauth/userinfo"],
  "GET /static/avatar.png": () => [],
  "GET /:handle{@[A-Za-z0-9_.-]+}": () => ["/@alice", "/@alice?max_id=9223372036854775807", "/@alice.rss", "/@alice.atom"],
  "GET /:handle{@[A-Za-z0-9_.-]+}/:id": (w) => Object.values(w.posts).map((id) => `/@alice/${id}`),
  "GET /users/:username": () => ["/users/alice"],
  "GET /api/oembed": (w) => Object.values(w.posts).map((id) => `/api/oembed?url=${encodeURIComponent(`http://caracol.test/@alice/${id}`)}`),
  "GET /api/v1/caracol/privacy": () => ["/api/v1/caracol/privacy"],
  "GET /api/v1/caracol/view_as": () => ["anonymous", "local", "follower", "remote", "blocked"].map((k) => `/api/v1/caracol/view_as?as=${k}`),
  "GET /.well-known/nodeinfo": () => ["/.well-known/nodeinfo"],
  "GET /nodeinfo/2.0": () => ["/nodeinfo/2.0"],
  "GET /nodeinfo/2.1": () => ["/nodeinfo/2.1"],
  "GET /.well-known/host-meta": () => ["/.well-known/host-meta"],
  // Answered by Fedify (federation middleware), not by Hono routes: listed here so that the
  // unsigned (anonymous) case is checked; signed viewers are in test/federation.
  "AP /users/alice": () => ["/users/alice"],
  "AP /users/alice/statuses": (w) => Object.values(w.posts).map((id) => `/users/alice/statuses/${id}`),
  "AP /users/alice/collections": () => ["/users/alice/followers", "/users/alice/following", "/users/alice/outbox", "/users/alice/collections/featured"],
  "AP /.well-known/webfinger": () => ["/.well-known/webfinger?resource=acct:alice@caracol.test"],
  "GET /static/header.png": () => [],
  "GET /api/v1/accounts": (w) => [`/api/v1/accounts?id[]=${w.alice}`],
  "GET /api/v1/accounts/:id/lists": (w) => [`/api/v1/accounts/${w.alice}/lists`],
  "GET /api/v1/accounts/:id{[0-9]+}": (w) => [`/api/v1/accounts/${w.alice}`],
  "GET /api/v1/accounts/:id{[0-9]+}/followers": (w) => [`/api/v1/accounts/${w.alice}/followers`],
  "GET /api/v1/accounts/:id{[0-9]+}/following": (w) => [`/api/v1/accounts/${w.alice}/following`],
  "GET /api/v1/accounts/:id{[0-9]+}/statuses": (w) => [
    `/api/v1/accounts/${w.alice}/statuses`,
    `/api/v1/accounts/${w.alice}/statuses?pinned=true`,
    `/api/v1/accounts/${w.alice}/statuses?tagged=garden`,
  ],
  "GET /api/v1/accounts/lookup": () => ["/api/v1/accounts/lookup?acct=alice"],
  "GET /api/v1/accounts/relationships": (w) => [`/api/v1/accounts/relationships?id[]=${w.alice}`],
  "GET /api/v1/accounts/search": () => ["/api/v1/accounts/search?q=alice"],
  "GET /api/v1/accounts/verify_credentials": () => ["/api/v1/accounts/verify_credentials"],
  "GET /api/v1/admin/accounts": () => ["/api/v1/admin/accounts"],
  "GET /api/v1/admin/accounts/:id": (w) => [`/api/v1/admin/accounts/${w.alice}`],
  "GET /api/v2/admin/accounts": () => ["/api/v2/admin/accounts"],
  // federation policy: domain rules and relays (admin API)
  "GET /api/v1/admin/domain_blocks": () => ["/api/v1/admin/domain_blocks"],
  "GET /api/v1/admin/domain_blocks/:id": () => ["/api/v1/admin/domain_blocks/1"],
  "GET /api/v1/caracol/admin/relays": () => ["/api/v1/caracol/admin/relays"],
  // federation policy: approval-first and allow-list
  "GET /api/v1/admin/domain_allows": () => ["/api/v1/admin/domain_allows"],
  "GET /api/v1/admin/domain_allows/:id": () => ["/api/v1/admin/domain_allows/1"],
  "GET /api/v1/caracol/admin/pending_servers": () => ["/api/v1/caracol/admin/pending_servers"],
  // federation policy: subscriptions and circles
  "GET /circles/:id": () => ["/circles/1", "/circles/not-an-id"],
  "GET /api/v1/caracol/admin/subscriptions": () => ["/api/v1/caracol/admin/subscriptions"],
  "GET /api/v1/caracol/admin/subscriptions/:id": () => ["/api/v1/caracol/admin/subscriptions/1"],
  "GET /api/v1/caracol/admin/circles": () => ["/api/v1/caracol/admin/circles"],
  "GET /api/v1/caracol/admin/circles/:id": () => ["/api/v1/caracol/admin/circles/1"],
  // federation policy: transitive scans, peers, published policy
  "GET /api/v1/caracol/admin/servers": () => ["/api/v1/caracol/admin/servers"],
  "GET /api/v1/caracol/admin/servers/:domain": () => ["/api/v1/caracol/admin/servers/caracol.test"],
  "GET /api/v1/instance/peers": () => ["/api/v1/instance/peers"],
  "GET /api/v1/instance/domain_blocks": () => ["/api/v1/instance/domain_blocks"],
  "GET /api/v1/announcements": () => ["/api/v1/announcements"],
  "GET /api/v1/apps/verify_credentials": () => ["/api/v1/apps/verify_credentials"],
  "GET /api/v1/blocks": () => ["/api/v1/blocks"],
  "GET /api/v1/bookmarks": () => ["/api/v1/bookmarks"],
  "GET /api/v1/conversations": () => ["/api/v1/conversations"],
  "GET /api/v1/custom_emojis": () => ["/api/v1/custom_emojis"],
  "GET /api/v1/endorsements": () => ["/api/v1/endorsements"],
  "GET /api/v1/favourites": () => ["/api/v1/favourites"],
  "GET /api/v1/featured_tags": () => ["/api/v1/featured_tags"],
  "GET /api/v1/featured_tags/suggestions": () => ["/api/v1/featured_tags/suggestions"],
  "GET /api/v1/follow_requests": () => ["/api/v1/follow_requests"],
  "GET /api/v1/followed_tags": () => ["/api/v1/followed_tags"],
  "GET /api/v1/instance": () => ["/api/v1/instance"],
  "GET /api/v1/instance/rules": () => ["/api/v1/instance/rules"],
  "GET /api/v2/instance": () => ["/api/v2/instance"],
  "GET /api/v1/lists": () => ["/api/v1/lists"],
  "GET /api/v1/lists/:id": (w) => [`/api/v1/lists/${w.aliceList}`],
  "GET /api/v1/lists/:id/accounts": (w) => [`/api/v1/lists/${w.aliceList}/accounts`],
  "GET /api/v1/markers": () => ["/api/v1/markers?timeline[]=home&timeline[]=notifications"],
  "GET /api/v1/mutes": () => ["/api/v1/mutes"],
  "GET /api/v1/notifications": () => ["/api/v1/notifications"],
  "GET /api/v1/notifications/:id": (w) => [`/api/v1/notifications/${w.aliceNotification}`],
  "GET /api/v1/notifications/unread_count": () => ["/api/v1/notifications/unread_count"],
  "GET /api/v1/preferences": () => ["/api/v1/preferences"],
  "GET /api/v1/scheduled_statuses": () => ["/api/v1/scheduled_statuses"],
  "GET /api/v1/statuses": (w) => [`/api/v1/statuses?${Object.values(w.posts).map((id) => `id[]=${id}`).join("&")}`],
  "GET /api/v1/statuses/:id": (w) => Object.values(w.posts).map((id) => `/api/v1/statuses/${id}`),
  "GET /api/v1/statuses/:id/context": (w) => Object.values(w.posts).map((id) => `/api/v1/statuses/${id}/context`),
  "GET /api/v1/statuses/:id/favourited_by": (w) => Object.values(w.posts).map((id) => `/api/v1/statuses/${id}/favourited_by`),
  "GET /api/v1/statuses/:id/history": (w) => Object.values(w.posts).map((id) => `/api/v1/statuses/${id}/history`),
  "GET /api/v1/statuses/:id/reblogged_by": (w) => Object.values(w.posts).map((id) => `/api/v1/statuses/${id}/reblogged_by`),
  "GET /api/v1/statuses/:id/source": (w) => Object.values(w.posts).map((id) => `/api/v1/statuses/${id}/source`),
  "GET /api/v1/suggestions": () => ["/api/v1/suggestions"],
  "GET /api/v2/suggestions": () => ["/api/v2/suggestions"],
  "GET /api/v1/timelines/home": () => ["/api/v1/timelines/home?limit=40"],
  "GET /api/v1/timelines/list/:list_id": (w) => [`/api/v1/timelines/list/${w.aliceList}`],
  "GET /api/v1/timelines/public": () => ["/api/v1/timelines/public?limit=40", "/api/v1/timelines/public?local=true"],
  "GET /api/v1/timelines/tag/:hashtag": () => ["/api/v1/timelines/tag/garden?limit=40"],
  "GET /api/v1/trends": () => ["/api/v1/trends"],
  "GET /api/v1/trends/links": () => ["/api/v1/trends/links"],
  "GET /api/v1/trends/statuses": () => ["/api/v1/trends/statuses"],
  "GET /api/v1/trends/tags": () => ["/api/v1/trends/tags"],
  "GET /api/v2/filters": () => ["/api/v2/filters"],
  "GET /api/v2/filters/:id": (w) => [`/api/v2/filters/${w.aliceFilter}`],
  "GET /api/v2/filters/:id/keywords": (w) => [`/api/v2/filters/${w.aliceFilter}/keywords`],
  "GET /api/v2/filters/:id/statuses": (w) => [`/api/v2/filters/${w.aliceFilter}/statuses`],
  "GET /api/v2/filters/keywords/:id": (w) => [`/api/v2/filters/keywords/${w.aliceKeyword}`],
  "GET /api/v2/filters/statuses/:id": (w) => [`/api/v2/filters/statuses/${w.aliceFilterStatus}`],
  "GET /api/v2/search": () => ["/api/v2/search?q=garden", "/api/v2/search?q=secret&type=statuses", "/api/v2/search?q=alice&type=accounts"],
  // web settings (signed-in only: every viewer here is logged out on the web, so a redirect)
  "GET /settings/privacy": () => ["/settings/privacy"],
  "GET /settings/view_as": () => ["/settings/view_as", "/settings/view_as?as=follower"],
  "GET /api/v1/admin/ip_blocks": () => ["/api/v1/admin/ip_blocks"],
  "GET /api/v1/admin/ip_blocks/:id": () => ["/api/v1/admin/ip_blocks/1"],
  // client apps, narrowed tokens, terms of service
  "GET /api/v1/caracol/admin/apps": () => ["/api/v1/caracol/admin/apps"],
  "GET /api/v1/caracol/authorized_apps": () => ["/api/v1/caracol/authorized_apps"],
  "GET /settings/apps": () => ["/settings/apps"],
  "GET /auth/agree": () => ["/auth/agree"],
  "GET /api/v1/instance/terms_of_service": () => ["/api/v1/instance/terms_of_service"],
  "GET /api/v1/instance/terms_of_service/:date": () => ["/api/v1/instance/terms_of_service/2026-01-01"],
  "GET /api/v1/caracol/admin/alerts": () => ["/api/v1/caracol/admin/alerts"],
  "GET /api/v1/caracol/admin/alerts/:id": () => ["/api/v1/caracol/admin/alerts/1"],
  // local media: one's own unattached upload by id, and files by random key (test/media has the viewer cases)
  "GET /api/v1/media/:id": () => ["/api/v1/media/1"],
  "GET /media/:key/:file": () => [`/media/${"A".repeat(22)}/original.jpg`, `/media/${"A".repeat(22)}/small.jpg`],
  // one's own data: every viewer gets only their own sign-ins and exports (or a redirect/401)
  "GET /api/v1/caracol/sign_ins": () => ["/api/v1/caracol/sign_ins"],
  "GET /api/v1/caracol/export/archive.zip": () => ["/api/v1/caracol/export/archive.zip"],
  "GET /api/v1/caracol/export/:file": () => ["following_accounts", "blocked_accounts", "muted_accounts", "bookmarks", "lists", "blocked_domains"].map((f) => `/api/v1/caracol/export/${f}.csv`),
  "GET /settings/sessions": () => ["/settings/sessions"],
  "GET /settings/export": () => ["/settings/export"],
  "GET /settings/export/:file": () => ["/settings/export/archive.zip", "/settings/export/lists.csv"],
  "GET /settings/delete": () => ["/settings/delete"],
  "GET /api/v1/caracol/admin/integrations": () => ["/api/v1/caracol/admin/integrations"],
  "GET /api/v1/caracol/admin/integrations/:name": () => ["/api/v1/caracol/admin/integrations/translation"],
};

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
    const world: World = {
      alice: alice.id,
      posts,
      aliceList: list.id,
      aliceFilter: filter.id,
      aliceKeyword: filter.keywords[0].id,
      aliceFilterStatus: fstatus.id,
      aliceNotification: notes[0].id,
    };

    const registered = new Set(app.hono.routes.filter((r) => r.method === "GET").map((r) => `GET ${r.path}`));
    for (const k of Object.keys(ROUTES)) if (k.startsWith("AP ")) registered.add(k);
    const missing = [...registered].filter((r) => !(r in ROUTES));
    assert.deepEqual(missing, [], "GET routes without an entry in the leak matrix");

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
      for (const route of registered) {
        for (const path of ROUTES[route](world)) {
          const headers = route.startsWith("AP ") ? { accept: "application/activity+json" } : undefined;
          const res = await app.request(path, { token: tokens[viewer], headers });
          const body = await res.text();
          // A bearer token means nothing to web pages, feeds and ActivityPub: there the caller is
          // anonymous (signed-in web sessions are covered in test/web-pages.test.ts, signed
          // ActivityPub fetches in test/federation/signed-fetch.test.ts).
          const effective = path.startsWith("/api/") || path.startsWith("/oauth/") ? rule : VIEWERS.anonymous;
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
    console.log(`route leak matrix: ${registered.size} routes, ${Object.keys(VIEWERS).length} viewers, ${cases} checks`);
  } finally {
    await app.close();
  }
});
