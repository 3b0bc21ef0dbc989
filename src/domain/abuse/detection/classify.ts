// Which requests read people's data, and what they read: the only facts scraping detection
// records. Anything not listed here (the instance, one's own notifications, markers, posting)
// leaves no record.

/** What was read. Each kind feeds one or more rules in rules.ts. */
export type ReadKind =
  /** a profile: by id, by handle (lookup, web page, ActivityPub actor) */
  | "account"
  /** someone's posts, followers or following: target "ID/posts", "ID/followers", "name/following" */
  | "account_list"
  /** one post, its thread, its web page or its ActivityPub object */
  | "post"
  /** a timeline: home, public, local, tag:NAME, list:ID */
  | "timeline"
  /** an RSS or Atom feed */
  | "feed"
  | "search"
  /** a sign-up, recorded by the sign-up hook (target: the /24 or /48 it came from) */
  | "sign_up";

export type Read = { kind: ReadKind; target: string; cursor: string | null };

const CURSORS = ["max_id", "since_id", "min_id", "offset", "page"];

/** The page cursor of a request for a further page (the first one the query names). */
function cursorOf(query: URLSearchParams): string | null {
  for (const p of CURSORS) {
    const v = query.get(p);
    if (v) return `${p}=${v.slice(0, 40)}`;
  }
  return null;
}

const ID = "(\\d{1,20})";
const NAME = "([A-Za-z0-9_.-]{1,64})";

/** Route patterns of reads, first match wins. `t` builds the target from the match and query. */
const PATTERNS: { re: RegExp; kind: ReadKind; t: (m: RegExpMatchArray, q: URLSearchParams) => string | null; activityPub?: boolean }[] = [
  { re: new RegExp(`^/api/v1/accounts/${ID}$`), kind: "account", t: (m) => m[1]! },
  { re: /^\/api\/v1\/accounts\/lookup$/, kind: "account", t: (_m, q) => handle(q.get("acct")) },
  { re: new RegExp(`^/api/v1/accounts/${ID}/(statuses|followers|following)$`), kind: "account_list", t: (m) => `${m[1]}/${m[2] === "statuses" ? "posts" : m[2]}` },
  { re: new RegExp(`^/api/v1/statuses/${ID}(/context|/favourited_by|/reblogged_by)?$`), kind: "post", t: (m) => m[1]! },
  { re: /^\/api\/v1\/timelines\/(home|public)$/, kind: "timeline", t: (m, q) => (m[1] === "public" && q.get("local") === "true" ? "local" : m[1]!) },
  { re: /^\/api\/v1\/timelines\/tag\/([^/]{1,100})$/, kind: "timeline", t: (m) => `tag:${decodeURIComponent(m[1]!).toLowerCase()}` },
  { re: new RegExp(`^/api/v1/timelines/list/${ID}$`), kind: "timeline", t: (m) => `list:${m[1]}` },
  // The query itself is not kept: only that a search was made, and how deep it was paged.
  { re: /^\/api\/v[12]\/search$/, kind: "search", t: () => "search" },
  { re: /^\/api\/v1\/accounts\/search$/, kind: "search", t: () => "accounts" },
  { re: /^\/api\/v1\/directory$/, kind: "search", t: () => "directory" },
  { re: new RegExp(`^/@${NAME}\\.(rss|atom)$`), kind: "feed", t: (m) => `@${m[1]!.toLowerCase()}` },
  { re: new RegExp(`^/tags/${NAME}\\.(rss|atom)$`), kind: "feed", t: (m) => `tag:${m[1]!.toLowerCase()}` },
  { re: new RegExp(`^/@${NAME}$`), kind: "account", t: (m) => `@${m[1]!.toLowerCase()}` },
  { re: new RegExp(`^/@${NAME}/${ID}$`), kind: "post", t: (m) => m[2]! },
  { re: new RegExp(`^/users/${NAME}$`), kind: "account", t: (m) => `@${m[1]!.toLowerCase()}`, activityPub: true },
  { re: new RegExp(`^/users/${NAME}/statuses/${ID}$`), kind: "post", t: (m) => m[2]!, activityPub: true },
  { re: new RegExp(`^/users/${NAME}/(outbox|followers|following)$`), kind: "account_list", t: (m) => `@${m[1]!.toLowerCase()}/${m[2] === "outbox" ? "posts" : m[2]}`, activityPub: true },
];

/** A handle as lookup takes it ("name" or "name@domain"), lower-cased, without a leading @. */
function handle(acct: string | null): string | null {
  const h = acct?.trim().replace(/^@/, "").toLowerCase();
  return h && h.length <= 200 ? `@${h}` : null;
}

/**
 * What a GET reads, or null when it reads nothing detection needs. ActivityPub paths count
 * only when signed (`signed`): unsigned fetches are refused under authorized fetch, and with
 * it off they are anonymous reads of public documents already counted by address.
 */
export function classifyRead(method: string, url: URL, signed: boolean): Read | null {
  if (method !== "GET") return null;
  for (const p of PATTERNS) {
    const m = url.pathname.match(p.re);
    if (!m) continue;
    if (p.activityPub && !signed) return null;
    const target = p.t(m, url.searchParams);
    return target === null ? null : { kind: p.kind, target, cursor: cursorOf(url.searchParams) };
  }
  return null;
}

/** The account a read concerns (an id or "@handle"), for the distinct-profiles rule. */
export function accountOf(r: { kind: string; target: string }): string | null {
  if (r.kind === "account") return r.target;
  if (r.kind === "account_list") return r.target.slice(0, r.target.lastIndexOf("/"));
  return null;
}
