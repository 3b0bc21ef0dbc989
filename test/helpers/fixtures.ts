// Rows made directly with Drizzle, for tests that need statuses, follows and the like before (or
// without) the API that creates them. Shared: other test files may use these too.
import { eq, sql } from "drizzle-orm";
import {
  accounts,
  blocks,
  bookmarks,
  favourites,
  follows,
  mentions,
  mutes,
  notifications,
  statuses,
  statusTags,
  tags,
  type Audience,
  type NotificationType,
} from "../../src/db/schema/index.ts";
import type { Ctx } from "../../src/domain/context.ts";
import { newId } from "../../src/lib/id.ts";
import { fanOutStatus } from "../../src/domain/timelines/fanout.ts";
import { createLocalAccount } from "../../src/domain/accounts/create.ts";
import { issueToken } from "../../src/domain/oauth/tokens.ts";

type HasCtx = { ctx: Ctx };
export type StatusRow = typeof statuses.$inferSelect;

export type StatusInput = {
  audience?: Audience;
  text?: string;
  /** HTML; defaults to the text in a paragraph */
  content?: string;
  spoilerText?: string;
  localOnly?: boolean;
  reblogOfId?: string;
  inReplyToId?: string;
  inReplyToAccountId?: string;
  circleId?: string;
  /** hashtag names (without #), created as needed */
  tags?: string[];
  /** account ids mentioned */
  mentions?: string[];
  /** insert into home feeds as the statuses API would; on by default */
  fanOut?: boolean;
};

function escapeHtml(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

export async function makeStatus(app: HasCtx, accountId: string, input: StatusInput = {}): Promise<StatusRow> {
  const { ctx } = app;
  const id = newId();
  const text = input.text ?? (input.reblogOfId ? "" : `status ${id}`);
  const [row] = await ctx.db
    .insert(statuses)
    .values({
      id,
      uri: `${ctx.config.origin}/test-statuses/${id}`,
      url: `${ctx.config.origin}/test-statuses/${id}`,
      accountId,
      audience: input.audience ?? "public",
      localOnly: input.localOnly ?? input.audience === "local",
      text,
      content: input.content ?? (text ? `<p>${escapeHtml(text)}</p>` : ""),
      spoilerText: input.spoilerText ?? "",
      reblogOfId: input.reblogOfId ?? null,
      inReplyToId: input.inReplyToId ?? null,
      inReplyToAccountId: input.inReplyToAccountId ?? null,
      circleId: input.circleId ?? null,
    })
    .returning();
  for (const m of input.mentions ?? []) await ctx.db.insert(mentions).values({ statusId: id, accountId: m });
  for (const name of input.tags ?? []) {
    const tag = await ensureTag(app, name);
    await ctx.db.insert(statusTags).values({ statusId: id, tagId: tag.id });
  }
  if (input.fanOut !== false) await fanOutStatus(ctx, row);
  return row;
}

export async function ensureTag(app: HasCtx, name: string): Promise<typeof tags.$inferSelect> {
  const [found] = await app.ctx.db.select().from(tags).where(sql`lower(${tags.name}) = lower(${name})`);
  if (found) return found;
  const [row] = await app.ctx.db.insert(tags).values({ id: newId(), name }).returning();
  return row;
}

export async function follow(app: HasCtx, followerId: string, targetId: string, opts: { showReblogs?: boolean } = {}): Promise<void> {
  await app.ctx.db
    .insert(follows)
    .values({ id: newId(), accountId: followerId, targetAccountId: targetId, showReblogs: opts.showReblogs ?? true })
    .onConflictDoNothing();
}

export async function block(app: HasCtx, accountId: string, targetId: string): Promise<void> {
  await app.ctx.db.insert(blocks).values({ id: newId(), accountId, targetAccountId: targetId }).onConflictDoNothing();
}

export async function mute(app: HasCtx, accountId: string, targetId: string, opts: { hideNotifications?: boolean } = {}): Promise<void> {
  await app.ctx.db
    .insert(mutes)
    .values({ id: newId(), accountId, targetAccountId: targetId, hideNotifications: opts.hideNotifications ?? true })
    .onConflictDoNothing();
}

export async function favourite(app: HasCtx, accountId: string, statusId: string): Promise<string> {
  const id = newId();
  await app.ctx.db.insert(favourites).values({ id, accountId, statusId });
  return id;
}

export async function bookmark(app: HasCtx, accountId: string, statusId: string): Promise<string> {
  const id = newId();
  await app.ctx.db.insert(bookmarks).values({ id, accountId, statusId });
  return id;
}

/** A notification row as notify() would write it, without notify()'s checks. */
export async function notification(
  app: HasCtx,
  accountId: string,
  fromAccountId: string,
  type: NotificationType,
  statusId: string | null = null,
): Promise<string> {
  const id = newId();
  await app.ctx.db.insert(notifications).values({ id, accountId, fromAccountId, type, statusId });
  return id;
}

/** A remote account we know of (no users row). */
export async function remoteAccount(app: HasCtx, username: string, domain: string, opts: { discoverable?: boolean } = {}): Promise<string> {
  const id = newId();
  await app.ctx.db.insert(accounts).values({
    id,
    username,
    domain,
    uri: `https://${domain}/users/${username}`,
    url: `https://${domain}/@${username}`,
    inboxUrl: `https://${domain}/users/${username}/inbox`,
    discoverable: opts.discoverable ?? false,
  });
  return id;
}

export async function setAccount(app: HasCtx, id: string, values: Partial<typeof accounts.$inferInsert>): Promise<void> {
  await app.ctx.db.update(accounts).set(values).where(eq(accounts.id, id));
}

/** A new local admin `username`; returns an admin:read admin:write token of theirs. */
export async function newAdminToken(app: HasCtx, username: string): Promise<string> {
  const { accountId } = await createLocalAccount(app.ctx, { username, password: `${username} password!`, approved: true, role: "admin" });
  return (await issueToken(app.ctx, { appId: null, accountId, scopes: ["admin:read", "admin:write"] })).accessToken;
}
