// Writes what the mappers made of remote documents: accounts upserted by uri, statuses inserted
// once by uri (a repeat finds the existing row), edits kept in status_edits, boosts as reblog
// rows. No fetching here, no notifications or fan-out: callers decide those, because a post
// that was delivered to us is news and one fetched for a thread is not.
import { and, eq, inArray, sql } from "drizzle-orm";
import { accounts, AUDIENCES, mentions, statusEdits, statuses, type Audience } from "../db/schema/index.ts";
import type { Db } from "../db/client.ts";
import type { Ctx } from "../domain/context.ts";
import { newId } from "../lib/id.ts";
import { serverPolicy } from "../domain/federation-policy/standing.ts";
import { setStatusMentions, setStatusTags } from "../domain/statuses/content.ts";
import { COUNTED_REPLY_AUDIENCES } from "../domain/statuses/create.ts";
import type { RemoteAccountRecord } from "./mappers/actor.ts";
import type { RemoteStatusRecord } from "./mappers/note.ts";
import { resolveLogger as logger } from "./resolve-context.ts";
import { remoteMediaValues, replaceRemoteMedia, sameMedia, statusMedia } from "./remote-media.ts";

export type AccountRow = typeof accounts.$inferSelect;
export type StatusRow = typeof statuses.$inferSelect;

export function narrower(a: Audience, b: Audience): Audience {
  return AUDIENCES.indexOf(a) <= AUDIENCES.indexOf(b) ? a : b;
}

export async function accountByUri(ctx: Ctx, uri: string): Promise<AccountRow | null> {
  const [row] = await ctx.db.select().from(accounts).where(eq(accounts.uri, uri));
  return row ?? null;
}

export async function statusByUri(ctx: Ctx, uri: string): Promise<StatusRow | null> {
  const [row] = await ctx.db.select().from(statuses).where(eq(statuses.uri, uri));
  return row ?? null;
}

function accountValues(r: RemoteAccountRecord) {
  return {
    username: r.username,
    domain: r.domain,
    uri: r.uri,
    url: r.url,
    inboxUrl: r.inboxUrl,
    sharedInboxUrl: r.sharedInboxUrl,
    followersUrl: r.followersUrl,
    displayName: r.displayName,
    note: r.note,
    fields: r.fields,
    avatarUrl: r.avatarUrl,
    headerUrl: r.headerUrl,
    locked: r.locked,
    bot: r.bot,
    discoverable: r.discoverable,
    indexable: r.indexable,
    updatedAt: new Date(),
  };
}

/** Inserts or refreshes a remote account by uri; null when it cannot be stored (a name clash). */
export async function upsertRemoteAccount(ctx: Ctx, r: RemoteAccountRecord): Promise<AccountRow | null> {
  const existing = await accountByUri(ctx, r.uri);
  // A server saying its account is suspended is believed; lifting a suspension is for our admins.
  const suspended = r.suspended ? { suspendedAt: existing?.suspendedAt ?? new Date() } : {};
  if (existing) {
    if (existing.domain === null) return null;
    try {
      const [row] = await ctx.db.update(accounts).set({ ...accountValues(r), ...suspended }).where(eq(accounts.id, existing.id)).returning();
      return row ?? existing;
    } catch (error) {
      // A rename onto a name another actor of that server holds: keep what we had.
      logger.warn("Could not refresh {uri}: {error}", { uri: r.uri, error: String(error) });
      return existing;
    }
  }
  const [row] = await ctx.db
    .insert(accounts)
    .values({ id: newId(), ...accountValues(r), ...suspended })
    .onConflictDoNothing()
    .returning();
  if (row) return row;
  const again = await accountByUri(ctx, r.uri);
  if (!again) logger.warn("{username}@{domain} is already held by another actor; {uri} not stored", { username: r.username, domain: r.domain, uri: r.uri });
  return again;
}

/** Local and already known accounts that the post mentions or addresses; nothing is fetched. */
async function addressedAccounts(ctx: Ctx, r: RemoteStatusRecord): Promise<AccountRow[]> {
  const uris = [...new Set([...r.mentions, ...r.recipients])].slice(0, 300);
  if (uris.length === 0) return [];
  return ctx.db.select().from(accounts).where(inArray(accounts.uri, uris));
}

export type Stored = { row: StatusRow; created: boolean; mentionedLocal: string[] };

/** Stores a remote post once; a second call with the same uri changes nothing. */
export async function storeRemoteStatus(ctx: Ctx, r: RemoteStatusRecord, author: AccountRow, parent: StatusRow | null): Promise<Stored> {
  const existing = await statusByUri(ctx, r.uri);
  if (existing) return { row: existing, created: false, mentionedLocal: [] };
  const now = new Date();
  // Ids sort by time: a post gets the time it says it was published, never one in the future.
  const at = r.published && r.published < now ? r.published : now;
  const addressed = await addressedAccounts(ctx, r);
  const media = remoteMediaValues(r.attachments);
  // Pleroma's followers_only: a server held to it has its posts stored as followers-only here
  const audience = r.audience !== "direct" && r.audience !== "followers" && (await serverPolicy(ctx, author.domain ?? "")).followersOnly ? "followers" : r.audience;
  const row: StatusRow = {
    id: newId(at),
    uri: r.uri,
    url: r.url,
    accountId: author.id,
    inReplyToId: parent?.id ?? null,
    inReplyToAccountId: parent?.accountId ?? null,
    reblogOfId: null,
    content: r.content,
    text: "",
    spoilerText: r.spoilerText,
    sensitive: r.sensitive || r.spoilerText !== "",
    language: r.language,
    audience,
    localOnly: false,
    applicationId: null,
    circleId: null,
    repliesCount: 0,
    reblogsCount: 0,
    favouritesCount: 0,
    createdAt: at,
    editedAt: r.updated && r.updated > at && r.updated <= now ? r.updated : null,
  };
  const created = await ctx.db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    const done = await db.insert(statuses).values(row).onConflictDoNothing().returning({ id: statuses.id });
    if (done.length === 0) return false;
    if (addressed.length) await db.insert(mentions).values(addressed.map((a) => ({ statusId: row.id, accountId: a.id }))).onConflictDoNothing();
    await setStatusTags(db, row.id, r.hashtags);
    await replaceRemoteMedia(db, row.id, author.id, media, at);
    if (audience !== "direct") {
      await db.update(accounts).set({ statusesCount: sql`${accounts.statusesCount} + 1`, lastStatusAt: at }).where(eq(accounts.id, author.id));
    }
    if (parent && COUNTED_REPLY_AUDIENCES.has(audience)) {
      await db.update(statuses).set({ repliesCount: sql`${statuses.repliesCount} + 1` }).where(eq(statuses.id, parent.id));
    }
    return true;
  });
  if (!created) return { row: (await statusByUri(ctx, r.uri)) ?? row, created: false, mentionedLocal: [] };
  return { row, created: true, mentionedLocal: addressed.filter((a) => a.domain === null).map((a) => a.id) };
}

/**
 * An Update of a remote post: the replaced version goes to status_edits. The audience can only
 * narrow (an edit never shows a post to people it was not shown to). Returns the local accounts
 * newly mentioned, or null when nothing changed (a repeated Update).
 */
export async function applyRemoteEdit(ctx: Ctx, current: StatusRow, r: RemoteStatusRecord): Promise<string[] | null> {
  const content = r.content;
  const sensitive = r.sensitive || r.spoilerText !== "";
  const audience = narrower(current.audience, r.audience);
  const media = remoteMediaValues(r.attachments);
  const mediaSame = sameMedia(await statusMedia(ctx.db, current.id), media);
  if (content === current.content && r.spoilerText === current.spoilerText && sensitive === current.sensitive && audience === current.audience && mediaSame) return null;
  const now = new Date();
  let addressed = await addressedAccounts(ctx, r);
  if (current.audience === "direct" || current.audience === "followers") {
    // There a mention is what lets someone see the post: an edit may drop people, never add them.
    const before = new Set((await ctx.db.select({ id: mentions.accountId }).from(mentions).where(eq(mentions.statusId, current.id))).map((m) => m.id));
    addressed = addressed.filter((a) => before.has(a.id));
  }
  let added: string[] = [];
  await ctx.db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    await db.insert(statusEdits).values({
      id: newId(),
      statusId: current.id,
      content: current.content,
      text: current.text,
      spoilerText: current.spoilerText,
      sensitive: current.sensitive,
      createdAt: current.editedAt ?? current.createdAt,
    });
    await db
      .update(statuses)
      .set({ content, spoilerText: r.spoilerText, sensitive, language: r.language, audience, editedAt: r.updated && r.updated <= now ? r.updated : now })
      .where(eq(statuses.id, current.id));
    added = await setStatusMentions(db, current.id, addressed.map((a) => a.id));
    await setStatusTags(db, current.id, r.hashtags);
    // The new version's attachments replace the old ones (earlier versions keep only their text).
    if (!mediaSame) await replaceRemoteMedia(db, current.id, current.accountId, media, now);
  });
  const local = new Set(addressed.filter((a) => a.domain === null).map((a) => a.id));
  return added.filter((id) => local.has(id));
}

/** A boost by a remote account; the audience is the narrower of the boost's and the post's. */
export async function storeRemoteReblog(ctx: Ctx, uri: string, booster: AccountRow, original: StatusRow, audience: Audience, published: Date | null): Promise<{ row: StatusRow; created: boolean }> {
  const [existing] = await ctx.db
    .select()
    .from(statuses)
    .where(and(eq(statuses.accountId, booster.id), eq(statuses.reblogOfId, original.id)));
  if (existing) return { row: existing, created: false };
  const now = new Date();
  const at = published && published < now ? published : now;
  const row: StatusRow = {
    id: newId(at),
    uri,
    url: null,
    accountId: booster.id,
    inReplyToId: null,
    inReplyToAccountId: null,
    reblogOfId: original.id,
    content: "",
    text: "",
    spoilerText: "",
    sensitive: false,
    language: null,
    audience: narrower(original.audience, audience),
    localOnly: original.localOnly,
    applicationId: null,
    circleId: null,
    repliesCount: 0,
    reblogsCount: 0,
    favouritesCount: 0,
    createdAt: at,
    editedAt: null,
  };
  const created = await ctx.db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    const done = await db.insert(statuses).values(row).onConflictDoNothing().returning({ id: statuses.id });
    if (done.length === 0) return false;
    await db.update(statuses).set({ reblogsCount: sql`${statuses.reblogsCount} + 1` }).where(eq(statuses.id, original.id));
    await db.update(accounts).set({ statusesCount: sql`${accounts.statusesCount} + 1`, lastStatusAt: at }).where(eq(accounts.id, booster.id));
    return true;
  });
  if (!created) return { row: (await statusByUri(ctx, uri)) ?? row, created: false };
  return { row, created: true };
}
