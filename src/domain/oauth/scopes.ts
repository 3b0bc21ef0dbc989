// Mastodon's OAuth scopes, granular ones included, and what each grants in plain words.

const READ = ["accounts", "blocks", "bookmarks", "favourites", "filters", "follows", "lists", "mutes", "notifications", "search", "statuses"] as const;
const WRITE = ["accounts", "blocks", "bookmarks", "conversations", "favourites", "filters", "follows", "lists", "media", "mutes", "notifications", "reports", "statuses"] as const;
const ADMIN = ["accounts", "reports", "domain_allows", "domain_blocks", "ip_blocks", "email_domain_blocks", "canonical_email_blocks"] as const;

/**
 * Caracol's narrowing scopes: an app asks for them to get less, never more. They grant nothing
 * by themselves, are accepted whether or not the app registered them, and turn on the same
 * narrowing a person can choose on the consent page (decision record in notes/apps.md).
 */
export const NARROWING_SCOPES = ["caracol:no_direct", "caracol:no_private"] as const;
export type NarrowingScope = (typeof NARROWING_SCOPES)[number];
const NARROWING = new Set<string>(NARROWING_SCOPES);
export const isNarrowingScope = (s: string): s is NarrowingScope => NARROWING.has(s);

/** The narrowing an app asked for through its scopes. */
export function narrowingOfScopes(scopes: Iterable<string>): { noDirect: boolean; noOthersFollowersOnly: boolean } {
  const set = new Set(scopes);
  return { noDirect: set.has("caracol:no_direct"), noOthersFollowersOnly: set.has("caracol:no_private") };
}

export const ALL_SCOPES = [
  "read",
  "write",
  "follow",
  "push",
  "profile",
  "admin:read",
  "admin:write",
  ...READ.map((s) => `read:${s}` as const),
  ...WRITE.map((s) => `write:${s}` as const),
  ...ADMIN.map((s) => `admin:read:${s}` as const),
  ...ADMIN.map((s) => `admin:write:${s}` as const),
  ...NARROWING_SCOPES,
] as const;

export type Scope = (typeof ALL_SCOPES)[number];

const KNOWN = new Set<string>(ALL_SCOPES);

export function isScope(s: string): s is Scope {
  return KNOWN.has(s);
}

/** Parses a space- (or `+`-) separated scope string. Returns null if any scope is unknown. */
export function parseScopes(input: string | undefined | null, fallback = "read"): Scope[] | null {
  const parts = (input ?? "").split(/[\s+]+/).filter(Boolean);
  const list = parts.length ? parts : fallback.split(" ");
  if (!list.every(isScope)) return null;
  return [...new Set(list)] as Scope[];
}

/** The legacy `follow` scope is an alias of the follows/blocks/mutes scopes. */
const FOLLOW_ALIASES = new Set(["read:follows", "write:follows", "read:blocks", "write:blocks", "read:mutes", "write:mutes"]);

/** Whether a set of granted scopes satisfies one required scope. */
export function hasScope(granted: ReadonlySet<string>, required: Scope): boolean {
  if (isNarrowingScope(required)) return true;
  if (granted.has(required)) return true;
  const parts = required.split(":");
  if (parts[0] === "admin") return parts.length === 3 && granted.has(`admin:${parts[1]}`);
  if (parts.length === 2 && granted.has(parts[0])) return true;
  if (FOLLOW_ALIASES.has(required) && granted.has("follow")) return true;
  return false;
}

/** Every requested scope must be within what the app registered (narrowing scopes always are). */
export function scopesWithin(requested: readonly string[], registered: readonly string[]): boolean {
  const reg = new Set(registered);
  return requested.every((s) => hasScope(reg, s as Scope));
}

const PLAIN: Record<string, string> = {
  read: "Read everything your account can see: your posts, the posts of people you follow (followers-only posts included), your direct messages, notifications, lists, bookmarks, favourites, blocks and mutes",
  write: "Act as you: post, edit and delete posts, follow and unfollow, block, mute, change your profile, upload media",
  follow: "See and change who you follow, block and mute",
  push: "Send you push notifications",
  profile: "Read your own profile (name, handle, avatar) only",
  "admin:read": "Read moderation data of this server (accounts, reports, blocks)",
  "admin:write": "Take moderation actions on this server",
  "caracol:no_direct": "Not read your direct messages, neither those you sent nor those you received (this limits the app)",
  "caracol:no_private": "Not read the followers-only, circle and local-only posts of other people (this limits the app)",
};

/** Plain words for the consent page. */
export function describeScope(scope: string): string {
  if (PLAIN[scope]) return PLAIN[scope];
  const [kind, what, more] = scope.split(":");
  const thing = (more ?? what ?? "").replaceAll("_", " ");
  if (kind === "read") return `Read your ${thing}`;
  if (kind === "write") return `Change your ${thing}`;
  if (kind === "admin") return `${what === "read" ? "Read" : "Change"} this server's ${thing} (moderation)`;
  return scope;
}
