// Our document loaders on their own and plugged into createFederation: key fetching for
// inbox verification, lookupObject and signed (authorized) fetches all go through safeFetch.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createFederation, FetchError, MemoryKvStore } from "@fedify/fedify";
import type { Federation } from "@fedify/fedify";
import { Activity, Note, Person } from "@fedify/vocab";
import { startPeer, type Peer } from "../../../test/helpers/peer.ts";
import { ACTIVITY_ACCEPT, createAuthenticatedDocumentLoader, createDocumentLoader, createLoaderFactories } from "./document-loader.ts";
import { SafeFetchError, userAgentFor } from "./safe-fetch.ts";
import type { Resolver } from "./safe-fetch.ts";

type Local = { federation: Federation<void>; origin: string; inbox: string[]; close(): Promise<void> };

/** A minimal Caracol-like server on 127.0.0.1 with one actor, alice, using our loaders. */
async function startLocal(allowPrivateAddress: boolean): Promise<Local> {
  const kv = new MemoryKvStore();
  const pair = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  let origin = "";
  const federation = createFederation<void>({
    kv,
    ...createLoaderFactories({ kv, allowPrivateAddress, userAgent: userAgentFor("http://caracol.test") }),
  });
  federation
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) =>
      identifier !== "alice"
        ? null
        : new Person({
            id: ctx.getActorUri(identifier),
            preferredUsername: identifier,
            inbox: ctx.getInboxUri(identifier),
            publicKey: (await ctx.getActorKeyPairs(identifier))[0].cryptographicKey,
          }),
    )
    .setKeyPairsDispatcher((_ctx, identifier) => (identifier === "alice" ? [pair] : []));
  const inbox: string[] = [];
  federation.setInboxListeners("/users/{identifier}/inbox", "/inbox").on(Activity, (_ctx, a) => {
    inbox.push(a.id!.href);
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: (r) => federation.fetch(r, { contextData: undefined }), port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { federation, origin, inbox, close: () => new Promise((r) => server.close(() => r())) };
}

let peer: Peer;
let open: Local; // allowPrivateAddress: true, as in federation tests on loopback
let strict: Local; // the production setting

before(async () => {
  peer = await startPeer({ host: "127.0.0.2", actors: ["bob"], requireSignedFetch: true });
  open = await startLocal(true);
  strict = await startLocal(false);
});
after(async () => {
  await Promise.all([peer.close(), open.close(), strict.close()]);
});

test("well-known JSON-LD contexts come from Fedify's preloaded set, with no network", async () => {
  let lookups = 0;
  const noNetwork: Resolver = async () => {
    lookups++;
    throw new Error("no network in this test");
  };
  const load = createDocumentLoader({ allowPrivateAddress: false, userAgent: "t", resolve: noNetwork });
  for (const url of ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"]) {
    const doc = await load(url);
    assert.equal(doc.documentUrl, url);
    assert.equal(doc.contextUrl, null);
    assert.ok("@context" in (doc.document as object), url);
  }
  assert.equal(lookups, 0);
  await assert.rejects(load("https://example.invalid/context"), /no network in this test/);
  assert.equal(lookups, 1, "anything else is fetched");
});

test("the loader returns Fedify's RemoteDocument and refuses private addresses unless allowed", async () => {
  const note = peer.publishNote("bob", { content: "needs a signature" });
  const url = peer.actorUrl("bob");
  const doc = await createDocumentLoader({ allowPrivateAddress: true, userAgent: "t" })(url);
  assert.equal(doc.documentUrl, url);
  assert.equal((doc.document as any).id, url);
  const error = await createDocumentLoader({ allowPrivateAddress: false, userAgent: "t" })(url).catch((e) => e);
  assert.ok(error instanceof FetchError && error instanceof SafeFetchError);
  assert.equal(error.code, "forbidden_address");
  // A document above the configured size limit is cut off.
  const small = createDocumentLoader({ allowPrivateAddress: true, userAgent: "t", maxBytes: 200 });
  await assert.rejects(small(url), (e: unknown) => e instanceof SafeFetchError && e.code === "too_large");
  // HTTP errors surface as Fedify's FetchError (the note needs a signature).
  await assert.rejects(createDocumentLoader({ allowPrivateAddress: true, userAgent: "t" })(note.id), (e: unknown) => e instanceof FetchError && /401/.test((e as Error).message));
});

test("createFederation accepts the factories; inbox key fetching goes through them", async () => {
  for (const local of [open, strict]) {
    const follow = { id: peer.newId(), type: "Follow", actor: peer.actorUrl("bob"), object: `${local.origin}/users/alice` };
    const res = await peer.send("bob", `${local.origin}/users/alice/inbox`, follow);
    if (local === open) {
      // Fedify's own loader would refuse this loopback key (the federation was created without
      // its allowPrivateAddress), so the key came through ours.
      assert.equal(res.status, 202, res.body);
      assert.deepEqual(open.inbox, [follow.id]);
    } else {
      // The peer's key lives on a private address, so the strict server cannot verify it.
      assert.equal(res.status, 401);
      assert.deepEqual(strict.inbox, []);
    }
  }
});

test("lookupObject and signed fetches use our loaders", async () => {
  const note = peer.publishNote("bob", { content: "<p>signed only</p>" });
  const ctx = open.federation.createContext(new URL(open.origin), undefined);
  // Unsigned: the peer wants a signature.
  assert.equal(await ctx.lookupObject(note.id), null);
  // Signed as alice: the peer fetches alice's key from us, verifies, and answers.
  const loader = await ctx.getDocumentLoader({ identifier: "alice" });
  const doc = await loader(note.id);
  assert.equal((doc.document as any).content, "<p>signed only</p>");
  assert.deepEqual(peer.fetches.at(-1), { path: new URL(note.id).pathname, status: 200, signedBy: `${open.origin}/users/alice#main-key` });
  const object = await ctx.lookupObject(note.id, { documentLoader: loader });
  assert.ok(object instanceof Note);
  // The strict server refuses the loopback peer whether signed or not.
  const strictCtx = strict.federation.createContext(new URL(strict.origin), undefined);
  const strictLoader = await strictCtx.getDocumentLoader({ identifier: "alice" });
  await assert.rejects(strictLoader(note.id), (e: unknown) => e instanceof SafeFetchError && e.code === "forbidden_address");
  assert.equal(await strictCtx.lookupObject(peer.actorUrl("bob")), null);
});

test("a signed fetch falls back to the other signature spec and remembers it", async () => {
  // A server that only understands draft-cavage signatures (as older Mastodon does).
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    if (!req.headers.signature || req.headers["signature-input"]) return res.writeHead(401).end();
    res.writeHead(200, { "content-type": "application/activity+json" }).end(JSON.stringify({ id: "x", type: "Note" }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const kv = new MemoryKvStore();
  const ua = userAgentFor("https://caracol.example");
  const identity = { keyId: new URL("https://caracol.example/users/alice#main-key"), privateKey };
  const load = createAuthenticatedDocumentLoader(identity, { allowPrivateAddress: true, userAgent: ua, kv });
  try {
    assert.equal(((await load(`${base}/a`)).document as any).type, "Note");
    assert.equal(seen.length, 2, "RFC 9421 first, then draft-cavage");
    assert.equal(await kv.get(["_fedify", "httpMessageSignaturesSpec", base]), "draft-cavage-http-signatures-12");
    await load(`${base}/b`);
    assert.equal(seen.length, 3, "the remembered spec is used first");
    assert.equal(seen[2]["user-agent"], ua);
    assert.equal(seen[2].accept, ACTIVITY_ACCEPT);
    assert.match(String(seen[2].signature), /keyId="https:\/\/caracol\.example\/users\/alice#main-key"/);
  } finally {
    server.close();
  }
});
