// The one converter from status rows to Mastodon's Status entity, for one viewer. It asks the
// audience gate about every status (and the boosted one inside a boost) and drops what the
// viewer may not see, so no caller can leak a status by forgetting to check.
import { and, eq, inArray } from "drizzle-orm";
import { accounts, apps, bookmarks, favourites, mentions, pins, statuses, statusTags, tags } from "../../db/schema/index.ts";
import type { Ctx } from "../../domain/context.ts";
import { viewerAccountId, type Viewer } from "../../domain/audience/viewer.ts";
import { filterVisibleStatuses } from "../../domain/audience/facts.ts";
import { audienceToVisibility } from "../../domain/statuses/visibility.ts";
import { serializeAccounts, loadAccounts, type MastodonAccount } from "./account.ts";
import { loadMediaByStatus, type MastodonMediaAttachment } from "./media.ts";
import { toMastodonPreviewCard, type MastodonPreviewCard } from "./preview-card.ts";
import { remoteMediaUrls } from "../../domain/media/remote-proxy.ts";
import { cardsByStatus } from "../../domain/integrations/link-previews.ts";

export type StatusRow = typeof statuses.$inferSelect;

export type MastodonStatus = {
  id: string;
  uri: string;
  url: string | null;
  created_at: string;
  edited_at: string | null;
  account: MastodonAccount;
  content: string;
  text?: string;
  visibility: string;
  local_only: boolean;
  caracol: { audience: string; circle_id: string | null };
  sensitive: boolean;
  spoiler_text: string;
  media_attachments: MastodonMediaAttachment[];
  application: { name: string; website: string | null } | null;
  mentions: { id: string; username: string; url: string; acct: string }[];
  tags: { name: string; url: string }[];
  emojis: unknown[];
  reblogs_count: number;
  favourites_count: number;
  replies_count: number;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  reblog: MastodonStatus | null;
  poll: null;
  card: MastodonPreviewCard | null;
  language: string | null;
  favourited?: boolean;
  reblogged?: boolean;
  muted?: boolean;
  bookmarked?: boolean;
  pinned?: boolean;
  filtered?: unknown[];
};

async function idSet(rows: Promise<{ id: string }[]>): Promise<Set<string>> {
  return new Set((await rows).map((r) => r.id));
}

/** Serialises statuses the viewer may see, in the given order; the rest are dropped. */
export async function serializeStatuses(ctx: Ctx, viewer: Viewer, rows: readonly StatusRow[]): Promise<MastodonStatus[]> {
  if (rows.length === 0) return [];
  const innerIds = [...new Set(rows.map((r) => r.reblogOfId).filter((x): x is string => !!x))];
  const inners = innerIds.length ? await ctx.db.select().from(statuses).where(inArray(statuses.id, innerIds)) : [];
  const all = [...rows, ...inners];
  const visibleIds = new Set((await filterVisibleStatuses(ctx, viewer, all)).map((s) => s.id));
  const innerById = new Map(inners.map((s) => [s.id, s]));
  const kept = rows.filter((r) => visibleIds.has(r.id) && (!r.reblogOfId || visibleIds.has(r.reblogOfId)));
  if (kept.length === 0) return [];
  const used = [...kept, ...kept.flatMap((r) => (r.reblogOfId ? [innerById.get(r.reblogOfId)!] : []))];
  const ids = used.map((s) => s.id);

  const mentionRows = await ctx.db
    .select({ statusId: mentions.statusId, id: accounts.id, username: accounts.username, domain: accounts.domain, url: accounts.url, uri: accounts.uri })
    .from(mentions)
    .innerJoin(accounts, eq(accounts.id, mentions.accountId))
    .where(inArray(mentions.statusId, ids));
  const tagRows = await ctx.db
    .select({ statusId: statusTags.statusId, name: tags.name })
    .from(statusTags)
    .innerJoin(tags, eq(tags.id, statusTags.tagId))
    .where(inArray(statusTags.statusId, ids));
  const mediaByStatus = await loadMediaByStatus(ctx, ids);
  const cards = await cardsByStatus(ctx, used);
  const proxy = cards.size ? await remoteMediaUrls(ctx) : undefined;
  const accountRows = await loadAccounts(ctx, used.map((s) => s.accountId));
  const serializedAccounts = await serializeAccounts(ctx, viewer, accountRows);
  const me = viewerAccountId(viewer);
  const [faved, marked, pinned, reblogged] = me
    ? await Promise.all([
        idSet(ctx.db.select({ id: favourites.statusId }).from(favourites).where(and(eq(favourites.accountId, me), inArray(favourites.statusId, ids)))),
        idSet(ctx.db.select({ id: bookmarks.statusId }).from(bookmarks).where(and(eq(bookmarks.accountId, me), inArray(bookmarks.statusId, ids)))),
        idSet(ctx.db.select({ id: pins.statusId }).from(pins).where(and(eq(pins.accountId, me), inArray(pins.statusId, ids)))),
        ctx.db
          .select({ id: statuses.reblogOfId })
          .from(statuses)
          .where(and(eq(statuses.accountId, me), inArray(statuses.reblogOfId, ids)))
          .then((r) => new Set(r.map((x) => x.id!))),
      ])
    : [new Set<string>(), new Set<string>(), new Set<string>(), new Set<string>()];
  const ownAppIds = [...new Set(used.filter((s) => s.accountId === me && s.applicationId).map((s) => s.applicationId!))];
  const appRows = ownAppIds.length ? await ctx.db.select().from(apps).where(inArray(apps.id, ownAppIds)) : [];
  const appById = new Map(appRows.map((a) => [a.id, a]));

  const { origin } = ctx.config;
  const one = (s: StatusRow, reblog: MastodonStatus | null): MastodonStatus | null => {
    const account = serializedAccounts.get(s.accountId);
    if (!account) return null;
    const app = s.accountId === me && s.applicationId ? appById.get(s.applicationId) : undefined;
    const out: MastodonStatus = {
      id: s.id,
      uri: s.uri,
      url: s.url,
      created_at: s.createdAt.toISOString(),
      edited_at: s.editedAt?.toISOString() ?? null,
      account,
      content: s.content,
      visibility: audienceToVisibility(s.audience),
      local_only: s.localOnly,
      caracol: { audience: s.audience, circle_id: s.circleId },
      sensitive: s.sensitive,
      spoiler_text: s.spoilerText,
      media_attachments: mediaByStatus.get(s.id) ?? [],
      application: app ? { name: app.name, website: app.website } : null,
      mentions: mentionRows
        .filter((m) => m.statusId === s.id)
        .map((m) => ({ id: m.id, username: m.username, url: m.url ?? m.uri, acct: m.domain ? `${m.username}@${m.domain}` : m.username })),
      tags: tagRows.filter((t) => t.statusId === s.id).map((t) => ({ name: t.name, url: `${origin}/tags/${encodeURIComponent(t.name)}` })),
      emojis: [],
      reblogs_count: s.reblogsCount,
      favourites_count: s.favouritesCount,
      replies_count: s.repliesCount,
      in_reply_to_id: s.inReplyToId,
      in_reply_to_account_id: s.inReplyToAccountId,
      reblog,
      poll: null,
      card: cards.has(s.id) ? toMastodonPreviewCard(cards.get(s.id)!, proxy) : null,
      language: s.language,
    };
    if (me) {
      out.favourited = faved.has(s.id);
      out.reblogged = reblogged.has(s.id);
      out.muted = false;
      out.bookmarked = marked.has(s.id);
      out.filtered = [];
      if (s.accountId === me) out.pinned = pinned.has(s.id);
    }
    return out;
  };

  const result: MastodonStatus[] = [];
  for (const r of kept) {
    let reblog: MastodonStatus | null = null;
    if (r.reblogOfId) {
      reblog = one(innerById.get(r.reblogOfId)!, null);
      if (!reblog) continue;
    }
    const s = one(r, reblog);
    if (s) result.push(s);
  }
  return result;
}

export async function serializeStatus(ctx: Ctx, viewer: Viewer, row: StatusRow): Promise<MastodonStatus | null> {
  return (await serializeStatuses(ctx, viewer, [row]))[0] ?? null;
}

/** Loads a status by id if the viewer may see it; null otherwise (callers answer 404 either way). */
export async function findVisibleStatus(ctx: Ctx, viewer: Viewer, id: string): Promise<StatusRow | null> {
  if (!/^\d{1,19}$/.test(id)) return null;
  const [row] = await ctx.db.select().from(statuses).where(eq(statuses.id, id));
  if (!row) return null;
  const visible = await filterVisibleStatuses(ctx, viewer, [row]);
  return visible.length ? row : null;
}
