// Delete of a local actor, to every server that knew it. The account's rows (its keys too) are
// gone by the time the event is handled, so the event carries the private keys and the inboxes;
// once Fedify has queued the deliveries the keys live only in those queue messages.
import type { Context, SenderKeyPair } from "@fedify/fedify";
import { importJwk } from "@fedify/fedify";
import { Delete } from "@fedify/vocab";
import { PUBLIC_COLLECTION } from "@fedify/vocab";
import type { Ctx } from "../../domain/context.ts";
import type { DomainEvent } from "../../domain/events.ts";
import { serverStanding } from "../../domain/federation-policy/standing.ts";
import { exchangesWith, inboxAllowed, type Delivery, type Refusal } from "./recipients.ts";

type Deleted = Extract<DomainEvent, { type: "account.deleted" }>;

export async function accountDeletion(fctx: Context<Ctx>, e: Deleted) {
  const ctx = fctx.data;
  const actor = fctx.getActorUri(e.username);
  // RSA first: it is the key Mastodon reads (#main-key), as the key-pairs dispatcher orders them
  const sorted = [...e.keys].sort((a, b) => (a.type === b.type ? 0 : a.type === "RSASSA-PKCS1-v1_5" ? -1 : 1));
  const sender: SenderKeyPair[] = await Promise.all(
    sorted.map(async (k, i) => ({ privateKey: await importJwk(k.privateKeyJwk, "private"), keyId: new URL(i === 0 ? "#main-key" : `#key-${i + 1}`, actor) })),
  );
  const deliveries: Delivery[] = [];
  const refused: Refusal[] = [];
  for (const r of e.recipients) {
    let inbox: URL;
    try {
      inbox = new URL(r.inbox);
    } catch {
      refused.push({ inbox: r.inbox, actorId: r.actorUri });
      continue;
    }
    // a Delete carries nothing but the fact; still, servers we do not talk to hear nothing
    const standing = await serverStanding(ctx, inbox.host);
    if (!exchangesWith(standing)) continue;
    if (!(await inboxAllowed(ctx, inbox))) {
      refused.push({ inbox: r.inbox, actorId: r.actorUri });
      continue;
    }
    deliveries.push({ inbox, actorId: new URL(r.actorUri), standing });
  }
  const activity = new Delete({ id: new URL("#delete", actor), actor, object: actor, tos: [PUBLIC_COLLECTION] });
  return [{ sender, activity, deliveries, refused, orderingKey: actor.href }];
}
