// Deleting a local account for real. Everything the person made or that is about their use of
// this server goes: posts (and their files), favourites, bookmarks, follows both ways, blocks,
// mutes, lists, filters, notifications to and from them, tokens, sessions, sign-ins, markers,
// and reports about them (the foreign keys cascade from the account row). Reports they filed
// stay, with the reporter removed: a person leaving must not erase the moderators' record of
// someone else's abuse (docs: the decision record in /work/notes/data.md).
// What remains is a tombstone: the username, so it is never handed out again, and the actor
// URI, answered with 410 Gone. Servers that knew the person are told through the outbox
// (account.deleted -> Delete of the actor, signed with the keys the event carries).
import { and, eq, inArray, isNotNull, isNull, or, sql } from "drizzle-orm";
import { accountKeys, accounts, accountTombstones, followRequests, follows, mediaAttachments, statuses } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { removeMediaFiles } from "../media/storage.ts";

export type DeletionPlan = {
  accountId: string;
  username: string;
  posts: number;
  media: number;
  following: number;
  followers: number;
  /** inboxes (shared ones deduplicated) that will receive the Delete */
  inboxes: string[];
  /** their hosts: "how many servers will be told" */
  servers: string[];
};

async function localAccount(ctx: Ctx, username: string) {
  const [row] = await ctx.db
    .select({ id: accounts.id, username: accounts.username, uri: accounts.uri })
    .from(accounts)
    .where(and(sql`lower(${accounts.username}) = lower(${username})`, isNull(accounts.domain)));
  return row ?? null;
}

/** Remote accounts related to `accountId` by a follow or a follow request, either way. */
async function remoteContacts(ctx: Ctx, accountId: string) {
  const ids = new Set<string>();
  for (const t of [follows, followRequests]) {
    const rows = await ctx.db.select({ a: t.accountId, b: t.targetAccountId }).from(t).where(or(eq(t.accountId, accountId), eq(t.targetAccountId, accountId)));
    for (const r of rows) ids.add(r.a === accountId ? r.b : r.a);
  }
  if (!ids.size) return [];
  return ctx.db
    .select({ id: accounts.id, uri: accounts.uri, inboxUrl: accounts.inboxUrl, sharedInboxUrl: accounts.sharedInboxUrl })
    .from(accounts)
    .where(and(inArray(accounts.id, [...ids]), isNotNull(accounts.domain)));
}

/** One inbox per server that knew the person: the shared inbox where there is one. */
function inboxesOf(contacts: { uri: string; inboxUrl: string | null; sharedInboxUrl: string | null }[]) {
  const byInbox = new Map<string, string>();
  for (const c of contacts) {
    const inbox = c.sharedInboxUrl || c.inboxUrl;
    if (inbox && !byInbox.has(inbox)) byInbox.set(inbox, c.uri);
  }
  return byInbox;
}

const hostOf = (u: string) => {
  try {
    return new URL(u).host;
  } catch {
    return u;
  }
};

export async function planDeletion(ctx: Ctx, username: string): Promise<DeletionPlan | null> {
  const account = await localAccount(ctx, username);
  if (!account) return null;
  const count = async (q: Promise<{ n: number }[]>) => Number((await q)[0]?.n ?? 0);
  const n = sql<number>`count(*)::int`;
  const inboxes = [...inboxesOf(await remoteContacts(ctx, account.id)).keys()];
  return {
    accountId: account.id,
    username: account.username,
    posts: await count(ctx.db.select({ n }).from(statuses).where(eq(statuses.accountId, account.id))),
    media: await count(ctx.db.select({ n }).from(mediaAttachments).where(eq(mediaAttachments.accountId, account.id))),
    following: await count(ctx.db.select({ n }).from(follows).where(eq(follows.accountId, account.id))),
    followers: await count(ctx.db.select({ n }).from(follows).where(eq(follows.targetAccountId, account.id))),
    inboxes,
    servers: [...new Set(inboxes.map(hostOf))],
  };
}

/** Deletes the account (see the top of this file) and queues the Delete for other servers. */
export async function deleteAccount(ctx: Ctx, username: string): Promise<DeletionPlan | null> {
  const plan = await planDeletion(ctx, username);
  if (!plan) return null;
  const id = plan.accountId;
  const [account] = await ctx.db.select({ uri: accounts.uri }).from(accounts).where(eq(accounts.id, id));
  const keys = await ctx.db.select({ type: accountKeys.type, privateKeyJwk: accountKeys.privateKeyJwk }).from(accountKeys).where(eq(accountKeys.accountId, id));
  const recipients = [...inboxesOf(await remoteContacts(ctx, id))].map(([inbox, actorUri]) => ({ inbox, actorUri }));
  const files = (await ctx.db.select({ key: mediaAttachments.storageKey }).from(mediaAttachments).where(eq(mediaAttachments.accountId, id))).map((r) => r.key);
  // whose counts change: the people they followed and the people following them
  const followed = (await ctx.db.select({ id: follows.targetAccountId }).from(follows).where(eq(follows.accountId, id))).map((r) => r.id);
  const followers = (await ctx.db.select({ id: follows.accountId }).from(follows).where(eq(follows.targetAccountId, id))).map((r) => r.id);
  const ownStatuses = ctx.db.select({ id: statuses.id }).from(statuses).where(eq(statuses.accountId, id));

  await ctx.db.transaction(async (tx) => {
    await tx.insert(accountTombstones).values({ username: plan.username.toLowerCase(), uri: account.uri }).onConflictDoNothing();
    // references without a foreign key: others' boosts of their posts go, replies stay unattached
    await tx.delete(statuses).where(inArray(statuses.reblogOfId, ownStatuses));
    await tx.update(statuses).set({ inReplyToAccountId: null }).where(eq(statuses.inReplyToAccountId, id));
    // the account row: every table that refers to it cascades (or sets null, for apps they made)
    await tx.delete(accounts).where(eq(accounts.id, id));
    if (followed.length) await tx.update(accounts).set({ followersCount: sql`greatest(${accounts.followersCount} - 1, 0)` }).where(inArray(accounts.id, followed));
    if (followers.length) await tx.update(accounts).set({ followingCount: sql`greatest(${accounts.followingCount} - 1, 0)` }).where(inArray(accounts.id, followers));
  });
  await removeMediaFiles(ctx.config, files);
  ctx.cache.delete(`keys:${id}`);
  await ctx.events.emit({ type: "account.deleted", accountId: id, username: plan.username, keys, recipients });
  return plan;
}

/** Whether a username belonged to a deleted account (it may not be registered again). */
export async function isTombstoned(ctx: Ctx, username: string): Promise<boolean> {
  const [row] = await ctx.db.select({ u: accountTombstones.username }).from(accountTombstones).where(eq(accountTombstones.username, username.toLowerCase()));
  return !!row;
}
