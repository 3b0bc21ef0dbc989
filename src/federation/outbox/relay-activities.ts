// What the outbox sends to relays: the instance actor's Follow and Undo(Follow), and public
// posts. A relay re-broadcasts whatever it gets to every server subscribed to it, so only
// posts that are public in the widest sense go there: audience "public", not local-only, not
// in a circle, by a local author. Unlisted, authenticated, followers-only, direct, local and
// circle posts never do, nor boosts (as Mastodon), nor anything before the relay's Accept.
// The Delete of a public post goes too, so that relays and their subscribers drop it.
import type { Context } from "@fedify/fedify";
import { Follow, Undo } from "@fedify/vocab";
import { eq } from "drizzle-orm";
import { relays, type statuses } from "../../db/schema/index.ts";
import type { Ctx } from "../../domain/context.ts";
import type { DomainEvent } from "../../domain/events.ts";
import { serverStanding } from "../../domain/federation-policy/standing.ts";
import { INSTANCE_ACTOR } from "../actor.ts";
import { exchangesWith, inboxAllowed, type Delivery, type Refusal } from "./recipients.ts";
import { isOpenToEveryone } from "../../domain/audience/gate.ts";

export const AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

type F = Context<Ctx>;
type Sendable = { sender: string; activity: Follow | Undo; deliveries: Delivery[]; refused: Refusal[]; orderingKey: string };

/** Whether a post may go to relays at all. */
export function relayable(s: Pick<typeof statuses.$inferSelect, "audience" | "localOnly" | "circleId" | "reblogOfId">): boolean {
  return isOpenToEveryone(s) && s.circleId === null && s.reblogOfId === null;
}

/** One delivery to a relay's inbox, or a refusal when its address is not one we post to. */
async function toRelay(ctx: Ctx, inboxUrl: string, actorUri: string | null): Promise<{ delivery: Delivery | null; refused: Refusal | null }> {
  let inbox: URL;
  try {
    inbox = new URL(inboxUrl);
  } catch {
    return { delivery: null, refused: { inbox: inboxUrl, actorId: actorUri ?? inboxUrl } };
  }
  const standing = await serverStanding(ctx, inbox.host);
  if (!exchangesWith(standing)) return { delivery: null, refused: null };
  if (!(await inboxAllowed(ctx, inbox))) return { delivery: null, refused: { inbox: inboxUrl, actorId: actorUri ?? inboxUrl } };
  return { delivery: { inbox, actorId: new URL(actorUri ?? inboxUrl), standing }, refused: null };
}

/** Deliveries to every relay that accepted our Follow (for a relayable post). */
export async function relayDeliveries(ctx: Ctx): Promise<{ deliveries: Delivery[]; refused: Refusal[] }> {
  const rows = await ctx.db.select().from(relays).where(eq(relays.state, "accepted"));
  const deliveries: Delivery[] = [];
  const refused: Refusal[] = [];
  for (const r of rows) {
    const t = await toRelay(ctx, r.inboxUrl, r.actorUri);
    if (t.delivery) deliveries.push(t.delivery);
    if (t.refused) refused.push(t.refused);
  }
  return { deliveries, refused };
}

/** Follow (or its Undo) of as:Public by the instance actor, to the relay's inbox. */
export async function relayFollowActivity(fctx: F, e: Extract<DomainEvent, { type: "relay.follow" | "relay.unfollow" }>): Promise<Sendable[]> {
  const ctx = fctx.data;
  let row: { inboxUrl: string; actorUri: string | null; followActivityId: string | null } | undefined;
  if (e.type === "relay.follow") {
    [row] = await ctx.db.select().from(relays).where(eq(relays.id, e.relayId));
    // removed before the worker got to it: nothing to follow
    if (!row || !row.followActivityId) return [];
  } else row = e;
  const actor = fctx.getActorUri(INSTANCE_ACTOR);
  const follow = new Follow({ id: new URL(row.followActivityId!), actor, object: new URL(AS_PUBLIC) });
  const activity = e.type === "relay.follow" ? follow : new Undo({ id: new URL(`${row.followActivityId}#undo`), actor, object: follow });
  const t = await toRelay(ctx, row.inboxUrl, row.actorUri);
  return [
    {
      sender: INSTANCE_ACTOR,
      activity,
      deliveries: t.delivery ? [t.delivery] : [],
      refused: t.refused ? [t.refused] : [],
      orderingKey: `relay:${row.inboxUrl}`,
    },
  ];
}
