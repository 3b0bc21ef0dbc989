import { test } from "node:test";
import assert from "node:assert/strict";
import { Note } from "@fedify/vocab";
import { createOfflineContextLoader, OfflineLoaderError, parseJsonLdOffline, refusingDocumentLoader } from "./document-loader.ts";
import { NO_FETCH } from "./common.ts";

// Any attempt at the network fails the test, whatever library makes it.
const realFetch = globalThis.fetch;
const attempts: string[] = [];
globalThis.fetch = (async (input: string | URL | Request) => {
  attempts.push(String(input instanceof Request ? input.url : input));
  throw new Error("network access in a test");
}) as typeof fetch;
test.after(() => {
  globalThis.fetch = realFetch;
  assert.deepEqual(attempts, [], "something tried the network");
});

const PLEROMA_LIKE = {
  "@context": ["https://www.w3.org/ns/activitystreams", "https://pleroma.example/schemas/litepub-0.1.jsonld", { "@language": "und" }],
  id: "https://pleroma.example/objects/1",
  type: "Note",
  attributedTo: "https://pleroma.example/users/a",
  content: "hi #tag",
  sensitive: true,
  tag: [{ type: "Hashtag", name: "#tag", href: "https://pleroma.example/tags/tag" }],
  inReplyTo: "https://elsewhere.example/notes/9",
};

test("preloaded contexts are served, under their http:// spellings too", async () => {
  const loader = createOfflineContextLoader({ unknownContexts: "refuse" });
  for (const url of ["https://www.w3.org/ns/activitystreams", "http://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1", "http://joinmastodon.org/ns", "https://join-lemmy.org/context.json"]) {
    const doc = await loader(url);
    assert.equal(typeof doc.document, "object", url);
  }
});

test("refuse mode: an unknown context is an error, not a fetch", async () => {
  await assert.rejects(() => parseJsonLdOffline(PLEROMA_LIKE, { unknownContexts: "refuse" }), /litepub|offline|Dereferencing/);
  await assert.rejects(() => createOfflineContextLoader({ unknownContexts: "refuse" })("https://x.example/ctx"), OfflineLoaderError);
});

test("fallback mode: an unknown context gets the common extension terms", async () => {
  const seen: string[] = [];
  const note = await parseJsonLdOffline(PLEROMA_LIKE, { onFallback: (url) => seen.push(url) });
  assert.deepEqual([...new Set(seen)], ["https://pleroma.example/schemas/litepub-0.1.jsonld"]);
  assert.ok(note instanceof Note);
  assert.equal(note.sensitive, true);
  const tags = [];
  for await (const tag of note.getTags(NO_FETCH)) tags.push(tag.constructor.name);
  assert.deepEqual(tags, ["Hashtag"]);
});

test("objects are never fetched: the refusing loader throws, and getters only read what is embedded", async () => {
  await assert.rejects(() => refusingDocumentLoader("https://elsewhere.example/notes/9"), OfflineLoaderError);
  const note = await parseJsonLdOffline(PLEROMA_LIKE);
  assert.equal(note.replyTargetId?.href, "https://elsewhere.example/notes/9");
  assert.equal(await note.getReplyTarget(NO_FETCH), null);
});
