// What every inbox handler does first: classify the activity (origin checks, in the mappers),
// refuse blocked servers and suspended senders, and find the accounts involved. Refusals are
// logged with their reason and otherwise ignored: the sender gets its 202 either way (Fedify
// answered before the queue ran us), and telling a blocked server that it is blocked helps no one.
import type { InboxContext } from "@fedify/fedify";
import type { Activity } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import { and, eq, isNull } from "drizzle-orm";
import { accounts, homeFeed, statuses } from "../../db/schema/index.ts";
import type { Ctx } from "../../domain/context.ts";
import { NO_EVENTS } from "../../domain/events.ts";
import { serverStanding } from "../../domain/federation-policy/standing.ts";
import type { Viewer } from "../../domain/audience/viewer.ts";
import { fanOutStatus } from "../../domain/timelines/fanout.ts";
import { classifyActivity, type ClassifiedActivity } from "../mappers/activity.ts";
import { hostOf, isMapError } from "../mappers/common.ts";
import { isBlockedHost, resolveRemoteAccount } from "../resolve.ts";
import type { AccountRow, StatusRow } from "../resolve-store.ts";

export type InboxCtx = InboxContext<Ctx>;
export type { AccountRow, StatusRow };

export const logger = getLogger(["caracol", "federation", "inbox"]);

export function ignore(c: { type: string; id: string }, reason: string): void {
  logger.info("Ignored {type} {id}: {reason}", { type: c.type, id: c.id, reason });
}

/**
 * The Ctx for domain functions called on behalf of a remote server: no domain events, so that
 * nothing received is echoed back out by the outbox (a remote Delete is not ours to federate).
 */
export function quiet(ctx: Ctx): Ctx {
  return { ...ctx, events: NO_EVENTS };
}

/** The classified activity of type T (members that cover several types, Create | Update, narrowed). */
export type Of<T extends ClassifiedActivity["type"]> = ClassifiedActivity & { type: T };

/** The classified activity when it passes the origin checks and its server is not blocked. */
export async function classify<T extends ClassifiedActivity["type"]>(
  ictx: InboxCtx,
  activity: Activity,
  ...types: T[]
): Promise<Of<T> | null> {
  const ctx = ictx.data;
  const c = await classifyActivity(activity, { localOrigin: ctx.config.origin });
  if (isMapError(c)) {
    logger.info("Refused {id}: {code}: {reason}", { id: activity.id?.href ?? "(no id)", code: c.code, reason: c.reason });
    return null;
  }
  if (!types.includes(c.type as T)) {
    ignore(c, `not one of ${types.join(", ")}`);
    return null;
  }
  if (await isBlockedHost(ctx, hostOf(c.actor))) {
    ignore(c, "the sender's server is blocked");
    return null;
  }
  return c as Of<T>;
}

/** The sender as an account (fetched if new or stale); null, logged, when unusable or suspended. */
export async function sender(ictx: InboxCtx, c: ClassifiedActivity): Promise<AccountRow | null> {
  const account = await resolveRemoteAccount(ictx, c.actor);
  if (!account) ignore(c, `could not resolve the actor ${c.actor}`);
  else if (account.suspendedAt) ignore(c, "the sender is suspended");
  else return account;
  return null;
}

/** The sender when we already know it; for Undo and Delete, where an unknown actor has nothing to undo. */
export async function knownSender(ictx: InboxCtx, c: ClassifiedActivity): Promise<AccountRow | null> {
  const [account] = await ictx.data.db.select().from(accounts).where(eq(accounts.uri, c.actor));
  if (!account) ignore(c, "unknown actor: nothing to undo or delete");
  return account ?? null;
}

export async function localAccountByUri(ctx: Ctx, uri: string | null): Promise<AccountRow | null> {
  if (!uri) return null;
  const [row] = await ctx.db
    .select()
    .from(accounts)
    .where(and(eq(accounts.uri, uri), isNull(accounts.domain), isNull(accounts.suspendedAt)));
  return row ?? null;
}

export async function statusByUri(ctx: Ctx, uri: string | null): Promise<StatusRow | null> {
  if (!uri) return null;
  const [row] = await ctx.db.select().from(statuses).where(eq(statuses.uri, uri));
  return row ?? null;
}

/** The gate's view of a remote account (for checks such as "may they see the post they like?"). */
export async function remoteViewerOf(ctx: Ctx, account: AccountRow): Promise<Viewer> {
  const domain = account.domain ?? "";
  return { kind: "remote", accountId: account.id, domain, standing: await serverStanding(ctx, domain) };
}

/** Home feeds of the local accounts that may see a status that just arrived. */
export async function fanOut(ctx: Ctx, row: StatusRow): Promise<void> {
  await fanOutStatus(quiet(ctx), row);
  // fanOutStatus also files the post under its author, who here is remote and has no home feed.
  await ctx.db.delete(homeFeed).where(and(eq(homeFeed.accountId, row.accountId), eq(homeFeed.statusId, row.id)));
}
