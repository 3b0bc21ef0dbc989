// Suspending a domain can also block the addresses its servers were seen on. Real sockets:
// Caracol on 127.0.0.1, a peer delivering from 127.0.0.3 and another from 127.0.0.4. Only
// requests whose signature verified count, so a forger cannot file an address under a domain.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Agent } from "undici";
import { signRequest } from "@fedify/fedify";
import { eq } from "drizzle-orm";
import { createTestApp, startTestServer, type TestServer } from "../helpers/app.ts";
import { startPeer, type Peer } from "../helpers/peer.ts";
import { runCommand } from "../../src/cli/commands.ts";
import { ipBlocks, users } from "../../src/db/schema/index.ts";
import { createLocalAccount } from "../../src/domain/accounts/create.ts";
import { issueToken } from "../../src/domain/oauth/tokens.ts";
import { ADDRESSES_PER_DOMAIN, recordServerAddress, serverAddressesOf } from "../../src/domain/federation-policy/server-addresses.ts";

let server: TestServer;
let p3: Peer;
let p4: Peer;

before(async () => {
  server = await startTestServer({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true" });
  p3 = await startPeer({ host: "127.0.0.3", actors: ["bob"] });
  p4 = await startPeer({ host: "127.0.0.4", actors: ["eve"] });
  await createLocalAccount(server.app.ctx, { username: "alice", password: "correct horse battery", approved: true });
});
after(async () => {
  await Promise.all([p3.close(), p4.close()]);
  await server.close();
});

/** Runs `work` with every fetch() connecting from `address` (peer.send uses fetch). */
async function from<T>(address: string, work: () => Promise<T>): Promise<T> {
  const original = globalThis.fetch;
  const dispatcher = new Agent({ localAddress: address });
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => original(input, { ...init, dispatcher } as RequestInit)) as typeof fetch;
  try {
    return await work();
  } finally {
    globalThis.fetch = original;
    await dispatcher.close();
  }
}

const follow = (peer: Peer, actor: string, address: string, options = {}) =>
  from(address, () => peer.send(actor, `${server.url}/inbox`, { id: peer.newId(), type: "Follow", actor: peer.actorUrl(actor), object: `${server.url}/users/alice` }, options));
const seen = async (domain: string) => (await serverAddressesOf(server.app.ctx, domain)).map((a) => a.address);

test("verified deliveries record the sending server's address; forged ones do not", async () => {
  assert.equal((await follow(p3, "bob", "127.0.0.3")).status, 202);
  assert.equal((await follow(p4, "eve", "127.0.0.4")).status, 202);
  assert.deepEqual(await seen("127.0.0.3"), ["127.0.0.3"]);
  assert.deepEqual(await seen("127.0.0.4"), ["127.0.0.4"]);
  // Signed with a key that is not bob's: refused, and 127.0.0.5 is not filed under 127.0.0.3.
  const forged = (await crypto.subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  assert.equal((await follow(p3, "bob", "127.0.0.5", { privateKey: forged.privateKey })).status, 401);
  assert.deepEqual(await seen("127.0.0.3"), ["127.0.0.3"]);
  // A GET that Fedify answers anyway (the actor's keys are public) with a forged signature
  // claiming bob's key: answered, but not recorded, because the signature does not verify.
  const get = await signRequest(new Request(`${server.url}/users/alice`, { headers: { accept: "application/activity+json" } }), forged.privateKey, new URL(p3.keyId("bob")));
  const answered = await from("127.0.0.6", () => fetch(get));
  assert.equal(answered.status, 200);
  await answered.body?.cancel();
  assert.deepEqual(await seen("127.0.0.3"), ["127.0.0.3"]);
});

test("suspend --block-addresses lists the addresses, blocks them with --yes; the peer gets 403 at once, another peer does not", async () => {
  const cli = (...argv: string[]) => runCommand(server.app.ctx, argv, "");
  assert.equal((await cli("domain", "block", "127.0.0.3", "--severity", "silence", "--block-addresses")).code, 2);
  const plan = await cli("domain", "block", "127.0.0.3", "--severity", "suspend", "--block-addresses");
  assert.equal(plan.code, 0, plan.err);
  assert.match(plan.out, /block 127\.0\.0\.3\/32 \(no_access; seen for 127\.0\.0\.3\)/);
  assert.match(plan.out, /Nothing changed yet/);
  assert.equal((await server.app.ctx.db.select().from(ipBlocks)).length, 0);
  const applied = await cli("domain", "block", "127.0.0.3", "--severity", "suspend", "--block-addresses", "--yes");
  assert.match(applied.out, /Blocked 127\.0\.0\.3\/32\./);
  const rows = await server.app.ctx.db.select().from(ipBlocks);
  assert.deepEqual(rows.map((r) => [r.range, r.severity, r.comment]), [["127.0.0.3/32", "no_access", "server address of 127.0.0.3 (suspended)"]]);

  const refused = await follow(p3, "bob", "127.0.0.3");
  assert.equal(refused.status, 403);
  assert.match(refused.body, /Access from your network is not allowed/);
  assert.equal((await follow(p4, "eve", "127.0.0.4")).status, 202);
});

test("an address shared with another server is left alone; the list per domain stays short", async () => {
  const ctx = server.app.ctx;
  await recordServerAddress(ctx, "shared.example", "192.0.2.50");
  await recordServerAddress(ctx, "innocent.example", "192.0.2.50");
  for (let i = 0; i < ADDRESSES_PER_DOMAIN + 3; i++) await recordServerAddress(ctx, "busy.example", `198.51.100.${i}`, new Date(Date.now() + i * 1000));
  assert.deepEqual((await seen("busy.example")).sort(), [3, 4, 5, 6, 7].map((i) => `198.51.100.${i}`).sort());
  const plan = await runCommand(ctx, ["domain", "block", "shared.example", "--severity", "suspend", "--block-addresses"], "");
  assert.match(plan.out, /leave 192\.0\.2\.50 alone: also used by innocent\.example/);
  assert.doesNotMatch(plan.out, /block 192\.0\.2\.50/);
});

test("the admin API takes caracol_block_addresses with a suspension", async () => {
  const ctx = server.app.ctx;
  const { accountId } = await createLocalAccount(ctx, { username: "boss", password: "correct horse battery", approved: true });
  await ctx.db.update(users).set({ role: "admin" }).where(eq(users.accountId, accountId));
  const token = (await issueToken(ctx, { appId: null, accountId, scopes: ["admin:read", "admin:write"] })).accessToken;
  await recordServerAddress(ctx, "api.example", "203.0.113.40");
  await recordServerAddress(ctx, "sub.api.example", "2001:db8::40");
  const post = (body: unknown) => fetch(`${server.url}/api/v1/admin/domain_blocks`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  const silence = await post({ domain: "api.example", severity: "silence", caracol_block_addresses: true });
  assert.equal(silence.status, 422);
  const res = await post({ domain: "api.example", severity: "suspend", caracol_block_addresses: true });
  assert.equal(res.status, 200, await res.clone().text());
  assert.deepEqual((await res.json()).caracol_blocked_addresses.sort(), ["2001:db8::40/128", "203.0.113.40/32"]);
});

test("loopback and private addresses are never blocked where private addresses are not allowed", async () => {
  const app = await createTestApp();
  try {
    await recordServerAddress(app.ctx, "proxied.example", "10.0.0.7");
    await recordServerAddress(app.ctx, "proxied.example", "127.0.0.1");
    await recordServerAddress(app.ctx, "proxied.example", "203.0.113.8");
    const plan = await runCommand(app.ctx, ["domain", "block", "proxied.example", "--severity", "suspend", "--block-addresses", "--yes"], "");
    assert.match(plan.out, /leave 10\.0\.0\.7 alone: a loopback or private address/);
    assert.match(plan.out, /leave 127\.0\.0\.1 alone/);
    assert.deepEqual((await app.ctx.db.select().from(ipBlocks)).map((r) => r.range), ["203.0.113.8/32"]);
  } finally {
    await app.close();
  }
});
