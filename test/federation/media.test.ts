// Remote media: attachments of delivered posts are stored as references (media_attachments rows
// pointing at the remote files), shown in Status.media_attachments behind the audience gate,
// replaced by an Update, and found by only_media. Plus the pure parts: the limits applied before
// storing, the MediaAttachment entity and the outgoing Document.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { asc, eq } from "drizzle-orm";
import { accounts, mediaAttachments, statusEdits, statuses } from "../../src/db/schema/index.ts";
import { insertFollow } from "../../src/domain/follows/graph.ts";
import { createStatus } from "../../src/domain/statuses/create.ts";
import { newId } from "../../src/lib/id.ts";
import { mediaTypeOf, remoteMediaValues } from "../../src/federation/remote-media.ts";
import { mediaToDocument, statusToNote } from "../../src/federation/note.ts";
import { serializeMedia } from "../../src/mastodon/entities/media.ts";
import { openapiValidator } from "../helpers/openapi.ts";
import { revealProxied, unproxy } from "../helpers/proxy.ts";
import { AS_PUBLIC, api, deliver, localUser, startWorld, type LocalUser, type World } from "./inbox-helpers.ts";

const CONTEXT = ["https://www.w3.org/ns/activitystreams", { toot: "http://joinmastodon.org/ns#", blurhash: "toot:blurhash", sensitive: "as:sensitive" }];
const BLURHASH = "LEHV6nWB2yk8pyo0adR*.7kCMdnj";

let w: World;
let alice: LocalUser;
let erin: LocalUser; // follows bob
let frank: LocalUser; // does not
let bob: string;

before(async () => {
  w = await startWorld(["bob"], ["carol"]);
  [alice, erin, frank] = [await localUser(w.server, "alice"), await localUser(w.server, "erin"), await localUser(w.server, "frank")];
  bob = w.peer.actorUrl("bob");
  await deliver(w, w.peer, "bob", alice.inbox, { id: w.peer.newId(), type: "Follow", actor: bob, object: alice.uri });
  const bobId = await accountId(bob);
  await db().transaction((tx) => insertFollow(tx, erin.id, bobId, { showReblogs: true, notify: false, languages: null }));
});
after(() => w?.close());

const db = () => w.server.app.ctx.db;
const accountId = async (uri: string) => (await db().select({ id: accounts.id }).from(accounts).where(eq(accounts.uri, uri)))[0]!.id;
const statusAt = async (uri: string) => (await db().select().from(statuses).where(eq(statuses.uri, uri)))[0];
const mediaOf = (statusId: string) => db().select().from(mediaAttachments).where(eq(mediaAttachments.statusId, statusId)).orderBy(asc(mediaAttachments.position));
const create = (object: Record<string, any>) => ({ "@context": CONTEXT, id: w.peer.newId(), type: "Create", actor: bob, object, to: object.to, cc: object.cc });
const inbox = () => `${w.server.url}/inbox`;
const image = (n: number, extra: Record<string, unknown> = {}) => ({
  type: "Document",
  mediaType: "image/png",
  url: `${w.peer.origin}/media/${n}.png`,
  name: `picture ${n}`,
  width: 640,
  height: 480,
  ...extra,
});

function assertValid(path: string, body: unknown) {
  const validate = openapiValidator();
  if (validate) assert.equal(validate("GET", path, 200, body), null);
}

test("a remote Create with two images shows them by their remote URLs; javascript: and data: URLs are dropped", async () => {
  const note = w.peer.publish("bob", {
    "@context": CONTEXT,
    type: "Note",
    content: "<p>two pictures</p>",
    to: [AS_PUBLIC],
    sensitive: true,
    published: new Date().toISOString(),
    attachment: [
      image(1, { blurhash: BLURHASH }),
      { type: "Document", mediaType: "image/png", url: "javascript:alert(1)", name: "evil" },
      { type: "Document", mediaType: "image/png", url: "data:image/png;base64,iVBORw0KGgo=", name: "inline" },
      image(2, { mediaType: undefined, url: `${w.peer.origin}/media/2.jpg`, width: undefined, height: undefined }),
    ],
  });
  await deliver(w, w.peer, "bob", inbox(), create(note));
  const row = await statusAt(note.id);
  assert.ok(row, "stored");
  assert.doesNotMatch(row.content, /media\/1\.png|javascript|data:/, "no attachment links in the content");
  assert.equal((await mediaOf(row.id)).length, 2);

  const path = `/api/v1/statuses/${row.id}`;
  const res = await api(w.server, path, alice.token);
  assert.equal(res.status, 200);
  assertValid(path, res.body);
  assert.equal(res.body.sensitive, true, "as sent");
  const [first, second] = res.body.media_attachments;
  assert.equal(res.body.media_attachments.length, 2);
  assert.deepEqual(
    // through the media proxy: the reader's app never loads them from the remote server
    { type: first.type, url: unproxy(first.url), preview_url: unproxy(first.preview_url), remote_url: unproxy(first.remote_url), description: first.description, blurhash: first.blurhash },
    { type: "image", url: `${w.peer.origin}/media/1.png`, preview_url: `${w.peer.origin}/media/1.png`, remote_url: `${w.peer.origin}/media/1.png`, description: "picture 1", blurhash: BLURHASH },
  );
  assert.deepEqual(first.meta, { original: { width: 640, height: 480, aspect: 640 / 480 } });
  assert.equal(second.type, "image", "guessed from the file name when no mediaType is given");
  assert.equal(unproxy(second.remote_url), `${w.peer.origin}/media/2.jpg`);
  assert.equal(second.description, "picture 2");
  assert.equal(second.meta, null);
  assert.equal(second.blurhash, null);

  // A boost carries the boosted post's media inside `reblog`, none of its own.
  const boost = await api(w.server, `/api/v1/statuses/${row.id}/reblog`, alice.token, { method: "POST" });
  assert.equal(boost.status, 200);
  assert.deepEqual(boost.body.media_attachments, []);
  assert.equal(boost.body.reblog.media_attachments.length, 2);
});

test("an Update replaces the attachments; a repeat changes nothing", async () => {
  const note = w.peer.publish("bob", {
    "@context": CONTEXT,
    type: "Note",
    content: "<p>edit me</p>",
    to: [AS_PUBLIC],
    published: new Date().toISOString(),
    attachment: [image(10), image(11)],
  });
  await deliver(w, w.peer, "bob", inbox(), create(note));
  const row = await statusAt(note.id);
  const before = await mediaOf(row.id);
  assert.equal(before.length, 2);

  // Only the attachments change: that is an edit too.
  const update = {
    "@context": CONTEXT,
    id: w.peer.newId(),
    type: "Update",
    actor: bob,
    object: { ...note, attachment: [image(12, { name: "a new picture", mediaType: "video/mp4", url: `${w.peer.origin}/media/12.mp4` })], updated: new Date().toISOString() },
  };
  await deliver(w, w.peer, "bob", inbox(), update);
  await deliver(w, w.peer, "bob", inbox(), { ...update, id: w.peer.newId() });
  const after = await mediaOf(row.id);
  assert.equal(after.length, 1);
  assert.equal(after[0].remoteUrl, `${w.peer.origin}/media/12.mp4`);
  assert.ok(!before.some((m) => m.id === after[0].id), "old rows are gone");
  assert.equal((await db().select().from(statusEdits).where(eq(statusEdits.statusId, row.id))).length, 1, "one edit, not two");

  const res = await api(w.server, `/api/v1/statuses/${row.id}`, alice.token);
  assert.deepEqual(
    res.body.media_attachments.map((m: any) => [m.type, unproxy(m.url), m.preview_url, m.description]),
    [["video", `${w.peer.origin}/media/12.mp4`, null, "a new picture"]],
  );
  assert.ok(res.body.edited_at);

  // An Update without attachments removes them.
  await deliver(w, w.peer, "bob", inbox(), { ...update, id: w.peer.newId(), object: { ...note, attachment: [], updated: new Date().toISOString() } });
  assert.deepEqual(await mediaOf(row.id), []);
});

test("only_media in an account's statuses and in the public timeline", async () => {
  const withMedia = w.peer.publish("bob", { "@context": CONTEXT, type: "Note", content: "<p>media post</p>", to: [AS_PUBLIC], published: new Date().toISOString(), attachment: [image(20)] });
  const plain = w.peer.publish("bob", { type: "Note", content: "<p>just words</p>", to: [AS_PUBLIC], published: new Date().toISOString() });
  await deliver(w, w.peer, "bob", inbox(), create(withMedia));
  await deliver(w, w.peer, "bob", inbox(), create(plain));
  const bobId = await accountId(bob);

  const all = await api(w.server, `/api/v1/accounts/${bobId}/statuses`, alice.token);
  assert.ok(all.body.some((s: any) => s.uri === plain.id));
  const media = await api(w.server, `/api/v1/accounts/${bobId}/statuses?only_media=true`, alice.token);
  assert.equal(media.status, 200);
  assert.ok(media.body.some((s: any) => s.uri === withMedia.id), "the media post is listed");
  assert.ok(media.body.every((s: any) => s.media_attachments.length > 0), "only posts with media");

  const pub = await api(w.server, "/api/v1/timelines/public?only_media=true", alice.token);
  assert.equal(pub.status, 200);
  assert.ok(pub.body.some((s: any) => s.uri === withMedia.id));
  assert.ok(!pub.body.some((s: any) => s.uri === plain.id));
  assert.ok(pub.body.every((s: any) => s.media_attachments.length > 0));
  const everything = await api(w.server, "/api/v1/timelines/public", alice.token);
  assert.ok(everything.body.some((s: any) => s.uri === plain.id));
});

test("a followers-only remote post's media is shown to a follower only", async () => {
  const note = w.peer.publish("bob", {
    "@context": CONTEXT,
    type: "Note",
    content: "<p>for my followers</p>",
    to: [`${bob}/followers`],
    published: new Date().toISOString(),
    attachment: [image(30)],
  });
  await deliver(w, w.peer, "bob", inbox(), create(note));
  const row = await statusAt(note.id);
  assert.equal(row.audience, "followers");
  const seen = await api(w.server, `/api/v1/statuses/${row.id}`, erin.token);
  assert.equal(seen.status, 200);
  assert.equal(unproxy(seen.body.media_attachments[0].remote_url), `${w.peer.origin}/media/30.png`);
  const hidden = await api(w.server, `/api/v1/statuses/${row.id}`, frank.token);
  assert.equal(hidden.status, 404);
  assert.doesNotMatch(revealProxied(JSON.stringify(hidden.body)), /media\/30/);
  assert.equal((await api(w.server, `/api/v1/statuses/${row.id}`)).status, 404, "nor for anonymous");
  const bobId = await accountId(bob);
  const list = await api(w.server, `/api/v1/accounts/${bobId}/statuses?only_media=true`, frank.token);
  assert.ok(!revealProxied(JSON.stringify(list.body)).includes("media/30"), "not in a non-follower's media list");
});

test("remoteMediaValues: http(s) only, at most 16, alt text cut to 1,500 characters, types", () => {
  const base = { mediaType: "image/png", name: null, width: null, height: null, blurhash: null };
  const many = Array.from({ length: 20 }, (_, i) => ({ ...base, url: `https://example.com/${i}.png` }));
  const values = remoteMediaValues([{ ...base, url: "javascript:alert(1)" }, { ...base, url: "data:image/png;base64,AA" }, { ...base, url: "ftp://x/y.png" }, ...many]);
  assert.equal(values.length, 16);
  assert.deepEqual(values.map((v) => v.position), [...Array(16).keys()]);
  assert.equal(values[0].remoteUrl, "https://example.com/0.png");
  const [long] = remoteMediaValues([{ ...base, url: "https://example.com/a.png", name: "x".repeat(2000) }]);
  assert.equal(long.description!.length, 1500);
  assert.equal(mediaTypeOf("video/mp4", "https://e/x"), "video");
  assert.equal(mediaTypeOf("audio/ogg", "https://e/x"), "audio");
  assert.equal(mediaTypeOf("application/pdf", "https://e/x.png"), "unknown", "a declared type wins");
  assert.equal(mediaTypeOf(null, "https://e/song.mp3"), "audio");
  assert.equal(mediaTypeOf(null, "https://e/file"), "unknown");
});

test("MediaAttachment entity: local files are absolute URLs and their own previews", () => {
  const row = {
    id: "1",
    statusId: null,
    accountId: "2",
    type: "image" as const,
    contentType: "image/webp",
    remoteUrl: null,
    url: "/system/media/a.webp",
    previewUrl: "/system/media/a-small.webp",
    description: null,
    blurhash: null,
    meta: { original: { width: 10, height: 5, aspect: 2 } },
    storageKey: null,
    usage: "attachment" as const,
    position: 0,
    createdAt: new Date(),
  };
  const m = serializeMedia(row, "https://caracol.example");
  assert.equal(m.url, "https://caracol.example/system/media/a.webp");
  assert.equal(m.preview_url, "https://caracol.example/system/media/a-small.webp");
  assert.equal(m.remote_url, null);
});

test("outgoing Notes carry local media as Documents; remote references are never sent", async () => {
  const ctx = w.server.app.ctx;
  assert.equal(mediaToDocument({ url: null, contentType: "image/png", description: null, meta: null }, ctx.config.origin), null);
  const { status } = await createStatus(ctx, { accountId: alice.id, appId: null, text: "with a picture", visibility: "public" });
  const common = { statusId: status.id, accountId: alice.id, type: "image" as const, contentType: "image/png", blurhash: BLURHASH, previewUrl: null };
  await db().insert(mediaAttachments).values([
    { ...common, id: newId(), url: "/system/media/b.png", remoteUrl: null, description: "second", meta: null, position: 1 },
    { ...common, id: newId(), url: "/system/media/a.png", remoteUrl: null, description: "first", meta: { original: { width: 800, height: 600, aspect: 4 / 3 } }, position: 0 },
    { ...common, id: newId(), url: null, remoteUrl: "https://elsewhere.example/c.png", description: "not ours", meta: null, position: 2 },
  ]);
  const fctx = w.server.app.federation.createContext(new URL(w.server.url), ctx);
  const note = await statusToNote(fctx, status, "alice");
  assert.ok(note);
  const json = (await note.toJsonLd({ format: "compact" })) as any;
  const attachments = [json.attachment].flat();
  assert.equal(attachments.length, 2);
  assert.deepEqual(
    attachments.map((a: any) => [a.type, a.url, a.mediaType, a.name, a.width ?? null, a.height ?? null]),
    [
      ["Document", `${w.server.url}/system/media/a.png`, "image/png", "first", 800, 600],
      ["Document", `${w.server.url}/system/media/b.png`, "image/png", "second", null, null],
    ],
  );
});
