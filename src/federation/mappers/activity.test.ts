import { test } from "node:test";
import assert from "node:assert/strict";
import { Activity } from "@fedify/vocab";
import { parseJsonLdOffline } from "./document-loader.ts";
import { classifyActivity, type ClassifiedActivity } from "./activity.ts";
import { objectToStatus } from "./note.ts";
import { isMapError, type MapError } from "./common.ts";
import { AS_PUBLIC } from "./addressing.ts";

const LOCAL = "https://caracol.test";
const ALICE = "https://remote.example/users/alice";
const CONTEXT = [
  "https://www.w3.org/ns/activitystreams",
  { toot: "http://joinmastodon.org/ns#", Emoji: "toot:Emoji", litepub: "http://litepub.social/ns#", EmojiReact: "litepub:EmojiReact", misskey: "https://misskey-hub.net/ns#", _misskey_reaction: "misskey:_misskey_reaction" },
];

function activity(type: string, extra: Record<string, unknown>): Record<string, unknown> {
  return { "@context": CONTEXT, id: `https://remote.example/activities/${type.toLowerCase()}/1`, type, actor: ALICE, ...extra };
}

async function classify(json: Record<string, unknown>): Promise<ClassifiedActivity | MapError> {
  const parsed = await parseJsonLdOffline(json);
  assert.ok(parsed instanceof Activity, "test document is not an activity");
  return classifyActivity(parsed, { localOrigin: LOCAL, source: json });
}

async function ok(json: Record<string, unknown>): Promise<ClassifiedActivity> {
  const result = await classify(json);
  if (isMapError(result)) assert.fail(`refused: ${result.code}: ${result.reason}`);
  return result;
}

async function refused(json: Record<string, unknown>): Promise<MapError> {
  const result = await classify(json);
  if (!isMapError(result)) assert.fail(`expected a refusal, got ${JSON.stringify(result).slice(0, 200)}`);
  return result;
}

const aliceNote = (id = "https://remote.example/notes/1", attributedTo = ALICE) => ({ type: "Note", id, attributedTo, content: "<p>hi</p>", to: [AS_PUBLIC] });

test("Create with an embedded post from the actor's host hands it over, and it maps", async () => {
  const result = await ok(activity("Create", { object: aliceNote(), to: [AS_PUBLIC] }));
  assert.equal(result.type, "Create");
  assert.ok(result.type === "Create" && result.object.kind === "embedded");
  assert.equal(result.objectType, "Note");
  const status = await objectToStatus(result.object.object, { localOrigin: LOCAL, authorUri: result.actor, source: result.object.source });
  assert.ok(!isMapError(status));
  assert.equal(status.audience, "public");
});

test("an embedded object from another host is never trusted: refetch from origin", async () => {
  const spoof = aliceNote("https://victim.example/notes/1", "https://victim.example/users/bob");
  for (const type of ["Create", "Update", "Announce"]) {
    const result = await ok(activity(type, { object: spoof }));
    assert.ok("object" in result && typeof result.object === "object");
    assert.deepEqual({ kind: result.object.kind, uri: result.object.uri }, { kind: "refetch", uri: "https://victim.example/notes/1" });
  }
});

test("the activity id must be on its actor's host", async () => {
  const result = await refused({ ...activity("Follow", { object: "https://caracol.test/users/a" }), id: "https://evil.example/follow/1" });
  assert.equal(result.code, "origin_mismatch");
  const anonymous = activity("Follow", { object: "https://caracol.test/users/a" });
  delete anonymous.id;
  assert.equal((await refused(anonymous)).code, "missing_id");
  assert.equal((await refused(activity("Follow", { actor: "https://caracol.test/users/a", object: ALICE }))).code, "local_origin");
});

test("Follow, Block, Like", async () => {
  assert.deepEqual(
    { ...(await ok(activity("Follow", { object: "https://caracol.test/users/bob" }))), published: null },
    { id: "https://remote.example/activities/follow/1", actor: ALICE, published: null, type: "Follow", object: "https://caracol.test/users/bob" },
  );
  const block = await ok(activity("Block", { object: "https://caracol.test/users/bob" }));
  assert.equal(block.type, "Block");
  const like = await ok(activity("Like", { object: "https://caracol.test/statuses/1" }));
  assert.ok(like.type === "Like" && like.reaction === null && like.object === "https://caracol.test/statuses/1");
});

test("Misskey's reaction Like and Pleroma's EmojiReact carry the emoji", async () => {
  const emojiTag = { type: "Emoji", id: "https://remote.example/emojis/blob", name: ":blob:", icon: { type: "Image", url: "https://remote.example/emojis/blob.png" } };
  const misskey = await ok(activity("Like", { object: "https://caracol.test/statuses/1", _misskey_reaction: ":blob:", content: ":blob:", tag: [emojiTag] }));
  assert.ok(misskey.type === "Like");
  assert.equal(misskey.reaction, ":blob:");
  assert.deepEqual(misskey.emoji, { shortcode: "blob", url: "https://remote.example/emojis/blob.png" });
  const react = await ok(activity("EmojiReact", { object: "https://caracol.test/statuses/1", content: "👍🏽" }));
  assert.ok(react.type === "EmojiReact" && react.reaction === "👍🏽" && react.emoji === null);
  assert.equal((await refused(activity("EmojiReact", { object: "https://caracol.test/statuses/1", content: "👌👌" }))).code, "invalid_field");
  assert.equal((await refused(activity("EmojiReact", { object: "https://caracol.test/statuses/1", content: "~" }))).code, "invalid_field");
  assert.equal((await refused(activity("EmojiReact", { object: "https://caracol.test/statuses/1" }))).code, "missing_field");
});

test("Delete: an actor, a Tombstone, and never another host's object", async () => {
  const actorDelete = await ok(activity("Delete", { object: ALICE }));
  assert.ok(actorDelete.type === "Delete" && actorDelete.target === "actor");
  const tomb = await ok(activity("Delete", { object: { type: "Tombstone", id: "https://remote.example/notes/1", formerType: "Note" } }));
  assert.ok(tomb.type === "Delete" && tomb.target === "object" && tomb.object === "https://remote.example/notes/1");
  assert.equal(tomb.objectType, "Note");
  assert.equal((await refused(activity("Delete", { object: "https://victim.example/notes/1" }))).code, "origin_mismatch");
});

test("Undo of the actor's own activity, never of someone else's", async () => {
  const undo = await ok(activity("Undo", { object: { type: "Follow", id: "https://remote.example/follows/1", actor: ALICE, object: "https://caracol.test/users/bob" } }));
  assert.ok(undo.type === "Undo" && undo.object.kind === "embedded");
  assert.equal(undo.undoneType, "Follow");
  assert.equal(undo.undoneObject, "https://caracol.test/users/bob");
  const other = { type: "Follow", id: "https://remote.example/follows/2", actor: "https://remote.example/users/mallory", object: "https://caracol.test/users/bob" };
  assert.equal((await refused(activity("Undo", { object: other }))).code, "origin_mismatch");
  const byId = await ok(activity("Undo", { object: "https://remote.example/likes/1" }));
  assert.ok(byId.type === "Undo" && byId.object.kind === "id" && byId.undoneType === null);
});

test("Accept/Reject of our Follow points at the local record; a Follow of someone else is refused", async () => {
  const follow = { type: "Follow", id: "https://caracol.test/follows/1", actor: "https://caracol.test/users/bob", object: ALICE };
  const accept = await ok(activity("Accept", { object: follow }));
  assert.ok(accept.type === "Accept");
  assert.deepEqual(accept.object, { kind: "local", uri: "https://caracol.test/follows/1" });
  assert.deepEqual(accept.followHint, { actor: "https://caracol.test/users/bob", object: ALICE });
  const reject = await ok(activity("Reject", { object: "https://caracol.test/follows/1" }));
  assert.ok(reject.type === "Reject" && reject.object.kind === "local");
  const hijack = { ...follow, object: "https://remote.example/users/carol" };
  assert.equal((await refused(activity("Accept", { object: hijack }))).code, "origin_mismatch");
});

test("Update of another actor is refused; of itself it is an actor update", async () => {
  const self = { type: "Person", id: ALICE, preferredUsername: "alice", inbox: `${ALICE}/inbox` };
  const update = await ok(activity("Update", { object: self }));
  assert.ok(update.type === "Update" && update.actorUpdate);
  const other = { ...self, id: "https://remote.example/users/bob", inbox: "https://remote.example/users/bob/inbox" };
  assert.equal((await refused(activity("Update", { object: other }))).code, "origin_mismatch");
});

test("Move only of the actor itself, to a target", async () => {
  const move = await ok(activity("Move", { object: ALICE, target: "https://new.example/users/alice" }));
  assert.ok(move.type === "Move" && move.target === "https://new.example/users/alice");
  assert.equal((await refused(activity("Move", { object: "https://remote.example/users/bob", target: "https://new.example/users/x" }))).code, "origin_mismatch");
  assert.equal((await refused(activity("Move", { object: ALICE }))).code, "missing_field");
});

test("Flag lists its objects and a plain-text comment", async () => {
  const flag = await ok(activity("Flag", { object: ["https://caracol.test/users/bob", "https://caracol.test/statuses/1"], content: "<b>spam</b><script>x</script>" }));
  assert.ok(flag.type === "Flag");
  assert.deepEqual(flag.objects, ["https://caracol.test/users/bob", "https://caracol.test/statuses/1"]);
  assert.equal(flag.content, "spam");
});

test("Add/Remove need a target on the actor's host", async () => {
  const add = await ok(activity("Add", { object: "https://remote.example/notes/1", target: `${ALICE}/collections/featured` }));
  assert.ok(add.type === "Add" && add.object.kind === "id" && add.target === `${ALICE}/collections/featured`);
  assert.equal((await refused(activity("Remove", { object: "https://remote.example/notes/1", target: "https://evil.example/featured" }))).code, "origin_mismatch");
});

test("Announce addressing gives the boost's audience", async () => {
  const boost = await ok(activity("Announce", { object: "https://other.example/notes/1", to: [`${ALICE}/followers`] }));
  assert.ok(boost.type === "Announce" && boost.audience === "followers" && boost.object.kind === "id");
  const pub = await ok(activity("Announce", { object: "https://other.example/notes/1", to: [AS_PUBLIC] }));
  assert.ok(pub.type === "Announce" && pub.audience === "public");
});

test("unhandled activity types are refused with a reason", async () => {
  assert.equal((await refused(activity("Dislike", { object: "https://caracol.test/statuses/1" }))).code, "unsupported_type");
});
