// Deletion that really deletes: through the settings page (password and CSRF), every row that
// referred to the account goes (checked over every bigint column the database has), servers
// that knew the person receive a Delete of the actor signed with its key (one per shared
// inbox), the actor answers 410 Gone, the username stays taken, and other people's data stays.
import { test } from "node:test";
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { startTestServer } from "../helpers/app.ts";
import { startPeer } from "../helpers/peer.ts";
import { Browser } from "../helpers/browser.ts";
import { bookmark, favourite, makeStatus, mute, notification, block } from "../helpers/fixtures.ts";
import { accounts, accountKeys, accountTombstones, reports, follows, statuses } from "../../src/db/schema/index.ts";
import { AccountError, createLocalAccount } from "../../src/domain/accounts/create.ts";
import { api, follow, localUser, objectId, remoteAccount, sleep } from "../federation/outbox-helpers.ts";
import { importJwk, verifyProof } from "@fedify/fedify";
import { DataIntegrityProof, Multikey } from "@fedify/vocab";
import { newId } from "../../src/lib/id.ts";
import { columnsOfTypes, TEXTUAL, whereBigintIs, whereTextOccurs } from "./db-search.ts";

test("deleting an account removes every row about it and tells the servers that knew it", async () => {
  const server = await startTestServer({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true" }, "127.0.0.1");
  const [A, B] = await Promise.all([startPeer({ host: "127.0.0.2", actors: ["ann", "amy"] }), startPeer({ host: "127.0.0.3", actors: ["ben"] })]);
  const workers = new AbortController();
  const working = server.app.startWorkers(workers.signal);
  try {
    const { ctx } = server.app;
    const app = { ctx };
    const call = api(server.url);
    const alice = await localUser(ctx, "alice");
    const bob = await localUser(ctx, "bob");
    const carol = await localUser(ctx, "carol");
    const ann = await remoteAccount(ctx.db, A, "ann");
    const amy = await remoteAccount(ctx.db, A, "amy");
    const ben = await remoteAccount(ctx.db, B, "ben");
    await follow(ctx.db, ann, alice.id);
    await follow(ctx.db, amy, alice.id);
    await follow(ctx.db, bob.id, ben);

    // Both servers hear from alice first (a post; a follow), so they hold her key, as servers
    // that know someone do: the Delete is checked against that key, the actor being gone.
    const post = await call(alice.token, "POST", "/api/v1/statuses", { status: "hello followers", visibility: "private" });
    await A.waitFor((a) => a.type === "Create" && objectId(a) === post.uri);
    await call(alice.token, "POST", `/api/v1/accounts/${ben}/follow`);
    await B.waitFor((a) => a.type === "Follow");

    // What alice has here, and what others have that touches her.
    const own = await makeStatus(app, alice.id, { audience: "public", text: "alice public" });
    const bobsPost = await makeStatus(app, bob.id, { audience: "public", text: "bob public" });
    const bobsReply = await makeStatus(app, bob.id, { audience: "public", text: "reply to alice", inReplyToId: own.id, inReplyToAccountId: alice.id });
    await makeStatus(app, bob.id, { reblogOfId: own.id });
    await favourite(app, bob.id, own.id);
    await bookmark(app, bob.id, own.id);
    await favourite(app, alice.id, bobsPost.id);
    await bookmark(app, alice.id, bobsPost.id);
    await block(app, alice.id, carol.id);
    await mute(app, alice.id, bob.id);
    await call(alice.token, "POST", `/api/v1/accounts/${bob.id}/follow`);
    await call(bob.token, "POST", `/api/v1/accounts/${alice.id}/follow`);
    await call(bob.token, "POST", `/api/v1/follow_requests/${alice.id}/authorize`);
    await call(alice.token, "POST", `/api/v1/follow_requests/${bob.id}/authorize`);
    const list = await call(alice.token, "POST", "/api/v1/lists", { title: "friends" });
    await call(alice.token, "POST", `/api/v1/lists/${list.id}/accounts`, { account_ids: [bob.id] });
    await call(alice.token, "POST", "/api/v2/filters", { title: "spoilers", context: ["home"], keywords_attributes: [{ keyword: "finale" }] });
    await call(alice.token, "POST", "/api/v1/markers", { home: { last_read_id: bobsPost.id } });
    await notification(app, alice.id, bob.id, "favourite", own.id);
    await notification(app, bob.id, alice.id, "follow");
    const filedByAlice = newId();
    const aboutAlice = newId();
    await ctx.db.insert(reports).values([
      { id: filedByAlice, accountId: alice.id, targetAccountId: carol.id, comment: "carol harasses me" },
      { id: aboutAlice, accountId: bob.id, targetAccountId: alice.id, comment: "spam" },
    ]);
    const bobStatusesBefore = (await ctx.db.select().from(statuses).where(eq(statuses.accountId, bob.id))).length;

    const bigints = await columnsOfTypes(ctx.db, ["bigint"]);
    const before = await whereBigintIs(ctx.db, bigints, alice.id);
    for (const t of ["statuses.account_id", "follows.account_id", "follows.target_account_id", "favourites.account_id", "notifications.from_account_id", "mutes.account_id"]) {
      assert.ok(before.some((h) => h.startsWith(t)), `${t} refers to alice before: ${before}`);
    }
    const rsa = (await ctx.db.select().from(accountKeys).where(eq(accountKeys.accountId, alice.id))).find((k) => k.type === "RSASSA-PKCS1-v1_5")!;
    const privateD = (rsa.privateKeyJwk as { d: string }).d;
    const keys = await ctx.db.select().from(accountKeys).where(eq(accountKeys.accountId, alice.id));
    const ed25519Public = keys.find((k) => k.type === "Ed25519")!.publicKeyJwk;

    // The settings page: a wrong password deletes nothing; the right one deletes.
    const browser = new Browser(server.url);
    assert.equal((await browser.signIn("alice", "alice password!")).status, 303);
    const form = await browser.get("/settings/delete");
    assert.equal(form.status, 200);
    assert.match(form.html, /2 other servers/);
    const wrong = await browser.submit(form.html, form.url, "/settings/delete", { password: "not it", confirm: "yes" });
    assert.equal(wrong.status, 422);
    assert.ok((await ctx.db.select().from(accounts).where(eq(accounts.id, alice.id))).length === 1);
    const forged = await browser.post("/settings/delete", { password: "alice password!", confirm: "yes", authenticity_token: "forged" });
    assert.equal(forged.status, 403);
    assert.ok((await ctx.db.select().from(accounts).where(eq(accounts.id, alice.id))).length === 1);
    const done = await browser.submit(form.html, form.url, "/settings/delete", { password: "alice password!", confirm: "yes" });
    assert.equal(done.status, 200, await done.clone().text());

    // Servers that knew her get one Delete each, signed with her key.
    const actor = `${server.url}/users/alice`;
    for (const peer of [A, B]) {
      const d = await peer.waitFor((a) => a.type === "Delete" && objectId(a) === actor);
      assert.equal(d.actor, actor);
      // The peer's Fedify accepted it (it refuses anything unverified): with the key it cached, the
      // actor being gone. Checked here too: the proof verifies with alice's saved Ed25519 key.
      assert.equal(d.raw.proof?.verificationMethod, `${actor}#key-2`);
      assert.ok(await proofVerifies(d.raw, ed25519Public, actor), "the Delete's proof verifies with alice's key");
      assert.ok(!peer.refused.length, JSON.stringify(peer.refused));
    }
    await sleep(1000);
    assert.equal(A.received.filter((a) => a.type === "Delete").length, 1, "ann and amy share an inbox: one Delete");

    // Nothing refers to her any more; her private key is gone from the queues once delivered.
    assert.deepEqual(await whereBigintIs(ctx.db, bigints, alice.id), []);
    const textual = await columnsOfTypes(ctx.db, TEXTUAL);
    for (let i = 0; i < 50 && (await whereTextOccurs(ctx.db, textual, privateD)).length; i++) await sleep(100);
    assert.deepEqual(await whereTextOccurs(ctx.db, textual, privateD), []);

    // The actor and WebFinger answer 410 Gone; the username stays taken.
    const gone = await fetch(actor, { headers: { accept: "application/activity+json" } });
    assert.equal(gone.status, 410, `${await gone.clone().text()} ${JSON.stringify(await ctx.db.select().from(accountTombstones))}`);
    const finger = await fetch(`${server.url}/.well-known/webfinger?resource=acct:alice@${new URL(server.url).host}`);
    assert.equal(finger.status, 410);
    await assert.rejects(createLocalAccount(ctx, { username: "Alice", password: "another password", approved: true }), AccountError);

    // Others' data stays: bob's posts but his boost of hers, his reply (unattached), his follows.
    const bobStatuses = await ctx.db.select().from(statuses).where(eq(statuses.accountId, bob.id));
    assert.equal(bobStatuses.length, bobStatusesBefore - 1);
    assert.equal(bobStatuses.find((s) => s.id === bobsReply.id)?.inReplyToAccountId, null);
    assert.equal((await ctx.db.select().from(follows).where(eq(follows.accountId, bob.id))).length, 1);
    const [bobRow] = await ctx.db.select().from(accounts).where(eq(accounts.id, bob.id));
    assert.equal(bobRow.followersCount, 0);
    assert.ok((await ctx.db.select().from(accounts).where(eq(accounts.id, carol.id))).length === 1);
    // her report about carol stays for the moderators, without her; the one about her goes
    const left = await ctx.db.select().from(reports);
    assert.deepEqual(left.map((r) => [r.id, r.accountId, r.targetAccountId, r.comment]), [[filedByAlice, null, carol.id, "carol harasses me"]]);
  } finally {
    workers.abort();
    await working;
    await Promise.all([A.close(), B.close()]);
    await server.close();
  }
});

/** Verifies an activity's object integrity proof against a given public key (no fetching). */
async function proofVerifies(raw: Record<string, unknown>, publicKeyJwk: JsonWebKey, actor: string): Promise<boolean> {
  // the RSA Linked Data signature is added over the proven object, so it is not part of the proof
  const { proof, signature: _ldSignature, ...rest } = raw;
  const parsed = await DataIntegrityProof.fromJsonLd(proof);
  const key = new Multikey({ id: new URL(`${actor}#key-2`), controller: new URL(actor), publicKey: await importJwk(publicKeyJwk, "public") });
  const keyCache = { get: async () => key, set: async () => {} };
  return (await verifyProof(rest, parsed, { keyCache })) !== null;
}
