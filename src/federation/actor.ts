// The one converter from a local account to its ActivityPub actor, for one viewer. Without a
// verified signature (signed fetch required) the actor carries only what servers need to verify
// our signatures and to address us; everything else follows the profile audiences.
import type { RequestContext } from "@fedify/fedify";
import { Application, Endpoints, Image, Person, PropertyValue } from "@fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";
import type { Ctx } from "../domain/context.ts";
import type { Viewer } from "../domain/audience/viewer.ts";
import { profileFacts, profileView } from "../domain/audience/facts.ts";
import type { accounts } from "../db/schema/index.ts";

type AccountRow = typeof accounts.$inferSelect;

export const INSTANCE_ACTOR = "instance";

export async function localActor(fctx: RequestContext<Ctx>, account: AccountRow, viewer: Viewer | null): Promise<Person> {
  const ctx = fctx.data;
  const id = account.username;
  const keys = await fctx.getActorKeyPairs(id);
  const base = {
    id: fctx.getActorUri(id),
    preferredUsername: account.username,
    inbox: fctx.getInboxUri(id),
    outbox: fctx.getOutboxUri(id),
    followers: fctx.getFollowersUri(id),
    following: fctx.getFollowingUri(id),
    featured: fctx.getFeaturedUri(id),
    endpoints: new Endpoints({ sharedInbox: fctx.getInboxUri() }),
    publicKey: keys[0]?.cryptographicKey,
    assertionMethods: keys.map((k) => k.multikey),
    manuallyApprovesFollowers: account.locked,
    discoverable: account.discoverable,
    indexable: account.indexable,
    url: new URL(account.url ?? account.uri),
  };
  if (!viewer) return new Person(base);
  const facts = (await profileFacts(ctx, viewer, [account.id])).get(account.id)!;
  const view = profileView(viewer, facts);
  if (!view.visible) return new Person(base);
  const p = view.parts;
  return new Person({
    ...base,
    name: p.displayName ? account.displayName : null,
    summary: p.bio ? account.note : null,
    icon: p.avatar && account.avatarUrl ? new Image({ url: new URL(account.avatarUrl) }) : null,
    image: p.header && account.headerUrl ? new Image({ url: new URL(account.headerUrl) }) : null,
    attachments: p.fields ? account.fields.map((f) => new PropertyValue({ name: f.name, value: f.value })) : [],
    published: p.joinDate ? (Temporal.Instant.from(account.createdAt.toISOString()) as never) : null,
  });
}

/** The instance actor signs fetches made on the server's own behalf (Mastodon's is similar). */
export async function instanceActor(fctx: RequestContext<Ctx>): Promise<Application> {
  const keys = await fctx.getActorKeyPairs(INSTANCE_ACTOR);
  return new Application({
    id: fctx.getActorUri(INSTANCE_ACTOR),
    preferredUsername: fctx.data.config.domain,
    name: fctx.data.config.instanceName,
    inbox: fctx.getInboxUri(INSTANCE_ACTOR),
    outbox: fctx.getOutboxUri(INSTANCE_ACTOR),
    endpoints: new Endpoints({ sharedInbox: fctx.getInboxUri() }),
    publicKey: keys[0]?.cryptographicKey,
    assertionMethods: keys.map((k) => k.multikey),
    manuallyApprovesFollowers: true,
    discoverable: false,
    indexable: false,
    url: new URL(`${fctx.data.config.origin}/about`),
  });
}
