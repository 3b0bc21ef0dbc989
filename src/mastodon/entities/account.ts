// The one converter from account rows to Mastodon's Account entity. What each viewer sees of a
// profile is decided by the audience gate (profileView); hidden parts are blanked here.
import { count, eq, inArray } from "drizzle-orm";
import { accounts, followRequests, users } from "../../db/schema/index.ts";
import type { Ctx } from "../../domain/context.ts";
import { mediaRejected } from "../../domain/federation-policy/rule-effects.ts";
import type { Viewer } from "../../domain/audience/viewer.ts";
import { profileFacts, profileView, type ProfileView } from "../../domain/audience/facts.ts";
import { defaultAvatarUrl, defaultHeaderUrl } from "../../domain/accounts/urls.ts";
import { profileAudiencesFrom } from "../../domain/audience/profile.ts";
import { remoteMediaUrls, type ProxyUrl } from "../../domain/media/remote-proxy.ts";

export type AccountRow = typeof accounts.$inferSelect;

export type MastodonAccount = {
  id: string;
  username: string;
  acct: string;
  url: string;
  uri: string;
  display_name: string;
  note: string;
  avatar: string;
  avatar_static: string;
  header: string;
  header_static: string;
  locked: boolean;
  fields: { name: string; value: string; verified_at: string | null }[];
  emojis: unknown[];
  bot: boolean;
  group: boolean;
  discoverable: boolean | null;
  indexable: boolean;
  noindex: boolean;
  hide_collections: boolean;
  created_at: string;
  last_status_at: string | null;
  statuses_count: number;
  followers_count: number;
  following_count: number;
  roles: unknown[];
  source?: unknown;
  role?: unknown;
};

/** Mastodon truncates join dates to the day; we do the same, and hide them when the gate says so. */
const HIDDEN_DATE = "1970-01-01T00:00:00.000Z";

export function accountToMastodon(ctx: Ctx, a: AccountRow, view: ProfileView, proxy: ProxyUrl = (u) => u): MastodonAccount {
  const { origin } = ctx.config;
  const p = view.parts;
  // A remote account's pictures go through the media proxy (an app loading them from the
  // remote server would tell it the reader's address); our own are served from /media.
  const picture = (url: string | null) => (a.domain ? proxy(url, "i") : url);
  const avatar = (p.avatar && picture(a.avatarUrl)) || defaultAvatarUrl(origin);
  const header = (p.header && picture(a.headerUrl)) || defaultHeaderUrl(origin);
  const day = new Date(a.createdAt);
  day.setUTCHours(0, 0, 0, 0);
  return {
    id: a.id,
    username: a.username,
    acct: a.domain ? `${a.username}@${a.domain}` : a.username,
    url: a.url ?? a.uri,
    uri: a.uri,
    display_name: p.displayName ? a.displayName : "",
    note: p.bio ? a.note : "",
    avatar,
    avatar_static: avatar,
    header,
    header_static: header,
    locked: a.locked,
    fields: p.fields ? a.fields.map((f) => ({ name: f.name, value: f.value, verified_at: f.verifiedAt ?? null })) : [],
    emojis: [],
    bot: a.bot,
    group: false,
    discoverable: a.discoverable,
    indexable: a.indexable,
    noindex: !a.indexable,
    hide_collections: !(p.followers && p.following),
    created_at: p.joinDate ? day.toISOString() : HIDDEN_DATE,
    last_status_at: p.posts && a.lastStatusAt ? a.lastStatusAt.toISOString().slice(0, 10) : null,
    statuses_count: p.statusesCount ? a.statusesCount : 0,
    followers_count: p.followersCount ? a.followersCount : 0,
    following_count: p.followingCount ? a.followingCount : 0,
    roles: [],
  };
}

/** Serialises many accounts for one viewer; accounts the viewer may not see at all are left out. */
export async function serializeAccounts(ctx: Ctx, viewer: Viewer, rows: readonly AccountRow[]): Promise<Map<string, MastodonAccount>> {
  const facts = await profileFacts(ctx, viewer, rows.map((r) => r.id));
  // reject_media: our default avatar and header for accounts of those servers
  const rejected = await mediaRejected(ctx, rows.map((r) => r.domain));
  const proxy = rows.some((r) => r.domain) ? await remoteMediaUrls(ctx) : undefined;
  const out = new Map<string, MastodonAccount>();
  for (const r of rows) {
    const view = profileView(viewer, facts.get(r.id)!);
    const shown = r.domain && rejected.has(r.domain) ? { ...r, avatarUrl: null, headerUrl: null } : r;
    if (view.visible) out.set(r.id, accountToMastodon(ctx, shown, view, proxy));
  }
  return out;
}

export async function loadAccounts(ctx: Ctx, ids: readonly string[]): Promise<AccountRow[]> {
  if (ids.length === 0) return [];
  return ctx.db.select().from(accounts).where(inArray(accounts.id, [...new Set(ids)]));
}

export async function serializeAccountById(ctx: Ctx, viewer: Viewer, id: string): Promise<MastodonAccount | null> {
  const rows = await loadAccounts(ctx, [id]);
  return (await serializeAccounts(ctx, viewer, rows)).get(id) ?? null;
}

/** The CredentialAccount of verify_credentials / update_credentials: the owner's full view plus `source`. */
export async function serializeCredentialAccount(ctx: Ctx, accountId: string): Promise<MastodonAccount | null> {
  const [row] = await ctx.db.select().from(accounts).innerJoin(users, eq(users.accountId, accounts.id)).where(eq(accounts.id, accountId));
  if (!row) return null;
  const viewer: Viewer = { kind: "local", accountId, scopes: null };
  const acc = (await serializeAccounts(ctx, viewer, [row.accounts])).get(accountId)!;
  const u = row.users;
  const sourceVisibility = u.defaultVisibility;
  const [requests] = await ctx.db.select({ n: count() }).from(followRequests).where(eq(followRequests.targetAccountId, accountId));
  const audiences = profileAudiencesFrom(u.privacy);
  // The owner sees everything, so "hidden" here means hidden from the open web, as the
  // "hide your network" switch of Mastodon apps expects.
  const hideCollections = audiences.followers !== "public" || audiences.following !== "public";
  return {
    ...acc,
    hide_collections: hideCollections,
    source: {
      note: row.accounts.noteSource,
      fields: row.accounts.fields.map((f) => ({ name: f.name, value: f.valueSource ?? f.value, verified_at: f.verifiedAt ?? null })),
      privacy: sourceVisibility,
      sensitive: u.defaultSensitive,
      language: u.defaultLanguage,
      follow_requests_count: requests?.n ?? 0,
      hide_collections: hideCollections,
      discoverable: row.accounts.discoverable,
      indexable: row.accounts.indexable,
      attribution_domains: [],
      caracol_profile_audiences: audiences,
      caracol_logged_out_access: u.privacy.loggedOutAccess ?? "all",
    },
    role: { id: u.role === "admin" ? "3" : u.role === "moderator" ? "2" : "-99", name: u.role === "user" ? "" : u.role, color: "", permissions: u.role === "admin" ? "1" : "0", highlighted: u.role !== "user" },
  };
}
