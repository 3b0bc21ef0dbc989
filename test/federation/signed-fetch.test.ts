// Signed fetch (authorized fetch) between two real Caracol servers on loopback: unsigned GETs
// get only the bare actor; signed GETs are answered through the audience gate for the signer;
// a suspended domain's signed GETs are refused.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { signRequest } from "@fedify/fedify";
import { startTestServer, type TestServer } from "../helpers/app.ts";
import { createLocalAccount } from "../../src/domain/accounts/create.ts";
import { accountKeyPairs } from "../../src/federation/keys.ts";
import { accounts, blocks, domainBlocks, follows, statuses } from "../../src/db/schema/index.ts";
import { newId } from "../../src/lib/id.ts";
import { forgetStandings } from "../../src/domain/federation-policy/standing.ts";
import { eq } from "drizzle-orm";

const AP = "application/activity+json";
let a: TestServer;
let b: TestServer;
let aliceId: string;
let signer: { privateKey: CryptoKey; keyId: URL };
const posts: Record<string, string> = {};

before(async () => {
  const env = { CARACOL_ALLOW_PRIVATE_ADDRESS: "true" };
  [a, b] = await Promise.all([startTestServer(env, "127.0.0.1"), startTestServer(env, "127.0.0.2")]);
  ({ accountId: aliceId } = await createLocalAccount(a.app.ctx, { username: "alice", password: "alice password", approved: true }));
  await a.app.ctx.db.update(accounts).set({ displayName: "Alice of A", note: "<p>bio</p>", fields: [{ name: "pronouns", value: "she/her" }] }).where(eq(accounts.id, aliceId));
  for (const audience of ["public", "unlisted", "followers", "direct", "local"] as const) {
    const id = newId();
    await a.app.ctx.db.insert(statuses).values({ id, uri: `${a.url}/users/alice/statuses/${id}`, accountId: aliceId, content: `<p>${audience} words</p>`, audience, localOnly: audience === "local" });
    posts[audience] = id;
  }
  const { accountId: bobId } = await createLocalAccount(b.app.ctx, { username: "bob", password: "bob password", approved: true });
  const [rsa] = await accountKeyPairs(b.app.ctx, bobId);
  signer = { privateKey: rsa.privateKey, keyId: new URL(`${b.url}/users/bob#main-key`) };
});

after(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

async function get(path: string, signed: boolean): Promise<Response> {
  let req = new Request(`${a.url}${path}`, { headers: { accept: AP } });
  if (signed) req = await signRequest(req, signer.privateKey, signer.keyId);
  return fetch(req);
}

test("unsigned GETs: the bare actor (keys and inbox), nothing else", async () => {
  const res = await get("/users/alice", false);
  assert.equal(res.status, 200);
  const actor = await res.json();
  assert.equal(actor.type, "Person");
  assert.ok(actor.publicKey?.publicKeyPem, "the key other servers need");
  assert.ok(actor.inbox);
  assert.equal(actor.manuallyApprovesFollowers, true);
  assert.equal(actor.discoverable, false);
  assert.equal(actor.indexable, false);
  for (const k of ["name", "summary", "attachment", "icon", "published"]) assert.equal(actor[k], undefined, `unsigned actor has no ${k}`);
  for (const path of [`/users/alice/statuses/${posts.public}`, "/users/alice/followers", "/users/alice/following", "/users/alice/outbox", "/users/alice/collections/featured"]) {
    assert.equal((await get(path, false)).status, 401, path);
  }
  const inst = await (await get("/actor", false)).json();
  assert.equal(inst.type, "Application");
  assert.ok(inst.publicKey.publicKeyPem);
});

test("signed GETs are answered for the signer: public profile, public posts, no social graph", async () => {
  const actor = await (await get("/users/alice", true)).json();
  assert.equal(actor.name, "Alice of A");
  assert.equal(actor.summary, "<p>bio</p>");
  assert.equal(actor.attachment?.name ?? actor.attachment?.[0]?.name, "pronouns", "fields are for signed-in viewers");
  const pub = await get(`/users/alice/statuses/${posts.public}`, true);
  assert.equal(pub.status, 200);
  const note = await pub.json();
  assert.equal(note.type, "Note");
  const publicAddress = ["as:Public", "https://www.w3.org/ns/activitystreams#Public"];
  assert.ok([note.to].flat().some((x: string) => publicAddress.includes(x)), "a public post is addressed to the public");
  assert.equal((await get(`/users/alice/statuses/${posts.unlisted}`, true)).status, 200);
  for (const hidden of ["followers", "direct", "local"]) {
    assert.equal((await get(`/users/alice/statuses/${posts[hidden]}`, true)).status, 404, hidden);
  }
  const followers = await (await get("/users/alice/followers", true)).json();
  assert.equal(followers.totalItems, undefined, "no count");
  assert.equal(JSON.stringify(followers).includes("orderedItems\":["), false);
  const outbox = await (await get("/users/alice/outbox", true)).json();
  assert.ok(!JSON.stringify(outbox).includes("followers words"));
});

test("a follower on another server may fetch followers-only posts; a suspended domain nothing", async () => {
  const bobUri = `${b.url}/users/bob`;
  const remoteId = newId();
  await a.app.ctx.db.insert(accounts).values({ id: remoteId, username: "bob", domain: new URL(b.url).host, uri: bobUri, inboxUrl: `${bobUri}/inbox` });
  await a.app.ctx.db.insert(follows).values({ id: newId(), accountId: remoteId, targetAccountId: aliceId });
  assert.equal((await get(`/users/alice/statuses/${posts.followers}`, true)).status, 200);
  assert.equal((await get(`/users/alice/statuses/${posts.local}`, true)).status, 404, "local-only never leaves");

  // A remote person who blocked Alice gets none of her posts, public ones included.
  const blockId = newId();
  await a.app.ctx.db.insert(blocks).values({ id: blockId, accountId: remoteId, targetAccountId: aliceId });
  assert.equal((await get(`/users/alice/statuses/${posts.public}`, true)).status, 404);
  await a.app.ctx.db.delete(blocks).where(eq(blocks.id, blockId));
  assert.equal((await get(`/users/alice/statuses/${posts.public}`, true)).status, 200);

  await a.app.ctx.db.insert(domainBlocks).values({ id: newId(), domain: "127.0.0.2", severity: "suspend" });
  forgetStandings(a.app.ctx);
  for (const path of ["/users/alice", `/users/alice/statuses/${posts.public}`, "/users/alice/followers"]) {
    assert.equal((await get(path, true)).status, 401, path);
  }
});
