// Inbound converter for activities: what an inbox handler needs from Follow, Accept, Reject,
// Undo, Create, Update, Delete, Announce, Like, EmojiReact (and Misskey's reaction Like), Block,
// Move, Flag, Add and Remove, as typed values.
//
// Origin rule: the activity id and its actor must be on the same host (and not on ours), and an
// embedded object is only handed over ("embedded") when its id is on the actor's host too. An
// embedded object from any other host is never trusted: it comes back as
// { kind: "refetch", uri } = "refetch from origin: <uri>". Objects on this server come back as
// { kind: "local" }: look them up, ignore the embedded copy. Whatever is embedded, the caller
// still checks the signature (the actor) and maps embedded posts with objectToStatus.
import {
  Accept, Add, Announce, Block, Create, Delete, EmojiReact, Flag, Follow, Like, Move, Reject, Remove,
  Tombstone, Undo, Update, isActor,
} from "@fedify/vocab";
import type { Activity, Object as ASObject } from "@fedify/vocab";
import type { Audience } from "../../db/schema/statuses.ts";
import { NO_FETCH, hostOf, httpUrl, instantToDate, localHost, mapError, plainText, rawProp, typeName, type MapError } from "./common.ts";
import { addressedOf, audienceFromAddressing } from "./addressing.ts";
import { cachedSource } from "./note.ts";
import { readReaction } from "./reaction.ts";
import type { RemoteEmoji } from "./note-parts.ts";

export type ObjectRef =
  /** only an id was sent: look it up, or fetch it from its origin */
  | { kind: "id"; uri: string }
  /** embedded, on the actor's host: may be mapped (objectToStatus / actorToAccount / classifyActivity) */
  | { kind: "embedded"; uri: string | null; type: string; object: ASObject; source: unknown }
  /** lives on this server: look it up locally, never use the embedded copy */
  | { kind: "local"; uri: string }
  /** embedded from another host: refetch from origin: <uri> */
  | { kind: "refetch"; uri: string; reason: string };

type Base = { id: string; actor: string; published: Date | null };

export type ClassifiedActivity = Base &
  (
    | { type: "Follow"; object: string }
    | { type: "Accept" | "Reject"; object: ObjectRef; followHint: { actor: string | null; object: string | null } | null }
    | { type: "Undo"; object: ObjectRef; undoneType: string | null; undoneObject: string | null }
    | { type: "Create" | "Update"; object: ObjectRef; objectType: string | null; actorUpdate: boolean }
    | { type: "Delete"; target: "actor" | "object"; object: string; objectType: string | null }
    | { type: "Announce"; object: ObjectRef; audience: Audience; recipients: string[] }
    | { type: "Like" | "EmojiReact"; object: string; reaction: string | null; emoji: RemoteEmoji | null }
    | { type: "Block"; object: string }
    | { type: "Move"; object: string; target: string }
    | { type: "Flag"; objects: string[]; content: string }
    | { type: "Add" | "Remove"; object: ObjectRef; target: string }
  );

export type ActivityMapOptions = {
  /** this server's origin ("https://caracol.example") */
  localOrigin: string;
  /** the sender's JSON; defaults to Fedify's cached copy of a top-level document */
  source?: unknown;
};

export const MAX_FLAG_COMMENT = 5_000;

/** A readable line for logs and summaries. */
export function describeRef(ref: ObjectRef): string {
  return ref.kind === "refetch" ? `refetch from origin: ${ref.uri}` : `${ref.kind}: ${ref.uri ?? "(no id)"}`;
}

async function embedded(activity: Activity): Promise<ASObject | null> {
  try {
    return await activity.getObject(NO_FETCH);
  } catch {
    return null;
  }
}

/** The activity's object, judged by the origin rule against the actor's host. */
async function objectRef(activity: Activity, actor: string, local: string, source: unknown): Promise<ObjectRef | MapError> {
  const object = await embedded(activity);
  const id = httpUrl(activity.objectId);
  if (object === null) {
    if (id === null) return mapError("missing_field", "activity has no usable object");
    return hostOf(id) === local ? { kind: "local", uri: id } : { kind: "id", uri: id };
  }
  if (id !== null && hostOf(id) === local) return { kind: "local", uri: id };
  if (object.id !== null && id === null) return mapError("invalid_field", `object id ${object.id.href} is not http(s)`);
  if (id !== null && hostOf(id) !== hostOf(actor)) {
    return { kind: "refetch", uri: id, reason: `embedded object is on ${hostOf(id)}, the actor on ${hostOf(actor)}` };
  }
  const raw = rawProp(source, "object");
  const objectSource = typeof raw === "object" && raw !== null && (id === null || rawProp(raw, "id") === id) ? raw : undefined;
  return { kind: "embedded", uri: id, type: typeName(object), object, source: objectSource };
}

function activityType(activity: Activity): ClassifiedActivity["type"] | null {
  if (activity instanceof Follow) return "Follow";
  if (activity instanceof Accept) return "Accept";
  if (activity instanceof Reject) return "Reject";
  if (activity instanceof Undo) return "Undo";
  if (activity instanceof Create) return "Create";
  if (activity instanceof Update) return "Update";
  if (activity instanceof Delete) return "Delete";
  if (activity instanceof Announce) return "Announce";
  if (activity instanceof EmojiReact) return "EmojiReact";
  if (activity instanceof Like) return "Like";
  if (activity instanceof Block) return "Block";
  if (activity instanceof Move) return "Move";
  if (activity instanceof Flag) return "Flag";
  if (activity instanceof Add) return "Add";
  if (activity instanceof Remove) return "Remove";
  return null;
}

export async function classifyActivity(activity: Activity, options: ActivityMapOptions): Promise<ClassifiedActivity | MapError> {
  const type = activityType(activity);
  if (type === null) return mapError("unsupported_type", `${typeName(activity)} is not handled`);
  if (activity.id === null) return mapError("missing_id", `${type} has no id`);
  const id = httpUrl(activity.id);
  if (id === null) return mapError("invalid_id", `${type} id ${activity.id.href} is not http(s)`);
  if (activity.actorIds.length !== 1) return mapError("missing_field", `${type} must have exactly one actor`);
  const actor = httpUrl(activity.actorIds[0]);
  if (actor === null) return mapError("invalid_field", `${type} actor is not http(s)`);
  const local = localHost(options.localOrigin);
  if (hostOf(actor) === local) return mapError("local_origin", `${type} claims an actor on this server: ${actor}`);
  if (hostOf(id) !== hostOf(actor)) return mapError("origin_mismatch", `${type} ${id} is not on the host of its actor ${actor}`);

  const source = options.source ?? (await cachedSource(activity));
  const base: Base = { id, actor, published: instantToDate(activity.published) };
  const objectId = httpUrl(activity.objectId);

  switch (type) {
    case "Follow":
    case "Block": {
      if (objectId === null) return mapError("missing_field", `${type} has no object`);
      return { ...base, type, object: objectId };
    }
    case "Like":
    case "EmojiReact": {
      if (objectId === null) return mapError("missing_field", `${type} has no object`);
      const reaction = await readReaction(activity, source);
      if (reaction !== null && "invalid" in reaction) return mapError("invalid_field", reaction.invalid);
      if (type === "EmojiReact" && reaction === null) return mapError("missing_field", "EmojiReact has no emoji");
      return { ...base, type, object: objectId, reaction: reaction?.reaction ?? null, emoji: reaction?.emoji ?? null };
    }
    case "Move": {
      if (objectId !== actor) return mapError("origin_mismatch", `Move of ${objectId ?? "nothing"} by ${actor}: only an actor can move itself`);
      const target = httpUrl(activity.targetId);
      if (target === null) return mapError("missing_field", "Move has no target");
      return { ...base, type, object: objectId, target };
    }
    case "Flag": {
      const objects = activity.objectIds.map((u) => httpUrl(u)).filter((u): u is string => u !== null);
      if (objects.length === 0) return mapError("missing_field", "Flag has no object");
      return { ...base, type, objects, content: plainText(activity.content == null ? "" : String(activity.content), MAX_FLAG_COMMENT) };
    }
    case "Delete": {
      if (objectId === null) return mapError("missing_field", "Delete has no object");
      if (hostOf(objectId) !== hostOf(actor)) return mapError("origin_mismatch", `Delete of ${objectId} by ${actor}: objects are deleted by their own host`);
      const object = await embedded(activity);
      // JSON-LD reads a bare formerType ("Note") as a relative IRI, so the sender's JSON is asked too.
      const rawFormer = rawProp(rawProp(source, "object"), "formerType");
      const former = typeof rawFormer === "string" && /^[A-Za-z]{1,40}$/.test(rawFormer) ? rawFormer : null;
      const objectType = object === null ? null : object instanceof Tombstone ? (object.formerType?.name ?? former ?? "Tombstone") : typeName(object);
      return { ...base, type, target: objectId === actor ? "actor" : "object", object: objectId, objectType };
    }
    case "Add":
    case "Remove": {
      const target = httpUrl(activity.targetId);
      if (target === null) return mapError("missing_field", `${type} has no target`);
      if (hostOf(target) !== hostOf(actor)) return mapError("origin_mismatch", `${type} target ${target} is not on the actor's host`);
      const ref = await objectRef(activity, actor, local, source);
      return "code" in ref ? ref : { ...base, type, object: ref, target };
    }
    case "Create":
    case "Update": {
      const ref = await objectRef(activity, actor, local, source);
      if ("code" in ref) return ref;
      const actorUpdate = ref.kind === "embedded" ? isActor(ref.object) : ref.uri === actor;
      if (actorUpdate && ref.uri !== actor) return mapError("origin_mismatch", `${type} of actor ${ref.uri ?? "(no id)"} by ${actor}`);
      return { ...base, type, object: ref, objectType: ref.kind === "embedded" ? ref.type : null, actorUpdate };
    }
    case "Announce": {
      const ref = await objectRef(activity, actor, local, source);
      if ("code" in ref) return ref;
      const addressing = audienceFromAddressing(addressedOf(activity), { authorUri: actor, source });
      return { ...base, type, object: ref, audience: addressing.audience, recipients: addressing.recipients };
    }
    case "Accept":
    case "Reject": {
      const ref = await objectRef(activity, actor, local, source);
      if ("code" in ref) return ref;
      const inner = await embedded(activity);
      let followHint: { actor: string | null; object: string | null } | null = null;
      if (inner instanceof Follow) {
        followHint = { actor: httpUrl(inner.actorId), object: httpUrl(inner.objectId) };
        if (followHint.object !== null && followHint.object !== actor) {
          return mapError("origin_mismatch", `${type} by ${actor} of a Follow of ${followHint.object}`);
        }
      }
      return { ...base, type, object: ref, followHint };
    }
    case "Undo": {
      const ref = await objectRef(activity, actor, local, source);
      if ("code" in ref) return ref;
      let undoneType: string | null = null;
      let undoneObject: string | null = null;
      if (ref.kind === "embedded") {
        const inner = ref.object as Activity;
        const innerActor = "actorIds" in inner ? inner.actorIds.map((u) => u.href) : [];
        if (innerActor.length > 0 && !innerActor.includes(actor)) return mapError("origin_mismatch", `Undo by ${actor} of an activity by ${innerActor.join(", ")}`);
        undoneType = ref.type;
        undoneObject = "objectId" in inner ? httpUrl(inner.objectId) : null;
      }
      return { ...base, type, object: ref, undoneType, undoneObject };
    }
  }
}
