// The rate limits, as data. Each rule says which requests it counts, what it counts them by
// (the client's IP or IPv6 /64, the token, the account, the remote server) and how many it
// allows per fixed window. The values follow Mastodon's rack-attack throttles unless a comment
// says why not; CARACOL_RATE_LIMIT_MULTIPLIER scales them all.

/** What the limiter knows about a request before any route runs. */
export type RequestFacts = {
  method: string;
  path: string;
  /** asks for a further page (max_id, min_id, since_id, page, offset) */
  paging: boolean;
  /** carries a token of a signed-in account */
  hasAccount: boolean;
  /** carries a bearer token (an app's own token counts) */
  hasToken: boolean;
  /** an ActivityPub or WebFinger path (what the federation middleware answers) */
  activityPub: boolean;
};

export type KeyKind = "ip" | "token" | "account" | "server";

export type RateLimitRule = {
  name: string;
  key: KeyKind;
  limit: number;
  periodSeconds: number;
  matches(r: RequestFacts): boolean;
};

const api = (r: RequestFacts) => r.path.startsWith("/api/");
const post = (r: RequestFacts) => r.method === "POST";

/**
 * Anything that lists content: timelines, someone's posts, followers and following, search,
 * directories, feeds and profile pages. Logged out, these are what a harvester walks.
 */
const LISTING = [
  /^\/api\/v1\/timelines\//,
  /^\/api\/v1\/accounts\/[^/]+\/(statuses|followers|following)$/,
  /^\/api\/v[12]\/search$/,
  /^\/api\/v1\/accounts\/search$/,
  /^\/api\/v1\/directory$/,
  /^\/api\/v1\/trends/,
  /^\/api\/v1\/statuses\/[^/]+\/(context|favourited_by|reblogged_by)$/,
  // profile pages and their feeds; not /users/NAME, the actor document servers need for keys
  /^\/@[^/]+$/,
  /^\/tags\//,
];
const listing = (r: RequestFacts) => LISTING.some((re) => re.test(r.path));

export const RATE_LIMIT_RULES: readonly RateLimitRule[] = [
  // A signed-in person across all their apps, and each app's token on its own.
  { name: "api/account", key: "account", limit: 1500, periodSeconds: 300, matches: (r) => api(r) && r.hasAccount },
  { name: "api/token", key: "token", limit: 300, periodSeconds: 300, matches: (r) => api(r) && r.hasToken },
  { name: "api/anonymous", key: "ip", limit: 300, periodSeconds: 300, matches: (r) => api(r) && !r.hasAccount },
  // Walking back through pages is how logged-in scraping looks; Mastodon's values.
  { name: "paging/account", key: "account", limit: 300, periodSeconds: 900, matches: (r) => r.paging && r.hasAccount },
  { name: "paging/anonymous", key: "ip", limit: 300, periodSeconds: 900, matches: (r) => r.paging && !r.hasAccount },
  // Stricter than Mastodon (which has no such rule): logged-out listing is the scraper's path,
  // and a person reading profiles does not open 100 lists in five minutes.
  { name: "listing/anonymous", key: "ip", limit: 100, periodSeconds: 300, matches: (r) => !r.hasAccount && r.method === "GET" && listing(r) },
  // Mastodon allows 5 API sign-ups per 30 minutes; failed attempts (a taken name, a short
  // password) count too, and a household or school shares one address, so 15 for both paths.
  {
    name: "sign-up/ip",
    key: "ip",
    limit: 15,
    periodSeconds: 1800,
    matches: (r) => post(r) && (r.path === "/api/v1/accounts" || r.path === "/auth/sign_up"),
  },
  { name: "sign-in/ip", key: "ip", limit: 25, periodSeconds: 300, matches: (r) => post(r) && r.path === "/auth/sign_in" },
  { name: "password-reset/ip", key: "ip", limit: 5, periodSeconds: 1800, matches: (r) => post(r) && r.path.startsWith("/auth/password") },
  { name: "oauth-token/ip", key: "ip", limit: 300, periodSeconds: 300, matches: (r) => post(r) && (r.path === "/oauth/token" || r.path === "/oauth/revoke") },
  // Deleting posts in bulk fans out to every follower's server; Mastodon's value.
  {
    name: "delete/account",
    key: "account",
    limit: 30,
    periodSeconds: 1800,
    matches: (r) => (r.method === "DELETE" && /^\/api\/v1\/statuses\/\d+$/.test(r.path)) || (post(r) && /^\/api\/v1\/statuses\/\d+\/unreblog$/.test(r.path)),
  },
  // Pages and static files: generous; only a client that does nothing else trips it.
  { name: "web/ip", key: "ip", limit: 1500, periodSeconds: 300, matches: (r) => !api(r) && !r.activityPub && !r.path.startsWith("/oauth/") },
  // Servers deliver in bursts (a popular post, a spam wave being deleted); a 429 only makes
  // them retry later. Counted per claimed server and source network (see serverKey), with a
  // ceiling per network so rotating claimed names gains nothing.
  { name: "activitypub/server", key: "server", limit: 3000, periodSeconds: 300, matches: (r) => r.activityPub },
  { name: "activitypub/ip", key: "ip", limit: 30000, periodSeconds: 300, matches: (r) => r.activityPub },
];
