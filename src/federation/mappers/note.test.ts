import { test } from "node:test";
import assert from "node:assert/strict";
import { parseJsonLdOffline } from "./document-loader.ts";
import { objectToStatus, type RemoteStatusRecord, type StatusMapOptions } from "./note.ts";
import { isMapError, type MapError } from "./common.ts";
import { AS_PUBLIC, AUTHENTICATED_AGENT } from "./addressing.ts";

const LOCAL = "https://caracol.test";
const AUTHOR = "https://remote.example/users/alice";
const FOLLOWERS = `${AUTHOR}/followers`;
const BOB = "https://other.example/users/bob";

const CONTEXT = [
  "https://www.w3.org/ns/activitystreams",
  { toot: "http://joinmastodon.org/ns#", Hashtag: "as:Hashtag", Emoji: "toot:Emoji", sensitive: "as:sensitive", blurhash: "toot:blurhash" },
];

/** A Note from alice; a key given as undefined is left out. */
function note(extra: Record<string, unknown>): Record<string, unknown> {
  const json: Record<string, unknown> = {
    "@context": CONTEXT,
    id: "https://remote.example/users/alice/statuses/1",
    type: "Note",
    attributedTo: AUTHOR,
    content: "<p>hello</p>",
    published: "2024-05-01T10:00:00Z",
    ...extra,
  };
  for (const key of Object.keys(json)) if (json[key] === undefined) delete json[key];
  return json;
}

async function map(json: Record<string, unknown>, options: Partial<StatusMapOptions> = {}): Promise<RemoteStatusRecord | MapError> {
  const object = await parseJsonLdOffline(json);
  return objectToStatus(object, { localOrigin: LOCAL, authorUri: AUTHOR, source: json, ...options });
}

async function mapOk(json: Record<string, unknown>, options: Partial<StatusMapOptions> = {}): Promise<RemoteStatusRecord> {
  const result = await map(json, options);
  if (isMapError(result)) assert.fail(`refused: ${result.code}: ${result.reason}`);
  return result;
}

async function mapErr(json: Record<string, unknown>, options: Partial<StatusMapOptions> = {}): Promise<MapError> {
  const result = await map(json, options);
  if (!isMapError(result)) assert.fail(`expected a refusal, got a ${result.audience} status`);
  return result;
}

test("addressing: as:Public in to is public", async () => {
  assert.equal((await mapOk(note({ to: [AS_PUBLIC], cc: [FOLLOWERS] }))).audience, "public");
});

test("addressing: the compact as:Public and bare Public forms count", async () => {
  assert.equal((await mapOk(note({ to: ["as:Public"], cc: [FOLLOWERS] }))).audience, "public");
  assert.equal((await mapOk(note({ to: "Public" }))).audience, "public");
});

test("addressing: a bare Public is not read as public without the sender's JSON (protective)", async () => {
  const json = note({ to: ["Public"] });
  const object = await parseJsonLdOffline(json);
  const result = await objectToStatus(object, { localOrigin: LOCAL, authorUri: AUTHOR, source: {} });
  assert.ok(!isMapError(result));
  assert.equal(result.audience, "direct");
});

test("addressing: as:Public only in cc is unlisted", async () => {
  const status = await mapOk(note({ to: [FOLLOWERS], cc: [AS_PUBLIC, BOB] }));
  assert.equal(status.audience, "unlisted");
  assert.deepEqual(status.recipients, [BOB]);
});

test("addressing: the author's followers collection (and no Public) is followers", async () => {
  assert.equal((await mapOk(note({ to: [FOLLOWERS], cc: [BOB] }))).audience, "followers");
  const declared = "https://remote.example/collections/alice-followers";
  assert.equal((await mapOk(note({ to: [declared] }), { followersUrl: declared })).audience, "followers");
  // With a declared followers URL, the conventional one is just another recipient.
  assert.equal((await mapOk(note({ to: [FOLLOWERS] }), { followersUrl: declared })).audience, "direct");
  assert.equal((await mapOk(note({ to: [FOLLOWERS] }), { followersUrl: null })).audience, "direct");
});

test("addressing: someone else's followers collection is not the author's", async () => {
  assert.equal((await mapOk(note({ to: [`${BOB}/followers`] }))).audience, "direct");
});

test("addressing: only specific actors is direct", async () => {
  const status = await mapOk(note({ to: [BOB], tag: [{ type: "Mention", href: BOB, name: "@bob@other.example" }] }));
  assert.equal(status.audience, "direct");
  assert.deepEqual(status.recipients, [BOB]);
  assert.deepEqual(status.mentions, [BOB]);
  assert.equal((await mapOk(note({}))).audience, "direct");
});

test("addressing: FEP-7502 AuthenticatedAgent is authenticated, and has no effect next to Public", async () => {
  assert.equal((await mapOk(note({ to: [AUTHENTICATED_AGENT], cc: [FOLLOWERS] }))).audience, "authenticated");
  assert.equal((await mapOk(note({ cc: [AUTHENTICATED_AGENT] }))).audience, "authenticated");
  assert.equal((await mapOk(note({ to: [AS_PUBLIC, AUTHENTICATED_AGENT] }))).audience, "public");
});

test("hostile HTML in content, summary and name comes out sanitised", async () => {
  const status = await mapOk(
    note({
      to: [AS_PUBLIC],
      content:
        '<p onclick="x()">hi<script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:alert(1)">j</a><iframe src="https://evil.example"></iframe><a href="https://ok.example" style="color:red">ok</a></p>',
      summary: "<b>CW</b><script>steal()</script> &amp; more",
    }),
  );
  for (const bad of ["<script", "alert(1)", "onerror", "onclick", "javascript:", "<iframe", "<img", "style="]) {
    assert.ok(!status.content.includes(bad), `content still has ${bad}: ${status.content}`);
  }
  assert.match(status.content, /<a href="https:\/\/ok\.example" rel="nofollow noopener noreferrer" target="_blank">ok<\/a>/);
  assert.equal(status.spoilerText, "CW & more");

  const article = await mapOk(note({ type: "Article", to: [AS_PUBLIC], name: '<img src=x onerror=alert(1)>Title & "more"', content: "<p>body</p>" }));
  assert.ok(article.content.startsWith("<p><strong>Title &amp; \"more\"</strong></p><p>body</p>"), article.content);
  assert.ok(!article.content.includes("onerror"));
  assert.equal(article.spoilerText, "");
});

test("Question options are listed as escaped text and as a poll", async () => {
  const status = await mapOk(
    note({
      type: "Question",
      to: [AS_PUBLIC],
      content: "<p>Which?</p>",
      endTime: "2024-05-02T10:00:00Z",
      oneOf: [
        { type: "Note", name: "<b>tea</b>", replies: { type: "Collection", totalItems: 3 } },
        { type: "Note", name: "coffee", replies: { type: "Collection", totalItems: 5 } },
      ],
    }),
  );
  assert.equal(status.content, "<p>Which?</p><ul><li>tea</li><li>coffee</li></ul>");
  assert.deepEqual(status.poll?.options, [
    { title: "tea", votes: 3 },
    { title: "coffee", votes: 5 },
  ]);
  assert.equal(status.poll?.multiple, false);
  assert.equal(status.poll?.endsAt?.toISOString(), "2024-05-02T10:00:00.000Z");
});

test("tags, emojis, attachments, language, dates, reply and sensitivity are mapped", async () => {
  const status = await mapOk(
    note({
      to: [AS_PUBLIC],
      contentMap: { de: "<p>hallo #Caracol :blob:</p>" },
      content: undefined,
      summary: "spoiler",
      sensitive: true,
      inReplyTo: "https://other.example/notes/9",
      updated: "2024-05-01T11:00:00Z",
      url: "https://remote.example/@alice/1",
      tag: [
        { type: "Hashtag", name: "#Caracol", href: "https://remote.example/tags/caracol" },
        { type: "Hashtag", name: "#caracol" },
        { type: "Hashtag", name: "#bad tag<script>" },
        { type: "Emoji", name: ":blob:", icon: { type: "Image", url: "https://remote.example/emoji/blob.png" } },
        { type: "Emoji", name: ":evil:", icon: { type: "Image", url: "javascript:alert(1)" } },
      ],
      attachment: [
        { type: "Document", mediaType: "image/png", url: "https://remote.example/media/1.png", name: "a <b>cat</b>", width: 640, height: 480, blurhash: "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH" },
        { type: "Document", mediaType: "image/png", url: "data:image/png;base64,AAAA" },
        { type: "PropertyValue", name: "x", value: "y" },
      ],
    }),
  );
  assert.equal(status.language, "de");
  assert.equal(status.content, "<p>hallo #Caracol :blob:</p>");
  assert.deepEqual(status.hashtags, ["Caracol"]);
  assert.deepEqual(status.emojis, [{ shortcode: "blob", url: "https://remote.example/emoji/blob.png" }]);
  assert.deepEqual(status.attachments, [
    { url: "https://remote.example/media/1.png", mediaType: "image/png", name: "a cat", width: 640, height: 480, blurhash: "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH" },
  ]);
  assert.equal(status.spoilerText, "spoiler");
  assert.equal(status.sensitive, true);
  assert.equal(status.inReplyTo, "https://other.example/notes/9");
  assert.equal(status.url, "https://remote.example/@alice/1");
  assert.equal(status.published?.toISOString(), "2024-05-01T10:00:00.000Z");
  assert.equal(status.updated?.toISOString(), "2024-05-01T11:00:00.000Z");
});

test("Markdown or plain-text content is shown as text, never as markup", async () => {
  const status = await mapOk(note({ type: "Video", to: [AS_PUBLIC], name: "Clip", mediaType: "text/markdown", content: "line <b>one</b>\nline two\n\npara" }));
  assert.equal(status.content, "<p><strong>Clip</strong></p><p>line &lt;b&gt;one&lt;/b&gt;<br />line two</p><p>para</p>");
});

test("refuses objects not attributed to the vouched author, or not on the author's host", async () => {
  assert.equal((await mapErr(note({ attributedTo: BOB }))).code, "attribution_mismatch");
  assert.equal((await mapErr(note({ attributedTo: undefined }))).code, "attribution_mismatch");
  const elsewhere = await mapErr(note({ id: "https://other.example/notes/1" }));
  assert.equal(elsewhere.code, "origin_mismatch");
  assert.equal(elsewhere.refetch, "https://other.example/notes/1");
});

test("refuses objects without an http(s) id, or claiming to live on this server", async () => {
  assert.equal((await mapErr(note({ id: undefined }))).code, "missing_id");
  assert.equal((await mapErr(note({ id: "urn:uuid:1234" }))).code, "invalid_id");
  const local = await mapErr(note({ id: `${LOCAL}/statuses/1`, attributedTo: `${LOCAL}/users/a` }), { authorUri: `${LOCAL}/users/a` });
  assert.equal(local.code, "local_origin");
});

test("a document served from another URL than its id is sent back to its origin", async () => {
  const error = await mapErr(note({}), { fetchedFrom: "https://remote.example/media/upload.json" });
  assert.equal(error.code, "id_mismatch");
  assert.equal(error.refetch, "https://remote.example/users/alice/statuses/1");
  assert.ok(!isMapError(await map(note({}), { fetchedFrom: "https://remote.example/users/alice/statuses/1" })));
});

test("an 'original page' url on another host is dropped", async () => {
  assert.equal((await mapOk(note({ url: "https://phish.example/@alice/1" }))).url, null);
});

test("non-post objects are refused, not thrown on", async () => {
  const error = await mapErr({ "@context": "https://www.w3.org/ns/activitystreams", id: "https://remote.example/t/1", type: "Tombstone" });
  assert.equal(error.code, "unsupported_type");
});
