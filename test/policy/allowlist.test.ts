// Allow-list federation (Mastodon's limited federation mode): the standing rules, the admin API
// (/api/v1/admin/domain_allows) and CLI, and end to end on loopback: Caracol A (127.0.0.1) with
// peers P (127.0.0.2, allowed) and Q (127.0.0.3, not listed), and Caracol B (127.0.0.4) for
// signed fetches.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import fs from "node:fs";
import { and, eq, isNull, lte, sql } from "drizzle-orm";
import { signRequest } from "@fedify/fedify";
import { createTestApp, startTestServer, type TestApp, type TestServer } from "../helpers/app.ts";
import { SPEC_PATH } from "../helpers/openapi.ts";
import { startPeer, type Peer } from "../helpers/peer.ts";
import { follow, remoteAccount } from "../federation/outbox-helpers.ts";
import { api, localUser, settled } from "../federation/inbox-helpers.ts";
import { domainAllows, fedifyQueue, followRequests } from "../../src/db/schema/index.ts";
import { createLocalAccount } from "../../src/domain/accounts/create.ts";
import { accountKeyPairs } from "../../src/federation/keys.ts";
import { setSetting, getSetting } from "../../src/domain/instance/settings.ts";
import { forgetStandings, serverStanding } from "../../src/domain/federation-policy/standing.ts";
import { allowDomain, DomainError, parseDomain } from "../../src/domain/federation-policy/allows.ts";
import { rejectServer } from "../../src/domain/federation-policy/approval.ts";
import { runCommand } from "../../src/cli/commands.ts";

test("standing: an allowed domain covers its subdomains; others are refused (allow-list) or pending (approval)", async () => {
  const app = await createTestApp();
  try {
    const ctx = app.ctx;
    await allowDomain(ctx, "Example.COM.");
    await setSetting(ctx, "federationMode", "allowlist");
    forgetStandings(ctx);
    assert.equal(await serverStanding(ctx, "example.com"), "allowed");
    assert.equal(await serverStanding(ctx, "social.example.com:8443"), "allowed");
    assert.equal(await serverStanding(ctx, "notexample.com"), "blocked");
    assert.equal(await serverStanding(ctx, "example.org"), "blocked");
    await setSetting(ctx, "federationMode", "approval");
    forgetStandings(ctx);
    assert.equal(await serverStanding(ctx, "a.example.com"), "allowed");
    assert.equal(await serverStanding(ctx, "example.org"), "pending");
    await rejectServer(ctx, "example.org");
    assert.equal(await serverStanding(ctx, "example.org"), "blocked");
    await setSetting(ctx, "federationMode", "blocklist");
    forgetStandings(ctx);
    assert.equal(await serverStanding(ctx, "example.org"), "allowed", "reviews only matter in approval mode");
    assert.equal(parseDomain("https://Mastodon.Example/about"), "mastodon.example");
    for (const bad of ["", "exa mple.com", "a/b", "1.2.3", "-x.com"]) assert.throws(() => parseDomain(bad), DomainError, bad);
  } finally {
    await app.close();
  }
});

function adminDomainAllowValidator() {
  const require = createRequire(import.meta.url);
  const Ajv2020 = require("ajv/dist/2020").default;
  const ajv = new Ajv2020({ strict: false });
  require("ajv-formats").default(ajv);
  const spec = JSON.parse(fs.readFileSync(SPEC_PATH, "utf8"));
  const schema = spec.components.schemas.AdminDomainAllow;
  return ajv.compile({ ...schema, additionalProperties: false });
}

test("admin API: domain_allows list, show, create (idempotent), delete; admins only", async () => {
  const app: TestApp = await createTestApp();
  try {
    const isAllow = adminDomainAllowValidator();
    const admin = await app.user("ada", { admin: true, scopes: "admin:read:domain_allows admin:write:domain_allows" });
    const user = await app.user("una", { scopes: "admin:read admin:write" });
    const call = async (path: string, token: string, init: RequestInit & { json?: unknown } = {}) => {
      const res = await app.request(path, { ...init, token });
      return { status: res.status, body: await res.json() };
    };
    const created = await call("/api/v1/admin/domain_allows", admin.token, { method: "POST", json: { domain: "Social.Example" } });
    assert.equal(created.status, 200);
    assert.ok(isAllow(created.body), JSON.stringify(isAllow.errors));
    assert.equal(created.body.domain, "social.example");
    const again = await call("/api/v1/admin/domain_allows", admin.token, { method: "POST", json: { domain: "social.example" } });
    assert.equal(again.body.id, created.body.id);
    assert.equal((await call("/api/v1/admin/domain_allows", admin.token, { method: "POST", json: { domain: "not a domain" } })).status, 422);
    const list = await call("/api/v1/admin/domain_allows", admin.token);
    assert.deepEqual(list.body, [created.body]);
    assert.ok(list.body.every((x: unknown) => isAllow(x)));
    assert.deepEqual((await call(`/api/v1/admin/domain_allows/${created.body.id}`, admin.token)).body, created.body);
    assert.equal((await call("/api/v1/admin/domain_allows", user.token)).status, 403, "not an admin");
    assert.equal((await call(`/api/v1/admin/domain_allows/${created.body.id}`, user.token, { method: "DELETE" })).status, 403);
    const removed = await call(`/api/v1/admin/domain_allows/${created.body.id}`, admin.token, { method: "DELETE" });
    assert.deepEqual(removed, { status: 200, body: {} });
    assert.equal((await call(`/api/v1/admin/domain_allows/${created.body.id}`, admin.token)).status, 404);
    assert.equal((await call("/api/v1/admin/domain_allows/nope", admin.token)).status, 404);
  } finally {
    await app.close();
  }
});

test("CLI: allow-list commands list what they change and change nothing without --yes", async () => {
  const app = await createTestApp();
  try {
    const ctx = app.ctx;
    const run = (...argv: string[]) => runCommand(ctx, argv, "");
    assert.match((await run("federation", "mode")).out, /Federation mode: blocklist/);
    assert.equal((await run("federation", "mode", "everyone")).code, 2);
    const plan = await run("server", "allow", "Friends.Example");
    assert.match(plan.out, /allow friends\.example \(and its subdomains\)[^]*Nothing changed yet/);
    assert.deepEqual(await ctx.db.select().from(domainAllows), []);
    assert.match((await run("server", "allow", "friends.example", "--yes")).out, /Applied/);
    assert.match((await run("server", "allowed")).out, /^friends\.example /m);
    assert.match((await run("server", "allow", "friends.example", "--yes")).out, /nothing to change/);
    assert.equal((await run("server", "allow", "bad domain!")).code, 1);
    assert.match((await run("server", "disallow", "friends.example")).out, /remove friends\.example[^]*Nothing changed yet/);
    assert.equal((await ctx.db.select().from(domainAllows)).length, 1);
    await run("server", "disallow", "friends.example", "--yes");
    assert.match((await run("server", "allowed")).out, /The allow-list is empty/);
    assert.match((await run("federation", "mode", "approval")).out, /switch the federation mode from blocklist to approval[^]*Nothing changed yet/);
    assert.equal(await getSetting(ctx, "federationMode"), "blocklist");
  } finally {
    await app.close();
  }
});

let a: TestServer;
let b: TestServer;
let p: Peer;
let q: Peer;
const ac = new AbortController();
let working: Promise<void>;

before(async () => {
  const env = { CARACOL_ALLOW_PRIVATE_ADDRESS: "true" };
  [a, b, p, q] = await Promise.all([
    startTestServer(env, "127.0.0.1"),
    startTestServer(env, "127.0.0.4"),
    startPeer({ host: "127.0.0.2", actors: ["bob"] }),
    startPeer({ host: "127.0.0.3", actors: ["carol"] }),
  ]);
  working = a.app.startWorkers(ac.signal);
});

after(async () => {
  ac.abort();
  await working?.catch(() => {});
  await Promise.all([p?.close(), q?.close()]);
  await Promise.all([a?.close(), b?.close()]);
});

/** Waits until no queue has anything due: whatever A would send is sent. */
async function quiet(): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [{ n }] = await a.app.ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(fedifyQueue)
      .where(and(isNull(fedifyQueue.failedAt), lte(fedifyQueue.deliverAfter, sql`now()`)));
    if (Number(n) === 0) break;
    if (Date.now() > deadline) throw new Error(`queues still hold ${n} message(s)`);
    await new Promise((r) => setTimeout(r, 25));
  }
  await new Promise((r) => setTimeout(r, 200));
}

test("allow-list mode: an allowed server exchanges normally; one not listed is refused and receives nothing", async () => {
  const ctx = a.app.ctx;
  const dave = await localUser(a, "dave", { locked: false });
  const alice = await localUser(a, "alice");
  await follow(ctx.db, await remoteAccount(ctx.db, p, "bob"), dave.id);
  await follow(ctx.db, await remoteAccount(ctx.db, q, "carol"), dave.id);
  assert.equal((await runCommand(ctx, ["server", "allow", "127.0.0.2", "--yes"], "")).code, 0);

  // The switch names the followers' server it cuts off, and waits for --yes.
  const plan = await runCommand(ctx, ["federation", "mode", "allowlist"], "");
  assert.match(plan.out, /stop exchanging with 127\.0\.0\.3 \(1 follow or request\)/);
  assert.doesNotMatch(plan.out, /127\.0\.0\.2/);
  assert.equal(await getSetting(ctx, "federationMode"), "blocklist");
  assert.equal((await runCommand(ctx, ["federation", "mode", "allowlist", "--yes"], "")).code, 0);
  assert.match((await runCommand(ctx, ["federation", "mode"], "")).out, /allowlist/);

  // Delivery: the allowed follower's server gets the post, the other one nothing.
  const posted = await api(a, "/api/v1/statuses", dave.token, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ status: "to my followers", visibility: "public" }) });
  assert.equal(posted.status, 200, JSON.stringify(posted.body));
  const got = await p.waitFor((x) => x.type === "Create");
  assert.equal(got.raw.object.id, posted.body.uri);

  // Inbox: the allowed server's Follow is handled; the other's is accepted (202) and dropped.
  await p.send("bob", alice.inbox, { id: p.newId(), type: "Follow", actor: p.actorUrl("bob"), object: alice.uri });
  const refused = await q.send("carol", alice.inbox, { id: q.newId(), type: "Follow", actor: q.actorUrl("carol"), object: alice.uri });
  assert.equal(refused.status, 202, "a refused server is not told it is refused");
  await settled(a);
  const requests = await ctx.db.select().from(followRequests).where(eq(followRequests.targetAccountId, alice.id));
  assert.deepEqual(requests.map((r) => r.uri?.startsWith(p.origin)), [true]);
  await quiet();
  assert.deepEqual(q.received, []);
});

test("allow-list mode: signed fetches from a server not listed are refused, from a listed one answered", async () => {
  const ctx = a.app.ctx;
  const erin = await localUser(a, "erin");
  const posted = await api(a, "/api/v1/statuses", erin.token, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ status: "public words", visibility: "public" }) });
  const { accountId } = await createLocalAccount(b.app.ctx, { username: "bea", password: "bea password!", approved: true });
  const [rsa] = await accountKeyPairs(b.app.ctx, accountId);
  const get = async () => {
    const req = new Request(posted.body.uri, { headers: { accept: "application/activity+json" } });
    return (await fetch(await signRequest(req, rsa!.privateKey, new URL(`${b.url}/users/bea#main-key`)))).status;
  };
  assert.equal(await getSetting(ctx, "federationMode"), "allowlist");
  assert.equal(await get(), 401, "127.0.0.4 is not on the allow-list");
  await runCommand(ctx, ["server", "allow", "127.0.0.4", "--yes"], "");
  assert.equal(await get(), 200);
});
