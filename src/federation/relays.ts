// Relays the admin joined (none by default). Joining sends a Follow of the public collection
// from the instance actor to the relay's inbox, as Mastodon does; the relay answers Accept or
// Reject. Once accepted, public posts of local accounts go to it as well (which posts, and
// nothing else: ./outbox/relay-activities.ts). Leaving sends Undo(Follow).
//
// Sending goes through the durable events queue (enqueueEvent), never straight out: the CLI may
// run with the server stopped, and the server's worker sends what was queued when it runs.
import type { Accept, Reject } from "@fedify/vocab";
import { and, asc, eq } from "drizzle-orm";
import { relays } from "../db/schema/index.ts";
import type { Ctx } from "../domain/context.ts";
import { serverStanding } from "../domain/federation-policy/standing.ts";
import { newId } from "../lib/id.ts";
import { enqueueEvent } from "./outbox/index.ts";
import { AS_PUBLIC } from "./outbox/relay-activities.ts";
import { exchangesWith } from "./outbox/recipients.ts";
import { logger } from "./inbox/common.ts";

export type Relay = typeof relays.$inferSelect;

export class RelayError extends Error {}

/** A relay's inbox URL: https (http only where private addresses are allowed, for tests). */
export function checkRelayUrl(ctx: Ctx, raw: string): string {
  let url: URL;
  try {
    url = new URL(String(raw ?? "").trim());
  } catch {
    throw new RelayError(`not a URL: ${JSON.stringify(raw)}`);
  }
  const httpOk = url.protocol === "https:" || (url.protocol === "http:" && ctx.config.allowPrivateAddress);
  if (!httpOk) throw new RelayError("a relay's inbox must be an https URL");
  if (url.username || url.password || url.hash) throw new RelayError("a relay's inbox URL has no credentials or fragment");
  if (url.origin === ctx.config.origin) throw new RelayError("that is this server");
  return url.href;
}

export async function listRelays(ctx: Ctx): Promise<Relay[]> {
  return ctx.db.select().from(relays).orderBy(asc(relays.createdAt));
}

export async function relayByInbox(ctx: Ctx, inboxUrl: string): Promise<Relay | null> {
  const [row] = await ctx.db.select().from(relays).where(eq(relays.inboxUrl, inboxUrl));
  return row ?? null;
}

/** What joining would do; empty when the relay is already joined or waiting. */
export async function planAddRelay(ctx: Ctx, raw: string): Promise<string[]> {
  const inboxUrl = checkRelayUrl(ctx, raw);
  const existing = await relayByInbox(ctx, inboxUrl);
  if (existing && existing.state !== "rejected") return [];
  const standing = await serverStanding(ctx, new URL(inboxUrl).host);
  if (!exchangesWith(standing)) throw new RelayError(`we do not exchange data with ${new URL(inboxUrl).host} (${standing})`);
  return [
    `${existing ? "ask again to join" : "join"} the relay at ${inboxUrl}: a Follow of the public collection from this server's instance actor (sent when the server runs)`,
    "once it accepts: send it every new public post of local accounts (not unlisted, followers-only, direct, local-only or circle posts, not boosts), and their deletions",
    "the relay passes those posts on to every server subscribed to it",
  ];
}

export async function addRelay(ctx: Ctx, raw: string): Promise<Relay> {
  const inboxUrl = checkRelayUrl(ctx, raw);
  const id = newId();
  const followActivityId = `${ctx.config.origin}/relay-follows/${id}`;
  const [row] = await ctx.db
    .insert(relays)
    .values({ id, inboxUrl, state: "pending", followActivityId })
    .onConflictDoUpdate({ target: relays.inboxUrl, set: { state: "pending", followActivityId } })
    .returning();
  await enqueueEvent(ctx.db, { type: "relay.follow", relayId: row!.id, inboxUrl });
  return row!;
}

export async function planRemoveRelay(ctx: Ctx, raw: string): Promise<{ relay: Relay; lines: string[] }> {
  const relay = await relayByInbox(ctx, checkRelayUrl(ctx, raw));
  if (!relay) throw new RelayError(`no relay at ${raw}`);
  const lines = [`leave the relay at ${relay.inboxUrl} (${relay.state}): nothing more is sent to it`];
  if (relay.state !== "rejected") lines.push("send it Undo(Follow) (when the server runs); posts it already passed on stay where they went");
  return { relay, lines };
}

export async function removeRelay(ctx: Ctx, relay: Relay): Promise<void> {
  await ctx.db.delete(relays).where(eq(relays.id, relay.id));
  if (relay.state !== "rejected" && relay.followActivityId) {
    await enqueueEvent(ctx.db, { type: "relay.unfollow", inboxUrl: relay.inboxUrl, actorUri: relay.actorUri, followActivityId: relay.followActivityId });
  }
}

/**
 * The inbox's hook for Accept and Reject: true when the activity answers one of our relay
 * Follows (and was handled here). Matched by our Follow's id, or, for relays that answer with
 * a Follow of their own making, a pending relay on the sender's host whose answer names a
 * Follow of the public collection. Only the relay's own server may answer for it.
 */
export async function relayAnswered(ctx: Ctx, activity: Accept | Reject, state: "accepted" | "rejected"): Promise<boolean> {
  const actor = activity.actorId;
  const objectId = activity.objectId?.href ?? null;
  if (!actor) return false;
  let relay: Relay | undefined = objectId ? (await ctx.db.select().from(relays).where(eq(relays.followActivityId, objectId)))[0] : undefined;
  if (!relay) {
    // an embedded Follow only: nothing is fetched on the sender's word
    const inner = await activity
      .getObject({
        documentLoader: async () => {
          throw new Error("not fetched");
        },
      })
      .catch(() => null);
    const followsPublic = inner && "objectId" in inner && (inner as { objectId: URL | null }).objectId?.href === AS_PUBLIC;
    if (!followsPublic) return false;
    const pending = await ctx.db.select().from(relays).where(eq(relays.state, "pending"));
    relay = pending.find((r) => new URL(r.inboxUrl).host === actor.host);
    if (!relay) return false;
  }
  if (new URL(relay.inboxUrl).host !== actor.host) {
    logger.info("Ignored an answer to our relay Follow from {actor}: not the relay's server", { actor: actor.href });
    return true;
  }
  if (!exchangesWith(await serverStanding(ctx, actor.host))) return true;
  await ctx.db.update(relays).set({ state, actorUri: actor.href }).where(and(eq(relays.id, relay.id), eq(relays.followActivityId, relay.followActivityId!)));
  logger.info("Relay {inbox} {state} our Follow", { inbox: relay.inboxUrl, state });
  return true;
}
