// Every GET route of the app, in one table: the paths to ask about Alice's things and how the
// route hears who is asking. A new GET route gets exactly one entry here, and both leak tests
// read it: route-leaks.test.ts (every route x six local viewers) and viewer-matrix.test.ts (every
// route x the viewer matrix). Each fails while a GET route of the app has no entry, or an entry
// names a route the app no longer has. Routes under an admin prefix need an entry too: the
// matrix asks them and expects every viewer of it to be refused (none of them is an admin).

/**
 * What a route's paths point at, in whichever world asks (route-leaks.test.ts builds one,
 * matrix-world.ts the other): Alice's things, which nobody else may get.
 */
export type Targets = {
  /** the server's URL, as post URLs and WebFinger name it */
  origin: string;
  /** Alice's account id */
  alice: string;
  /** her post ids, one per audience */
  posts: Record<string, string>;
  /** a hashtag on each of her posts, and a word in each of them */
  tag: string;
  word: string;
  /** her list, filter, filter keyword, filtered status and a notification of hers */
  list: string;
  filter: string;
  keyword: string;
  filterStatus: string;
  notification: string;
  circle: string;
};

/**
 * api: a Mastodon API route, the bearer token is the viewer. web: a page, the session cookie is
 * the viewer. public: answers everyone alike, whoever asks (oEmbed, feeds, static files,
 * instance metadata). ap: ActivityPub, the HTTP signature is the viewer.
 */
export type Surface = "api" | "web" | "public" | "ap";
export type RouteEntry = {
  surface: Surface;
  paths: (t: Targets) => string[];
  /** paths of the same route that answer everyone alike (a person's feeds under /@name) */
  publicPaths?: (t: Targets) => string[];
};

export const ADMIN_PREFIXES = ["/api/v1/admin/", "/api/v2/admin/", "/api/v1/caracol/admin/"];
export const isAdmin = (route: string) => ADMIN_PREFIXES.some((p) => route.replace(/^\w+ /, "").startsWith(p));

const postPaths = (t: Targets, f: (id: string) => string) => Object.values(t.posts).map(f);
const api = (paths: (t: Targets) => string[]): RouteEntry => ({ surface: "api", paths });
const own = (...paths: string[]): RouteEntry => api(() => paths);
const web = (...paths: string[]): RouteEntry => ({ surface: "web", paths: () => paths });
const pub = (...paths: string[]): RouteEntry => ({ surface: "public", paths: () => paths });
const EXPORTS = ["following_accounts", "blocked_accounts", "muted_accounts", "bookmarks", "lists", "blocked_domains"];

export const ROUTES: Record<string, RouteEntry> = {
  // metadata and discovery: WebFinger, NodeInfo, host-meta, OAuth metadata
  "GET /.well-known/nodeinfo": pub("/.well-known/nodeinfo"),
  "GET /nodeinfo/2.0": pub("/nodeinfo/2.0"),
  "GET /nodeinfo/2.1": pub("/nodeinfo/2.1"),
  "GET /.well-known/host-meta": pub("/.well-known/host-meta"),
  "GET /.well-known/oauth-authorization-server": pub("/.well-known/oauth-authorization-server"),
  "AP /.well-known/webfinger": { surface: "ap", paths: (t) => [`/.well-known/webfinger?resource=${encodeURIComponent(`acct:alice@${new URL(t.origin).host}`)}`] },
  // the default avatar and header images: the same bytes for everyone
  "GET /static/avatar.png": pub(),
  "GET /static/header.png": pub(),
  // web pages, feeds and oEmbed (a bearer token means nothing there)
  "GET /": web("/"),
  "GET /about": web("/about"),
  "GET /terms": web("/terms"),
  "GET /privacy": web("/privacy"),
  "GET /auth/sign_in": web("/auth/sign_in"),
  "GET /auth/sign_out": web("/auth/sign_out"),
  "GET /auth/sign_up": web("/auth/sign_up"),
  "GET /auth/agree": web("/auth/agree"),
  "GET /oauth/authorize": web("/oauth/authorize"),
  "GET /:handle{@[A-Za-z0-9_.-]+}": { ...web("/@alice", "/@alice?max_id=9223372036854775807"), publicPaths: () => ["/@alice.rss", "/@alice.atom"] },
  "GET /:handle{@[A-Za-z0-9_.-]+}/:id": { surface: "web", paths: (t) => postPaths(t, (id) => `/@alice/${id}`) },
  "GET /users/:username": web("/users/alice"),
  "GET /settings/privacy": web("/settings/privacy"),
  "GET /settings/view_as": web("/settings/view_as", "/settings/view_as?as=follower", "/settings/view_as?as=mentioned"),
  "GET /settings/apps": web("/settings/apps"),
  "GET /settings/sessions": web("/settings/sessions"),
  "GET /settings/export": web("/settings/export"),
  "GET /settings/export/:file": web("/settings/export/archive.zip", "/settings/export/following_accounts.csv", "/settings/export/lists.csv"),
  "GET /settings/delete": web("/settings/delete"),
  "GET /circles/:id": { surface: "public", paths: (t) => [`/circles/${t.circle}`, "/circles/not-an-id"] },
  "GET /api/oembed": { surface: "public", paths: (t) => postPaths(t, (id) => `/api/oembed?url=${encodeURIComponent(`${t.origin}/@alice/${id}`)}`) },
  // ActivityPub objects and collections: answered by Fedify, not by Hono routes, so listed by hand
  "AP /users/alice": { surface: "ap", paths: () => ["/users/alice"] },
  "AP /users/alice/statuses/:id": { surface: "ap", paths: (t) => postPaths(t, (id) => `/users/alice/statuses/${id}`) },
  "AP /users/alice/collections": { surface: "ap", paths: () => ["/users/alice/outbox", "/users/alice/followers", "/users/alice/following", "/users/alice/collections/featured"] },
  // accounts
  "GET /api/v1/accounts": api((t) => [`/api/v1/accounts?id[]=${t.alice}`]),
  "GET /api/v1/accounts/:id{[0-9]+}": api((t) => [`/api/v1/accounts/${t.alice}`]),
  "GET /api/v1/accounts/:id{[0-9]+}/statuses": api((t) => ["", "?pinned=true", `?tagged=${t.tag}`].map((q) => `/api/v1/accounts/${t.alice}/statuses${q}`)),
  "GET /api/v1/accounts/:id{[0-9]+}/followers": api((t) => [`/api/v1/accounts/${t.alice}/followers`]),
  "GET /api/v1/accounts/:id{[0-9]+}/following": api((t) => [`/api/v1/accounts/${t.alice}/following`]),
  "GET /api/v1/accounts/:id/lists": api((t) => [`/api/v1/accounts/${t.alice}/lists`]),
  "GET /api/v1/accounts/lookup": own("/api/v1/accounts/lookup?acct=alice"),
  "GET /api/v1/accounts/relationships": api((t) => [`/api/v1/accounts/relationships?id[]=${t.alice}`]),
  "GET /api/v1/accounts/search": own("/api/v1/accounts/search?q=alice"),
  "GET /api/v1/accounts/verify_credentials": own("/api/v1/accounts/verify_credentials"),
  // statuses, timelines, search
  "GET /api/v1/statuses": api((t) => [`/api/v1/statuses?${Object.values(t.posts).map((id) => `id[]=${id}`).join("&")}`]),
  "GET /api/v1/statuses/:id": api((t) => postPaths(t, (id) => `/api/v1/statuses/${id}`)),
  "GET /api/v1/statuses/:id/context": api((t) => postPaths(t, (id) => `/api/v1/statuses/${id}/context`)),
  "GET /api/v1/statuses/:id/history": api((t) => postPaths(t, (id) => `/api/v1/statuses/${id}/history`)),
  "GET /api/v1/statuses/:id/source": api((t) => postPaths(t, (id) => `/api/v1/statuses/${id}/source`)),
  "GET /api/v1/statuses/:id/favourited_by": api((t) => postPaths(t, (id) => `/api/v1/statuses/${id}/favourited_by`)),
  "GET /api/v1/statuses/:id/reblogged_by": api((t) => postPaths(t, (id) => `/api/v1/statuses/${id}/reblogged_by`)),
  "GET /api/v1/timelines/home": own("/api/v1/timelines/home?limit=40"),
  "GET /api/v1/timelines/public": own("/api/v1/timelines/public?limit=40", "/api/v1/timelines/public?local=true"),
  "GET /api/v1/timelines/tag/:hashtag": api((t) => [`/api/v1/timelines/tag/${t.tag}?limit=40`]),
  "GET /api/v1/timelines/list/:list_id": api((t) => [`/api/v1/timelines/list/${t.list}`]),
  "GET /api/v2/search": api((t) => [`/api/v2/search?q=${t.tag}`, `/api/v2/search?q=${t.word}&type=statuses`, "/api/v2/search?q=alice&type=accounts"]),
  "GET /api/v1/trends": own("/api/v1/trends"),
  "GET /api/v1/trends/links": own("/api/v1/trends/links"),
  "GET /api/v1/trends/statuses": own("/api/v1/trends/statuses"),
  "GET /api/v1/trends/tags": own("/api/v1/trends/tags"),
  "GET /api/v1/suggestions": own("/api/v1/suggestions"),
  "GET /api/v2/suggestions": own("/api/v2/suggestions"),
  // the viewer's own things (Alice's ids where a route takes one: nobody else may get them)
  "GET /api/v1/notifications": own("/api/v1/notifications"),
  "GET /api/v1/notifications/:id": api((t) => [`/api/v1/notifications/${t.notification}`]),
  "GET /api/v1/notifications/unread_count": own("/api/v1/notifications/unread_count"),
  "GET /api/v1/conversations": own("/api/v1/conversations"),
  "GET /api/v1/bookmarks": own("/api/v1/bookmarks"),
  "GET /api/v1/favourites": own("/api/v1/favourites"),
  "GET /api/v1/blocks": own("/api/v1/blocks"),
  "GET /api/v1/mutes": own("/api/v1/mutes"),
  "GET /api/v1/follow_requests": own("/api/v1/follow_requests"),
  "GET /api/v1/endorsements": own("/api/v1/endorsements"),
  "GET /api/v1/featured_tags": own("/api/v1/featured_tags"),
  "GET /api/v1/featured_tags/suggestions": own("/api/v1/featured_tags/suggestions"),
  "GET /api/v1/followed_tags": own("/api/v1/followed_tags"),
  "GET /api/v1/scheduled_statuses": own("/api/v1/scheduled_statuses"),
  "GET /api/v1/lists": own("/api/v1/lists"),
  "GET /api/v1/lists/:id": api((t) => [`/api/v1/lists/${t.list}`]),
  "GET /api/v1/lists/:id/accounts": api((t) => [`/api/v1/lists/${t.list}/accounts`]),
  "GET /api/v1/markers": own("/api/v1/markers?timeline[]=home&timeline[]=notifications"),
  "GET /api/v1/preferences": own("/api/v1/preferences"),
  "GET /api/v2/filters": own("/api/v2/filters"),
  "GET /api/v2/filters/:id": api((t) => [`/api/v2/filters/${t.filter}`]),
  "GET /api/v2/filters/:id/keywords": api((t) => [`/api/v2/filters/${t.filter}/keywords`]),
  "GET /api/v2/filters/:id/statuses": api((t) => [`/api/v2/filters/${t.filter}/statuses`]),
  "GET /api/v2/filters/keywords/:id": api((t) => [`/api/v2/filters/keywords/${t.keyword}`]),
  "GET /api/v2/filters/statuses/:id": api((t) => [`/api/v2/filters/statuses/${t.filterStatus}`]),
  "GET /api/v1/apps/verify_credentials": own("/api/v1/apps/verify_credentials"),
  "GET /oauth/userinfo": own("/oauth/userinfo"),
  "GET /api/v1/caracol/privacy": own("/api/v1/caracol/privacy"),
  "GET /api/v1/caracol/authorized_apps": own("/api/v1/caracol/authorized_apps"),
  "GET /api/v1/caracol/view_as": own(...["anonymous", "local", "follower", "mentioned", "remote", "restricted", "blocked"].map((k) => `/api/v1/caracol/view_as?as=${k}`)),
  // the instance
  "GET /api/v1/instance": own("/api/v1/instance"),
  "GET /api/v2/instance": own("/api/v2/instance"),
  "GET /api/v1/instance/rules": own("/api/v1/instance/rules"),
  "GET /api/v1/instance/terms_of_service": own("/api/v1/instance/terms_of_service"),
  "GET /api/v1/instance/terms_of_service/:date": own("/api/v1/instance/terms_of_service/2026-01-01"),
  "GET /api/v1/instance/peers": own("/api/v1/instance/peers"),
  "GET /api/v1/instance/domain_blocks": own("/api/v1/instance/domain_blocks"),
  "GET /api/v1/custom_emojis": own("/api/v1/custom_emojis"),
  "GET /api/v1/announcements": own("/api/v1/announcements"),
  // local media: one's own unattached upload; files by random key (viewer cases in test/media/serving.test.ts)
  "GET /api/v1/media/:id": own("/api/v1/media/1"),
  "GET /media/:key/:file": pub(`/media/${"A".repeat(22)}/original.jpg`, `/media/${"A".repeat(22)}/small.jpg`),
  // one's own data: sign-ins, exports (each viewer gets their own), deletion
  "GET /api/v1/caracol/sign_ins": own("/api/v1/caracol/sign_ins"),
  "GET /api/v1/caracol/export/archive.zip": own("/api/v1/caracol/export/archive.zip"),
  "GET /api/v1/caracol/export/:file": own(...EXPORTS.map((f) => `/api/v1/caracol/export/${f}.csv`)),
  // admin: accounts, federation policy (domain rules, relays, approval-first, subscriptions,
  // circles, transitive scans), IP blocks, client apps, alerts, integrations
  "GET /api/v1/admin/accounts": own("/api/v1/admin/accounts"),
  "GET /api/v1/admin/accounts/:id": api((t) => [`/api/v1/admin/accounts/${t.alice}`]),
  "GET /api/v2/admin/accounts": own("/api/v2/admin/accounts"),
  "GET /api/v1/admin/domain_blocks": own("/api/v1/admin/domain_blocks"),
  "GET /api/v1/admin/domain_blocks/:id": own("/api/v1/admin/domain_blocks/1"),
  "GET /api/v1/admin/domain_allows": own("/api/v1/admin/domain_allows"),
  "GET /api/v1/admin/domain_allows/:id": own("/api/v1/admin/domain_allows/1"),
  "GET /api/v1/admin/ip_blocks": own("/api/v1/admin/ip_blocks"),
  "GET /api/v1/admin/ip_blocks/:id": own("/api/v1/admin/ip_blocks/1"),
  "GET /api/v1/caracol/admin/relays": own("/api/v1/caracol/admin/relays"),
  "GET /api/v1/caracol/admin/pending_servers": own("/api/v1/caracol/admin/pending_servers"),
  "GET /api/v1/caracol/admin/subscriptions": own("/api/v1/caracol/admin/subscriptions"),
  "GET /api/v1/caracol/admin/subscriptions/:id": own("/api/v1/caracol/admin/subscriptions/1"),
  "GET /api/v1/caracol/admin/circles": own("/api/v1/caracol/admin/circles"),
  "GET /api/v1/caracol/admin/circles/:id": own("/api/v1/caracol/admin/circles/1"),
  "GET /api/v1/caracol/admin/servers": own("/api/v1/caracol/admin/servers"),
  "GET /api/v1/caracol/admin/servers/:domain": own("/api/v1/caracol/admin/servers/caracol.test"),
  "GET /api/v1/caracol/admin/apps": own("/api/v1/caracol/admin/apps"),
  "GET /api/v1/caracol/admin/alerts": own("/api/v1/caracol/admin/alerts"),
  "GET /api/v1/caracol/admin/alerts/:id": own("/api/v1/caracol/admin/alerts/1"),
  "GET /api/v1/caracol/admin/integrations": own("/api/v1/caracol/admin/integrations"),
  "GET /api/v1/caracol/admin/integrations/:name": own("/api/v1/caracol/admin/integrations/translation"),
  // remote media through the proxy: only tokens we signed are fetched; answers everyone alike
  // (the token is the capability; test/media/proxy.test.ts has the cases)
  "GET /proxy/:token": pub(`/proxy/m.${"A".repeat(43)}.${Buffer.from("https://remote.example/a.png").toString("base64url")}`),
};

/** Both ways the table and the app can disagree; each leak test asserts both are empty. */
export function unlistedRoutes(hono: { routes: readonly { method: string; path: string }[] }) {
  const registered = new Set(hono.routes.filter((r) => r.method === "GET").map((r) => `GET ${r.path}`));
  return {
    missing: [...registered].filter((r) => !(r in ROUTES)),
    stale: Object.keys(ROUTES).filter((k) => k.startsWith("GET ") && !registered.has(k)),
  };
}
export const UNLISTED = "GET routes without an entry in ROUTES, test/audience/routes.ts (the one route table of both leak tests)";
export const STALE = "entries in ROUTES, test/audience/routes.ts, for GET routes the app does not have";
