// Approval first, in the inbox: an activity from a server waiting for approval is kept aside
// (src/domain/federation-policy/approval.ts) instead of being handled, and put back through
// the very same inbox queue once an admin approves the server.
//
// Holding happens inside the listener, after Fedify verified the signature, so only what the
// server really sent is kept. Fedify then records the activity id as processed (idempotence,
// one day), which also makes a re-sent copy change nothing; replay therefore forgets that
// record before it queues the activity again. See docs/decisions (held-activity replay).
import crypto from "node:crypto";
import type { Message } from "@fedify/fedify";
import type { Activity } from "@fedify/vocab";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { accounts, statuses } from "../../db/schema/index.ts";
import type { Ctx } from "../../domain/context.ts";
import { localAccountByUsername } from "../../domain/accounts/create.ts";
import { holdActivity, type HeldActivity, type ReplayHeld } from "../../domain/federation-policy/approval.ts";
import { forgetStanding, serverStanding } from "../../domain/federation-policy/standing.ts";
import { DrizzleKvStore } from "../kv.ts";
import { DrizzleMessageQueue } from "../queue.ts";
import { hostOf } from "../mappers/common.ts";
import { fetchIntroduction } from "./introduction.ts";
import { logger, type InboxCtx } from "./common.ts";

/** What Fedify queues for a verified incoming activity (its type is not exported by name). */
type InboxMessage = Extract<Message, { type: "inbox" }>;

type Listener<A extends Activity> = (ictx: InboxCtx, activity: A) => void | Promise<void>;

/** The listener, except that activities from a server awaiting approval are held instead. */
export function heldWhilePending<A extends Activity>(listener: Listener<A>): Listener<A> {
  return async (ictx, activity) => {
    const host = hostOf(activity.actorId);
    if (host && (await pendingNow(ictx.data, host))) return hold(ictx, activity, host);
    return listener(ictx, activity);
  };
}

/** Pending, asked afresh: an approval made in another process must not be missed by our cache. */
async function pendingNow(ctx: Ctx, host: string): Promise<boolean> {
  if ((await serverStanding(ctx, host)) !== "pending") return false;
  forgetStanding(ctx, host);
  return (await serverStanding(ctx, host)) === "pending";
}

async function hold(ictx: InboxCtx, activity: Activity, host: string): Promise<void> {
  const ctx = ictx.data;
  // The origin rule the handlers apply (src/federation/mappers), applied before keeping
  // anything: an id on another host would let a pending server take another server's id.
  if (activity.id && hostOf(activity.id) !== host) {
    logger.info("Refused {id} from {host}, which awaits approval: its id is on another host", { id: activity.id.href, host });
    return;
  }
  // The payload exactly as sent (Fedify keeps it on the context for forwarding); re-serialised
  // only if a future Fedify stops doing so.
  const kept = (ictx as unknown as { activity?: unknown }).activity;
  const json = (kept && typeof kept === "object" ? kept : await activity.toJsonLd({ format: "compact", contextLoader: ictx.contextLoader })) as Record<string, unknown>;
  const owner = ictx.recipient ? await localAccountByUsername(ctx, ictx.recipient) : null;
  const type = typeof json.type === "string" ? json.type : activity.constructor.name;
  const id = activity.id?.href ?? null;
  const { outcome, firstContact } = await holdActivity(ctx, {
    domain: host,
    activity: json,
    activityId: id,
    type,
    inboxAccountId: owner?.id ?? null,
    localTargets: await localTargets(ctx, json),
  });
  logger.info("{type} {id} from {host}, which awaits approval: {outcome}", { type, id, host, outcome });
  if (firstContact && activity.actorId) {
    const origin = activity.actorId.origin;
    // In the background: the sender is not kept waiting for its own NodeInfo.
    void fetchIntroduction(ctx, origin, host).catch((error) => logger.warn("Could not store the introduction of {host}: {error}", { host, error }));
  }
}

const MAX_URLS = 200;

/** Local URLs anywhere in the activity (addressing, object, inReplyTo, mentions), up to a bound. */
function localUrls(ctx: Ctx, json: unknown): string[] {
  const origin = new URL(ctx.config.origin).origin + "/";
  const found = new Set<string>();
  const walk = (v: unknown, depth: number) => {
    if (found.size >= MAX_URLS || depth > 4) return;
    if (typeof v === "string") {
      if (v.startsWith(origin)) found.add(v);
    } else if (Array.isArray(v)) {
      for (const x of v.slice(0, MAX_URLS)) walk(x, depth + 1);
    } else if (v && typeof v === "object") {
      for (const x of Object.values(v).slice(0, 100)) walk(x, depth + 1);
    }
  };
  walk(json, 0);
  return [...found];
}

/** The local accounts it tried to reach: addressed or mentioned actors, authors of our posts it names. */
async function localTargets(ctx: Ctx, json: unknown): Promise<string[]> {
  const urls = localUrls(ctx, json);
  if (!urls.length) return [];
  const people = await ctx.db.select({ id: accounts.id }).from(accounts).where(and(inArray(accounts.uri, urls), isNull(accounts.domain)));
  const authors = await ctx.db
    .select({ id: accounts.id })
    .from(statuses)
    .innerJoin(accounts, eq(accounts.id, statuses.accountId))
    .where(and(inArray(statuses.uri, urls), isNull(accounts.domain)));
  return [...new Set([...people, ...authors].map((r) => r.id))];
}

const IDEMPOTENCE = ["_fedify", "activityIdempotence"] as const;

/**
 * Puts held activities back into the inbox queue, in arrival order (one ordering key per
 * server, so our queue runs them one after another), as Fedify itself queues a verified
 * activity. Works with the server stopped too: the workers pick them up when it runs.
 */
export const replayThroughInbox: ReplayHeld = async (ctx: Ctx, held: HeldActivity[]) => {
  if (!held.length) return;
  const kv = new DrizzleKvStore(ctx.db);
  const origin = new URL(ctx.config.origin).origin;
  const usernames = new Map<string, string>();
  const ownerIds = [...new Set(held.map((h) => h.inboxAccountId).filter((x): x is string => !!x))];
  if (ownerIds.length) {
    const rows = await ctx.db.select({ id: accounts.id, username: accounts.username }).from(accounts).where(and(inArray(accounts.id, ownerIds), isNull(accounts.domain)));
    for (const r of rows) usernames.set(r.id, r.username);
  }
  const messages: InboxMessage[] = [];
  for (const h of held) {
    if (h.activityId) {
      // Holding counted as processing for Fedify's queue worker (key: origin and id); forget
      // that so the replay is not skipped. The second key is the one its inbox checks before
      // queueing under the "global" strategy when no queue is configured.
      await kv.delete([...IDEMPOTENCE, origin, h.activityId]);
      await kv.delete([...IDEMPOTENCE, h.activityId]);
    }
    messages.push({
      type: "inbox",
      id: crypto.randomUUID(),
      baseUrl: origin,
      activity: h.activity,
      identifier: h.inboxAccountId ? (usernames.get(h.inboxAccountId) ?? null) : null,
      attempt: 0,
      started: new Date().toISOString(),
      traceContext: {},
    });
  }
  await new DrizzleMessageQueue(ctx.db, { name: "inbox" }).enqueueMany(messages, { orderingKey: `held:${held[0]!.domain}` });
};
