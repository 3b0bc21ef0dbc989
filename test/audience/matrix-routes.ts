// Every GET route of the app, for the viewer matrix: which paths to ask about Alice's world and
// how the route hears who is asking. A GET route without an entry here fails the matrix, so a
// new route cannot skip it. Admin routes need no entry: any route under an admin prefix is
// asked anyway, and must refuse every viewer of the matrix (none of them is an admin).
import type { MatrixWorld } from "./matrix-world.ts";

/**
 * api: a Mastodon API route, the bearer token is the viewer. web: a page, the session cookie is
 * the viewer. public: answers everyone alike, whoever asks (oEmbed, feeds, static files,
 * instance metadata). ap: ActivityPub, the HTTP signature is the viewer.
 */
export type Surface = "api" | "web" | "public" | "ap";
export type RouteEntry = {
  surface: Surface;
  paths: (w: MatrixWorld) => string[];
  /** paths of the same route that answer everyone alike (a person's feeds under /@name) */
  publicPaths?: (w: MatrixWorld) => string[];
};

export const ADMIN_PREFIXES = ["/api/v1/admin/", "/api/v2/admin/", "/api/v1/caracol/admin/"];

const postPaths = (w: MatrixWorld, f: (id: string) => string) => Object.values(w.posts).map(f);
const api = (paths: (w: MatrixWorld) => string[]): RouteEntry => ({ surface: "api", paths });
const own = (path: string): RouteEntry => api(() => [path]);

export const MATRIX_ROUTES: Record<string, RouteEntry> = {
  // metadata and discovery: WebFinger, NodeInfo, host-meta, OAuth metadata
  "GET /.well-known/nodeinfo": { surface: "public", paths: () => ["/.well-known/nodeinfo"] },
  "GET /nodeinfo/2.0": { surface: "public", paths: () => ["/nodeinfo/2.0"] },
  "GET /nodeinfo/2.1": { surface: "public", paths: () => ["/nodeinfo/2.1"] },
  "GET /.well-known/host-meta": { surface: "public", paths: () => ["/.well-known/host-meta"] },
  "GET /.well-known/oauth-authorization-server": { surface: "public", paths: () => ["/.well-known/oauth-authorization-server"] },
  "AP /.well-known/webfinger": { surface: "ap", paths: (w) => [`/.well-known/webfinger?resource=${encodeURIComponent(`acct:alice@${new URL(w.a.url).host}`)}`] },
  // the default avatar and header images: the same bytes for everyone
  "GET /static/avatar.png": { surface: "public", paths: () => [] },
  "GET /static/header.png": { surface: "public", paths: () => [] },
  // web pages, feeds and oEmbed
  "GET /": { surface: "web", paths: () => ["/"] },
  "GET /about": { surface: "web", paths: () => ["/about"] },
  "GET /terms": { surface: "web", paths: () => ["/terms"] },
  "GET /privacy": { surface: "web", paths: () => ["/privacy"] },
  "GET /auth/sign_in": { surface: "web", paths: () => ["/auth/sign_in"] },
  "GET /auth/sign_out": { surface: "web", paths: () => ["/auth/sign_out"] },
  "GET /auth/sign_up": { surface: "web", paths: () => ["/auth/sign_up"] },
  "GET /auth/agree": { surface: "web", paths: () => ["/auth/agree"] },
  "GET /oauth/authorize": { surface: "web", paths: () => ["/oauth/authorize"] },
  "GET /:handle{@[A-Za-z0-9_.-]+}": { surface: "web", paths: () => ["/@alice"], publicPaths: () => ["/@alice.rss", "/@alice.atom"] },
  "GET /:handle{@[A-Za-z0-9_.-]+}/:id": { surface: "web", paths: (w) => postPaths(w, (id) => `/@alice/${id}`) },
  "GET /users/:username": { surface: "web", paths: () => ["/users/alice"] },
  "GET /settings/privacy": { surface: "web", paths: () => ["/settings/privacy"] },
  "GET /settings/view_as": { surface: "web", paths: () => ["/settings/view_as", "/settings/view_as?as=mentioned"] },
  "GET /settings/apps": { surface: "web", paths: () => ["/settings/apps"] },
  "GET /circles/:id": { surface: "public", paths: (w) => [`/circles/${w.circleId}`] },
  "GET /api/oembed": { surface: "public", paths: (w) => postPaths(w, (id) => `/api/oembed?url=${encodeURIComponent(`${w.a.url}/@alice/${id}`)}`) },
  // ActivityPub objects and collections (answered by Fedify, not by Hono routes)
  "AP /users/alice": { surface: "ap", paths: () => ["/users/alice"] },
  "AP /users/alice/statuses/:id": { surface: "ap", paths: (w) => postPaths(w, (id) => `/users/alice/statuses/${id}`) },
  "AP /users/alice/collections": { surface: "ap", paths: () => ["/users/alice/outbox", "/users/alice/followers", "/users/alice/following", "/users/alice/collections/featured"] },
  // accounts
  "GET /api/v1/accounts": api((w) => [`/api/v1/accounts?id[]=${w.alice.id}`]),
  "GET /api/v1/accounts/:id{[0-9]+}": api((w) => [`/api/v1/accounts/${w.alice.id}`]),
  "GET /api/v1/accounts/:id{[0-9]+}/statuses": api((w) => [`/api/v1/accounts/${w.alice.id}/statuses`, `/api/v1/accounts/${w.alice.id}/statuses?tagged=mxgarden`]),
  "GET /api/v1/accounts/:id{[0-9]+}/followers": api((w) => [`/api/v1/accounts/${w.alice.id}/followers`]),
  "GET /api/v1/accounts/:id{[0-9]+}/following": api((w) => [`/api/v1/accounts/${w.alice.id}/following`]),
  "GET /api/v1/accounts/:id/lists": api((w) => [`/api/v1/accounts/${w.alice.id}/lists`]),
  "GET /api/v1/accounts/lookup": own("/api/v1/accounts/lookup?acct=alice"),
  "GET /api/v1/accounts/relationships": api((w) => [`/api/v1/accounts/relationships?id[]=${w.alice.id}`]),
  "GET /api/v1/accounts/search": own("/api/v1/accounts/search?q=alice"),
  "GET /api/v1/accounts/verify_credentials": own("/api/v1/accounts/verify_credentials"),
  // statuses, timelines, search
  "GET /api/v1/statuses": api((w) => [`/api/v1/statuses?${Object.values(w.posts).map((id) => `id[]=${id}`).join("&")}`]),
  "GET /api/v1/statuses/:id": api((w) => postPaths(w, (id) => `/api/v1/statuses/${id}`)),
  "GET /api/v1/statuses/:id/context": api((w) => postPaths(w, (id) => `/api/v1/statuses/${id}/context`)),
  "GET /api/v1/statuses/:id/history": api((w) => postPaths(w, (id) => `/api/v1/statuses/${id}/history`)),
  "GET /api/v1/statuses/:id/source": api((w) => postPaths(w, (id) => `/api/v1/statuses/${id}/source`)),
  "GET /api/v1/statuses/:id/favourited_by": api((w) => postPaths(w, (id) => `/api/v1/statuses/${id}/favourited_by`)),
  "GET /api/v1/statuses/:id/reblogged_by": api((w) => postPaths(w, (id) => `/api/v1/statuses/${id}/reblogged_by`)),
  "GET /api/v1/timelines/home": own("/api/v1/timelines/home?limit=40"),
  "GET /api/v1/timelines/public": api(() => ["/api/v1/timelines/public?limit=40", "/api/v1/timelines/public?local=true"]),
  "GET /api/v1/timelines/tag/:hashtag": own("/api/v1/timelines/tag/mxgarden?limit=40"),
  "GET /api/v1/timelines/list/:list_id": own("/api/v1/timelines/list/1"),
  "GET /api/v2/search": api(() => ["/api/v2/search?q=mxgarden", "/api/v2/search?q=mxpost&type=statuses", "/api/v2/search?q=alice&type=accounts"]),
  "GET /api/v1/trends": own("/api/v1/trends"),
  "GET /api/v1/trends/links": own("/api/v1/trends/links"),
  "GET /api/v1/trends/statuses": own("/api/v1/trends/statuses"),
  "GET /api/v1/trends/tags": own("/api/v1/trends/tags"),
  "GET /api/v1/suggestions": own("/api/v1/suggestions"),
  "GET /api/v2/suggestions": own("/api/v2/suggestions"),
  // the viewer's own things: notifications, lists, filters, markers, ... (Dave's mentions included)
  "GET /api/v1/notifications": own("/api/v1/notifications"),
  "GET /api/v1/notifications/:id": own("/api/v1/notifications/1"),
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
  "GET /api/v1/lists/:id": own("/api/v1/lists/1"),
  "GET /api/v1/lists/:id/accounts": own("/api/v1/lists/1/accounts"),
  "GET /api/v1/markers": own("/api/v1/markers?timeline[]=home&timeline[]=notifications"),
  "GET /api/v1/preferences": own("/api/v1/preferences"),
  "GET /api/v2/filters": own("/api/v2/filters"),
  "GET /api/v2/filters/:id": own("/api/v2/filters/1"),
  "GET /api/v2/filters/:id/keywords": own("/api/v2/filters/1/keywords"),
  "GET /api/v2/filters/:id/statuses": own("/api/v2/filters/1/statuses"),
  "GET /api/v2/filters/keywords/:id": own("/api/v2/filters/keywords/1"),
  "GET /api/v2/filters/statuses/:id": own("/api/v2/filters/statuses/1"),
  "GET /api/v1/apps/verify_credentials": own("/api/v1/apps/verify_credentials"),
  "GET /oauth/userinfo": own("/oauth/userinfo"),
  "GET /api/v1/caracol/privacy": own("/api/v1/caracol/privacy"),
  "GET /api/v1/caracol/authorized_apps": own("/api/v1/caracol/authorized_apps"),
  "GET /api/v1/caracol/view_as": api(() => ["anonymous", "follower", "mentioned", "remote", "restricted", "blocked"].map((k) => `/api/v1/caracol/view_as?as=${k}`)),
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
  "GET /media/:key/:file": { surface: "public", paths: () => [`/media/${"A".repeat(22)}/original.jpg`] },
  // one's own data: sign-ins, exports (each viewer gets their own), deletion
  "GET /api/v1/caracol/sign_ins": own("/api/v1/caracol/sign_ins"),
  "GET /api/v1/caracol/export/archive.zip": own("/api/v1/caracol/export/archive.zip"),
  "GET /api/v1/caracol/export/:file": api(() => ["following_accounts", "blocked_accounts", "muted_accounts", "bookmarks", "lists", "blocked_domains"].map((f) => `/api/v1/caracol/export/${f}.csv`)),
  "GET /settings/sessions": { surface: "web", paths: () => ["/settings/sessions"] },
  "GET /settings/export": { surface: "web", paths: () => ["/settings/export"] },
  "GET /settings/export/:file": { surface: "web", paths: () => ["/settings/export/archive.zip", "/settings/export/following_accounts.csv", "/settings/export/lists.csv"] },
  "GET /settings/delete": { surface: "web", paths: () => ["/settings/delete"] },
};

/** A concrete path for an admin route pattern (its parameters filled with harmless values). */
export function adminPath(pattern: string): string {
  return pattern.replace(/:id(\{[^}]*\})?/g, "1").replace(/:domain/g, "example.com").replace(/:[a-z_]+/g, "1");
}
