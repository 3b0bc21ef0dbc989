// Create and Update of posts, and Update of actors.
//
// A post embedded by its own author's server is mapped as delivered (objectToStatus checks that
// it is attributed to the signed actor, on the actor's host); anything else (an object from
// another host, or only an id) is fetched from its origin and stored as the origin has it. A new
// post reaches the home feeds of the local accounts the gate lets see it, and the local
// accounts it mentions or addresses get a notification.
import type { Create, Update } from "@fedify/vocab";
import { isActor } from "@fedify/vocab";
import { and, eq, isNull } from "drizzle-orm";
import { accounts, follows, statuses } from "../../db/schema/index.ts";
import type { Ctx } from "../../domain/context.ts";
import { notify } from "../../domain/notifications/notify.ts";
import { canViewStatusRow } from "../../domain/audience/facts.ts";
import { actorToAccount } from "../mappers/actor.ts";
import { objectToStatus, statusTypeOf } from "../mappers/note.ts";
import { isMapError } from "../mappers/common.ts";
import { budget } from "../resolve-context.ts";
import { fetchStatusRecord, parentOf, resolveRemoteAccount, resolveRemoteStatusDetailed } from "../resolve.ts";
import { applyRemoteEdit, storeRemoteStatus, upsertRemoteAccount, type Stored } from "../resolve-store.ts";
import { classify, fanOut, ignore, quiet, sender, statusByUri, type InboxCtx, type StatusRow } from "./common.ts";

/** Fetches per delivered post: the post itself if needed, its author, and a missing parent. */
const FETCHES_PER_POST = 5;

/** What a newly arrived post sets off: home feeds, mention and "new post" notifications. */
async function delivered(ctx: Ctx, row: StatusRow, mentionedLocal: string[]): Promise<void> {
  await fanOut(ctx, row);
  const q = quiet(ctx);
  for (const accountId of mentionedLocal) await notify(q, { accountId, fromAccountId: row.accountId, type: "mention", statusId: row.id });
  if (row.inReplyToId) return;
  // People who asked to hear of every post of this account (follows.notify), if they may see it.
  const subscribers = await ctx.db
    .select({ id: follows.accountId })
    .from(follows)
    .innerJoin(accounts, eq(accounts.id, follows.accountId))
    .where(and(eq(follows.targetAccountId, row.accountId), eq(follows.notify, true), isNull(accounts.domain)));
  for (const s of subscribers) {
    if (mentionedLocal.includes(s.id)) continue;
    if (await canViewStatusRow(ctx, { kind: "local", accountId: s.id, scopes: null }, row)) {
      await notify(q, { accountId: s.id, fromAccountId: row.accountId, type: "status", statusId: row.id });
    }
  }
}

export async function onCreate(ictx: InboxCtx, activity: Create): Promise<void> {
  const c = await classify(ictx, activity, "Create");
  if (!c) return;
  if (c.actorUpdate) return ignore(c, "Create of an actor");
  const ref = c.object;
  if (ref.kind === "local") return ignore(c, "the object is ours");
  const author = await sender(ictx, c);
  if (!author) return;
  const ctx = ictx.data;
  const b = budget(FETCHES_PER_POST);
  let stored: Stored | null = null;
  if (ref.kind === "embedded") {
    if (statusTypeOf(ref.object) === null) return ignore(c, `${ref.type} is not a post`);
    const record = await objectToStatus(ref.object, { localOrigin: ctx.config.origin, authorUri: author.uri, followersUrl: author.followersUrl, source: ref.source });
    if (isMapError(record)) {
      if (!record.refetch) return ignore(c, record.reason);
      stored = await resolveRemoteStatusDetailed(ictx, record.refetch, { budget: b });
    } else {
      const parent = await parentOf(ictx, record.inReplyTo, { budget: b, parentDepth: 1 });
      stored = await storeRemoteStatus(ctx, record, author, parent);
    }
  } else {
    // Only an id, or an object some other host claims: what its origin serves is what we store.
    stored = await resolveRemoteStatusDetailed(ictx, ref.uri, { budget: b });
  }
  if (!stored) return ignore(c, "the post could not be stored");
  if (!stored.created) return; // a repeat: nothing more to do
  await delivered(ctx, stored.row, stored.mentionedLocal);
}

export async function onUpdate(ictx: InboxCtx, activity: Update): Promise<void> {
  const c = await classify(ictx, activity, "Update");
  if (!c) return;
  const ctx = ictx.data;
  const ref = c.object;
  if (c.actorUpdate) {
    if (ref.kind === "embedded" && isActor(ref.object)) {
      const record = await actorToAccount(ref.object, { localOrigin: ctx.config.origin });
      if (isMapError(record)) return ignore(c, record.reason);
      if (record.uri !== c.actor) return ignore(c, "an actor can only update itself");
      await upsertRemoteAccount(ctx, record);
    } else {
      await resolveRemoteAccount(ictx, c.actor, { refresh: true });
    }
    return;
  }
  if (ref.kind === "local") return ignore(c, "the object is ours");
  const author = await sender(ictx, c);
  if (!author) return;
  const current = await statusByUri(ctx, ref.uri);
  if (!current) return ignore(c, "an Update of a post we do not have");
  if (current.accountId !== author.id || current.reblogOfId) return ignore(c, "only the author can update a post");
  const record =
    ref.kind === "embedded"
      ? await objectToStatus(ref.object, { localOrigin: ctx.config.origin, authorUri: author.uri, followersUrl: author.followersUrl, source: ref.source })
      : await fetchStatusRecord(ictx, ref.uri, author);
  if (record === null) return ignore(c, "the new version could not be fetched");
  if (isMapError(record)) return ignore(c, record.reason);
  if (record.uri !== current.uri) return ignore(c, "the new version has another id");
  const added = await applyRemoteEdit(ctx, current, record);
  if (added === null) return; // nothing changed: a repeat
  const q = quiet(ctx);
  const boosters = await ctx.db
    .select({ id: statuses.accountId })
    .from(statuses)
    .innerJoin(accounts, eq(accounts.id, statuses.accountId))
    .where(and(eq(statuses.reblogOfId, current.id), isNull(accounts.domain)));
  for (const b of boosters) await notify(q, { accountId: b.id, fromAccountId: author.id, type: "update", statusId: current.id });
  for (const m of added) await notify(q, { accountId: m, fromAccountId: author.id, type: "mention", statusId: current.id });
}
