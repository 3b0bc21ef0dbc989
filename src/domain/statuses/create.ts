// Posting: validates, stores the status with its mentions and tags, updates the counters, then
// fans it out to home feeds and notifies the people it mentions.
import { and, eq, gt, sql } from "drizzle-orm";
import { accounts, circles, idempotencyKeys, statuses, users, type Audience } from "../../db/schema/index.ts";
import type { Db } from "../../db/client.ts";
import type { Ctx } from "../context.ts";
import { newId } from "../../lib/id.ts";
import { statusUri, statusUrl } from "../accounts/urls.ts";
import { filterVisibleStatuses } from "../audience/facts.ts";
import { notify } from "../notifications/notify.ts";
import { fanOutStatus } from "../timelines/fanout.ts";
import { audienceFromRequest, type MastodonVisibility } from "./visibility.ts";
import { countStatusChars, formatStatusText } from "./format.ts";
import { setStatusMentions, setStatusTags } from "./content.ts";
import { invalid, notFoundError } from "./errors.ts";
import { storedDefaultAudience } from "../accounts/privacy-settings.ts";
import { attachMedia, checkAttachable } from "../media/attach.ts";
import { MediaError } from "../media/errors.ts";

export type StatusRow = typeof statuses.$inferSelect;

export type NewStatus = {
  accountId: string;
  appId: string | null;
  text: string;
  spoilerText?: string;
  sensitive?: boolean;
  language?: string | null;
  inReplyToId?: string | null;
  visibility?: MastodonVisibility;
  localOnly?: boolean;
  caracolAudience?: Audience;
  circleId?: string | null;
  idempotencyKey?: string | null;
  /** the poster's own unattached uploads, in display order */
  mediaIds?: string[];
};

const IDEMPOTENCY_WINDOW_MS = 24 * 3600_000;

/** Audiences whose replies count in the parent's replies_count (and so are visible as a number). */
export const COUNTED_REPLY_AUDIENCES: ReadonlySet<Audience> = new Set(["public", "unlisted", "authenticated"]);

export function checkLength(ctx: Ctx, text: string, spoilerText: string): void {
  const max = ctx.config.maxStatusChars;
  if (countStatusChars(text) + countStatusChars(spoilerText) > max) throw invalid(`Text character limit of ${max} exceeded`);
}

/** An ISO 639-1 code, lower-cased; "" and null mean "not given". */
export function normalizeLanguage(language: string | null | undefined): string | null | undefined {
  if (language === undefined) return undefined;
  if (language === null || language === "") return null;
  if (!/^[a-z]{2}$/i.test(language)) throw invalid("Language is not a valid ISO 639-1 code");
  return language.toLowerCase();
}

async function findByIdempotencyKey(ctx: Ctx, accountId: string, key: string): Promise<StatusRow | null> {
  const since = new Date(Date.now() - IDEMPOTENCY_WINDOW_MS);
  const [row] = await ctx.db
    .select({ status: statuses })
    .from(idempotencyKeys)
    .innerJoin(statuses, eq(statuses.id, idempotencyKeys.statusId))
    .where(and(eq(idempotencyKeys.accountId, accountId), eq(idempotencyKeys.key, key), gt(idempotencyKeys.createdAt, since)));
  return row?.status ?? null;
}

async function resolveAudience(ctx: Ctx, input: NewStatus, defaultVisibility: MastodonVisibility, privacy: Record<string, string>) {
  // Without visibility or audience, the person's Caracol default audience (privacy settings) comes first.
  const defaultAudience = input.visibility || input.caracolAudience ? null : storedDefaultAudience(privacy, defaultVisibility);
  if (defaultAudience) input = { ...input, caracolAudience: defaultAudience, circleId: input.circleId ?? privacy.defaultCircleId };
  const { audience, localOnly } = audienceFromRequest(input.visibility ?? defaultVisibility, input.localOnly ?? false, input.caracolAudience);
  if (audience !== "circle") return { audience, localOnly, circleId: null };
  if (!input.circleId) throw invalid("caracol_circle_id is required for the circle audience");
  const [circle] = await ctx.db.select({ id: circles.id }).from(circles).where(eq(circles.id, input.circleId));
  if (!circle) throw invalid("caracol_circle_id does not name a known circle");
  return { audience, localOnly, circleId: circle.id };
}

/** The status a reply points at, if the poster may see it; replying to a boost replies to the boosted post. */
async function replyTarget(ctx: Ctx, accountId: string, id: string): Promise<StatusRow> {
  const viewer = { kind: "local" as const, accountId, scopes: null };
  let [row] = await ctx.db.select().from(statuses).where(eq(statuses.id, id));
  if (row?.reblogOfId) [row] = await ctx.db.select().from(statuses).where(eq(statuses.id, row.reblogOfId));
  if (!row || (await filterVisibleStatuses(ctx, viewer, [row])).length === 0) throw notFoundError();
  return row;
}

const asStatusError = (e: unknown): never => {
  throw e instanceof MediaError ? invalid(e.message) : e;
};

export async function createStatus(ctx: Ctx, input: NewStatus): Promise<{ status: StatusRow; created: boolean }> {
  const key = input.idempotencyKey?.slice(0, 200) || null;
  if (key) {
    const existing = await findByIdempotencyKey(ctx, input.accountId, key);
    if (existing) return { status: existing, created: false };
  }
  const text = input.text ?? "";
  const spoilerText = input.spoilerText ?? "";
  const mediaIds = input.mediaIds ?? [];
  // A post may be only media, as in Mastodon.
  if (text.trim() === "" && mediaIds.length === 0) throw invalid("Text can't be blank");
  await checkAttachable(ctx.db, input.accountId, mediaIds).catch(asStatusError);
  checkLength(ctx, text, spoilerText);
  const language = normalizeLanguage(input.language);

  const [author] = await ctx.db
    .select({ username: accounts.username, defaultVisibility: users.defaultVisibility, defaultSensitive: users.defaultSensitive, defaultLanguage: users.defaultLanguage, privacy: users.privacy })
    .from(accounts)
    .innerJoin(users, eq(users.accountId, accounts.id))
    .where(eq(accounts.id, input.accountId));
  if (!author) throw notFoundError();
  const { audience, localOnly, circleId } = await resolveAudience(ctx, input, author.defaultVisibility, author.privacy);
  const parent = input.inReplyToId ? await replyTarget(ctx, input.accountId, input.inReplyToId) : null;
  const formatted = await formatStatusText(ctx, text);

  const id = newId();
  const now = new Date();
  const row: StatusRow = {
    id,
    uri: statusUri(ctx.config.origin, author.username, id),
    url: statusUrl(ctx.config.origin, author.username, id),
    accountId: input.accountId,
    inReplyToId: parent?.id ?? null,
    inReplyToAccountId: parent?.accountId ?? null,
    reblogOfId: null,
    content: formatted.html,
    text,
    spoilerText,
    // Mastodon marks a post with a content warning as sensitive.
    sensitive: (input.sensitive ?? author.defaultSensitive) || spoilerText.trim() !== "",
    language: language === undefined ? author.defaultLanguage : language,
    audience,
    localOnly,
    applicationId: input.appId,
    circleId,
    repliesCount: 0,
    reblogsCount: 0,
    favouritesCount: 0,
    createdAt: now,
    editedAt: null,
  };
  await ctx.db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    await db.insert(statuses).values(row);
    await setStatusMentions(db, id, formatted.mentionedAccountIds);
    await setStatusTags(db, id, formatted.tags);
    if (mediaIds.length) await attachMedia(db, input.accountId, id, mediaIds).catch(asStatusError);
    // Direct posts are left out of the visible activity of an account, as in Mastodon.
    if (audience !== "direct") {
      await db
        .update(accounts)
        .set({ statusesCount: sql`${accounts.statusesCount} + 1`, lastStatusAt: now })
        .where(eq(accounts.id, input.accountId));
    }
    if (parent && COUNTED_REPLY_AUDIENCES.has(audience)) {
      await db
        .update(statuses)
        .set({ repliesCount: sql`${statuses.repliesCount} + 1` })
        .where(eq(statuses.id, parent.id));
    }
    if (key) {
      await db
        .insert(idempotencyKeys)
        .values({ accountId: input.accountId, key, statusId: id, createdAt: now })
        .onConflictDoUpdate({ target: [idempotencyKeys.accountId, idempotencyKeys.key], set: { statusId: id, createdAt: now } });
    }
  });

  await fanOutStatus(ctx, row);
  for (const accountId of formatted.mentionedAccountIds) {
    await notify(ctx, { accountId, fromAccountId: input.accountId, type: "mention", statusId: id });
  }
  await ctx.events.emit({ type: "status.created", statusId: id });
  return { status: row, created: true };
}
