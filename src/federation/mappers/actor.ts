// Inbound converter: an ActivityPub actor (Person, Service, Group, Application, Organization)
// parsed by @fedify/vocab -> the fields of an `accounts` row for a remote account.
//
// Origin rule: the actor's id must be http(s); its inbox, its keys (publicKey / assertionMethod)
// and their owner must live on the id's host, or the whole actor is refused. Shared inbox,
// followers/following/featured collections on another host are dropped (set to null) rather
// than trusted. Defaults are the protective reading: discoverable/indexable false when absent.
import { Application, Group, Image, Link, Organization, PropertyValue, Service } from "@fedify/vocab";
import type { Actor } from "@fedify/vocab";
import { exportMultibaseKey, exportSpki } from "@fedify/fedify";
import type { ProfileField } from "../../db/schema/accounts.ts";
import { sanitizeHtml } from "../../domain/statuses/sanitize.ts";
import {
  NO_FETCH,
  hostOf,
  httpUrl,
  localHost,
  mapError,
  plainText,
  sameHost,
  type MapError,
} from "./common.ts";

export const MAX_DISPLAY_NAME = 100;
export const MAX_NOTE_HTML = 20_000;
export const MAX_FIELDS = 16;
export const MAX_FIELD_NAME = 255;
export const MAX_FIELD_VALUE_HTML = 2_048;
export const MAX_USERNAME = 100;

export type RemotePublicKey = {
  /** key id (`publicKey.id` or `assertionMethod.id`), on the actor's host */
  id: string;
  /** the actor that owns it (always the actor's own uri after mapping) */
  owner: string;
  /** RSA (or other) key as PEM-SPKI, from `publicKey` */
  pem: string | null;
  /** Ed25519 key in multibase, from a FEP-521a `assertionMethod` Multikey */
  multibase: string | null;
};

export type RemoteActorType = "Person" | "Service" | "Group" | "Application" | "Organization";

export type RemoteAccountRecord = {
  kind: "account";
  actorType: RemoteActorType;
  uri: string;
  username: string;
  /** host of the id, lower-case, with port when not the default */
  domain: string;
  url: string | null;
  inboxUrl: string;
  sharedInboxUrl: string | null;
  followersUrl: string | null;
  followingUrl: string | null;
  featuredUrl: string | null;
  displayName: string;
  /** sanitised HTML */
  note: string;
  fields: ProfileField[];
  avatarUrl: string | null;
  headerUrl: string | null;
  locked: boolean;
  bot: boolean;
  discoverable: boolean;
  indexable: boolean;
  group: boolean;
  publicKeys: RemotePublicKey[];
  movedTo: string | null;
  alsoKnownAs: string[];
  memorial: boolean;
  suspended: boolean;
};

export type ActorMapOptions = {
  /** this server's origin: an actor claiming to live here is refused */
  localOrigin?: string;
};

const USERNAME_RE = /^[^\s@/:#?\\<>"'`\u0000-\u001f\u007f]+$/u;

function actorTypeOf(actor: Actor): RemoteActorType {
  if (actor instanceof Service) return "Service";
  if (actor instanceof Application) return "Application";
  if (actor instanceof Group) return "Group";
  return actor instanceof Organization ? "Organization" : "Person";
}

/** The media URL of an icon/image: an embedded Image's url, or a bare URL. */
async function imageUrl(get: () => Promise<Image | null>, bareId: URL | null): Promise<string | null> {
  const image = await get();
  if (image === null) return httpUrl(bareId);
  for (const u of image.urls) {
    const href = httpUrl(u instanceof Link ? u.href : u);
    if (href !== null) return href;
  }
  return null;
}

function firstHttpUrl(urls: readonly (URL | Link)[]): string | null {
  for (const u of urls) {
    const href = httpUrl(u instanceof Link ? u.href : u);
    if (href !== null) return href;
  }
  return null;
}

/** PropertyValue attachments; HTML is cut before sanitising so the sanitiser closes what was cut. */
async function profileFields(actor: Actor): Promise<ProfileField[]> {
  const fields: ProfileField[] = [];
  for await (const item of actor.getAttachments(NO_FETCH)) {
    if (!(item instanceof PropertyValue)) continue;
    const name = plainText(item.name == null ? "" : String(item.name), MAX_FIELD_NAME);
    const rawValue = item.value == null ? "" : String(item.value);
    const value = sanitizeHtml(rawValue.slice(0, MAX_FIELD_VALUE_HTML));
    if (name === "" && value === "") continue;
    fields.push({ name, value });
    if (fields.length >= MAX_FIELDS) break;
  }
  return fields;
}

async function publicKeys(actor: Actor, uri: string): Promise<RemotePublicKey[] | MapError> {
  for (const id of [...actor.publicKeyIds, ...actor.assertionMethodIds]) {
    if (!sameHost(id, uri)) return mapError("origin_mismatch", `key ${id.href} is not on the actor's host`);
  }
  const keys: RemotePublicKey[] = [];
  for await (const key of actor.getPublicKeys(NO_FETCH)) {
    const id = httpUrl(key.id);
    if (id === null || key.publicKey === null) continue;
    if (key.ownerId?.href !== uri) return mapError("origin_mismatch", `key ${id} is owned by ${key.ownerId?.href ?? "nobody"}, not ${uri}`);
    keys.push({ id, owner: uri, pem: await exportSpki(key.publicKey), multibase: null });
  }
  for await (const key of actor.getAssertionMethods(NO_FETCH)) {
    const id = httpUrl(key.id);
    if (id === null || key.publicKey === null) continue;
    if (key.controllerId?.href !== uri) return mapError("origin_mismatch", `key ${id} is controlled by ${key.controllerId?.href ?? "nobody"}, not ${uri}`);
    keys.push({ id, owner: uri, pem: null, multibase: await exportMultibaseKey(key.publicKey) });
  }
  return keys;
}

/** Same-host http(s) URL, or null (a collection elsewhere is not trusted). */
function sameHostUrl(value: URL | null, uri: string): string | null {
  const href = httpUrl(value);
  return href !== null && sameHost(href, uri) ? href : null;
}

export async function actorToAccount(actor: Actor, options: ActorMapOptions = {}): Promise<RemoteAccountRecord | MapError> {
  if (actor.id === null) return mapError("missing_id", "actor has no id");
  const uri = httpUrl(actor.id);
  if (uri === null) return mapError("invalid_id", `actor id ${actor.id.href} is not http(s)`);
  const domain = hostOf(uri) as string;
  if (options.localOrigin !== undefined && domain === localHost(options.localOrigin)) {
    return mapError("local_origin", `actor ${uri} claims to live on this server`);
  }

  const username = actor.preferredUsername == null ? "" : String(actor.preferredUsername).trim();
  if (username === "") return mapError("missing_field", "actor has no preferredUsername");
  if (!USERNAME_RE.test(username) || [...username].length > MAX_USERNAME) {
    return mapError("invalid_field", `preferredUsername ${JSON.stringify(username.slice(0, 40))} is not a usable username`);
  }

  if (actor.inboxId === null) return mapError("missing_field", "actor has no inbox");
  const inboxUrl = httpUrl(actor.inboxId);
  if (inboxUrl === null) return mapError("invalid_field", "actor inbox is not http(s)");
  if (!sameHost(inboxUrl, uri)) return mapError("origin_mismatch", `inbox ${inboxUrl} is not on ${domain}`);

  const keys = await publicKeys(actor, uri);
  if (!Array.isArray(keys)) return keys;

  const type = actorTypeOf(actor);
  const summary = actor.summary == null ? "" : String(actor.summary);
  const successor = httpUrl(actor.successorId);
  return {
    kind: "account",
    actorType: type,
    uri,
    username,
    domain,
    url: firstHttpUrl(actor.urls),
    inboxUrl,
    sharedInboxUrl: sameHostUrl(actor.endpoints?.sharedInbox ?? null, uri),
    followersUrl: sameHostUrl(actor.followersId, uri),
    followingUrl: sameHostUrl(actor.followingId, uri),
    featuredUrl: sameHostUrl(actor.featuredId, uri),
    displayName: plainText(actor.name == null ? "" : String(actor.name), MAX_DISPLAY_NAME),
    note: sanitizeHtml(summary.slice(0, MAX_NOTE_HTML)),
    fields: await profileFields(actor),
    avatarUrl: await imageUrl(() => actor.getIcon(NO_FETCH), actor.iconId),
    headerUrl: await imageUrl(() => actor.getImage(NO_FETCH), actor.imageId),
    locked: actor.manuallyApprovesFollowers === true,
    bot: type === "Service" || type === "Application",
    discoverable: actor.discoverable === true,
    indexable: actor.indexable === true,
    group: type === "Group",
    publicKeys: keys,
    movedTo: successor !== null && successor !== uri ? successor : null,
    alsoKnownAs: actor.aliasIds.map((u) => httpUrl(u)).filter((u): u is string => u !== null),
    memorial: actor.memorial === true,
    suspended: actor.suspended === true,
  };
}
