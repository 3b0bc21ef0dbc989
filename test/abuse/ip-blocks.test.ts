// IP blocks: each severity refuses what it should and nothing more, at the right layer, for
// IPv4 and IPv6, over real sockets; expiry by the clock; X-Forwarded-For believed only from a
// trusted proxy; the admin API and the CLI.
import { test } from "node:test";
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { registerApp, tokenRequest } from "../oauth-helpers.ts";
import { send, startDualStackServer, ipv6LoopbackWorks } from "./helpers.ts";
import { accounts, users } from "../../src/db/schema/index.ts";
import { createIpBlock, ipBlockFor, signUpPolicyFor } from "../../src/domain/abuse/ip-blocks.ts";
import { clientAddressOf } from "../../src/server/client-address.ts";
import { parseRange } from "../../src/lib/ip.ts";
import { ConfigError, loadConfig } from "../../src/config/index.ts";

const HOUR = 3600_000;
const V6 = await ipv6LoopbackWorks();
const NO_V6 = "IPv6 loopback (::1) is not available on this machine; the IPv6 cases run through explicit addresses in the tests below";

async function appToken(app: TestApp) {
  const client = await registerApp(app, { scopes: "read write:accounts" });
  const res = await tokenRequest(app, { grant_type: "client_credentials", client_id: client.client_id, client_secret: client.client_secret, scope: "read write:accounts" });
  return (await res.json()).access_token as string;
}

const apiSignUp = (app: TestApp, token: string, username: string, from: string) =>
  app.request("/api/v1/accounts", { method: "POST", token, from, json: { username, email: `${username}@example.com`, password: "long enough pw", agreement: true } });

test("no_access refuses every request before any work, IPv4 (as IPv4-mapped on a dual-stack socket) and IPv6; others pass", async () => {
  let now = Date.parse("2026-11-27T10:02:00Z");
  const server = await startDualStackServer({}, { clock: () => now, v6: V6 });
  const v4 = { host: "127.0.0.1", port: server.port };
  try {
    await createIpBlock(server.app.ctx, { range: "127.0.0.5/32", severity: "no_access", expiresAt: new Date(now + HOUR) });
    if (V6) await createIpBlock(server.app.ctx, { range: "::1/128", severity: "no_access" });

    const api = await send(v4, "127.0.0.5", "/api/v1/instance");
    assert.equal(api.status, 403);
    assert.deepEqual(JSON.parse(api.body), { error: "Access from your network is not allowed" });
    const page = await send(v4, "127.0.0.5", "/about");
    assert.equal(page.status, 403);
    assert.match(page.body, /not allowed/);
    // An inbox POST is refused before Fedify parses it: garbage gets 403, not a parse error.
    const inbox = await send(v4, "127.0.0.5", "/inbox", { method: "POST", headers: { "content-type": "application/activity+json" }, body: "{not json" });
    assert.equal(inbox.status, 403);
    const webfinger = await send(v4, "127.0.0.5", "/.well-known/webfinger?resource=acct:nobody@127.0.0.1");
    assert.equal(webfinger.status, 403);

    // A neighbour in 127/8 is not in the range.
    assert.equal((await send(v4, "127.0.0.6", "/api/v1/instance")).status, 200);
    const otherInbox = await send(v4, "127.0.0.6", "/inbox", { method: "POST", headers: { "content-type": "application/activity+json" }, body: "{not json" });
    assert.notEqual(otherInbox.status, 403);

    if (V6) {
      const v6 = { host: "::1", port: server.port };
      assert.equal((await send(v6, "::1", "/api/v1/instance")).status, 403);
      assert.equal((await send(v6, "::1", "/inbox", { method: "POST", body: "{}" })).status, 403);
    }

    // The block expires by the clock: the same address passes afterwards.
    now += 2 * HOUR;
    assert.equal((await send(v4, "127.0.0.5", "/api/v1/instance")).status, 200, "an expired block stops applying");
  } finally {
    await server.close();
  }
  assert.deepEqual(server.specErrors, []);
});

test("X-Forwarded-For is believed only from a trusted proxy, right-most untrusted hop first", async () => {
  const server = await startDualStackServer({ CARACOL_TRUSTED_PROXIES: "127.0.0.7, 127.0.0.8/32" }, { v6: V6 });
  const target = { host: "127.0.0.1", port: server.port };
  try {
    await createIpBlock(server.app.ctx, { range: "203.0.113.0/24", severity: "no_access" });
    const via = (from: string, xff: string) => send(target, from, "/api/v1/instance", { headers: { "x-forwarded-for": xff } });
    assert.equal((await via("127.0.0.7", "203.0.113.9")).status, 403, "the proxy says who the client is");
    assert.equal((await via("127.0.0.9", "203.0.113.9")).status, 200, "an untrusted client cannot claim a blocked address for someone else's sake");
    assert.equal((await via("127.0.0.7", "203.0.113.9, 198.51.100.1")).status, 200, "the right-most untrusted hop is the client");
    // A client that forges the header through the proxy: the proxy appends the real address.
    assert.equal((await via("127.0.0.7", "198.51.100.1, 203.0.113.9")).status, 403, "a forged left-hand entry does not hide the real address");
    assert.equal((await via("127.0.0.7", "198.51.100.1, 203.0.113.9, 127.0.0.8")).status, 403, "chained trusted proxies are walked past");
  } finally {
    await server.close();
  }

  const trusted = ["10.0.0.0/8", "2001:db8:ffff::/48"].map((r) => parseRange(r)!);
  assert.equal(clientAddressOf("10.0.0.2", "192.0.2.1", trusted), "192.0.2.1");
  assert.equal(clientAddressOf("192.0.2.50", "192.0.2.1", trusted), "192.0.2.50", "untrusted socket: header ignored");
  assert.equal(clientAddressOf("::ffff:10.0.0.2", "2001:db8::5", trusted), "2001:db8::5");
  assert.equal(clientAddressOf("2001:db8:ffff::1", "10.9.9.9, 2001:db8:ffff::2", trusted), "10.9.9.9", "all hops trusted: the left-most one");
  assert.equal(clientAddressOf("10.0.0.2", "192.0.2.1, garbage", trusted), "10.0.0.2", "an unreadable hop stops the walk at the proxy");
  assert.equal(clientAddressOf("10.0.0.2", "", trusted), "10.0.0.2");
  assert.equal(clientAddressOf(null, "192.0.2.1", trusted), null);
});

test("sign_up_block refuses sign-up (API and web) and nothing else; IPv4 and IPv6", async () => {
  const app = await createTestApp({ CARACOL_REGISTRATIONS: "open" });
  try {
    await createIpBlock(app.ctx, { range: "198.51.100.0/24", severity: "sign_up_block", comment: "sign-up spam" });
    await createIpBlock(app.ctx, { range: "2001:db8:bad::/48", severity: "sign_up_block" });
    const token = await appToken(app);
    for (const from of ["198.51.100.7", "2001:db8:bad:1::9"]) {
      const res = await apiSignUp(app, token, "blocked_" + from.length, from);
      assert.equal(res.status, 403, from);
      assert.match((await res.json()).error, /not allowed/);
      const form = await app.request("/auth/sign_up", { from });
      assert.equal(form.status, 403);
      assert.match(await form.text(), /does not accept new accounts from your network/);
      assert.equal((await app.request("/api/v1/instance", { from })).status, 200, "everything else still works");
      assert.equal((await app.request("/auth/sign_in", { from })).status, 200);
    }
    assert.equal((await app.ctx.db.select().from(users)).length, 0);
    assert.equal((await apiSignUp(app, token, "fine", "198.51.101.7")).status, 200, "next door is fine");
    assert.equal((await apiSignUp(app, token, "fine6", "2001:db8:bae::1")).status, 200);
  } finally {
    await app.close();
  }
});

test("sign_up_requires_approval: new accounts wait for approval even when registrations are open", async () => {
  const app = await createTestApp({ CARACOL_REGISTRATIONS: "open" });
  try {
    await createIpBlock(app.ctx, { range: "192.0.2.128/25", severity: "sign_up_requires_approval" });
    await createIpBlock(app.ctx, { range: "2001:db8:5::/64", severity: "sign_up_requires_approval" });
    const token = await appToken(app);
    const approvedOf = async (username: string) => {
      const [row] = await app.ctx.db.select({ approved: users.approved }).from(users).innerJoin(accounts, eq(accounts.id, users.accountId)).where(eq(accounts.username, username));
      return row.approved;
    };
    assert.equal((await apiSignUp(app, token, "held4", "192.0.2.200")).status, 200);
    assert.equal((await apiSignUp(app, token, "held6", "2001:db8:5::77")).status, 200);
    assert.equal((await apiSignUp(app, token, "free", "192.0.2.10")).status, 200);
    assert.equal(await approvedOf("held4"), false);
    assert.equal(await approvedOf("held6"), false);
    assert.equal(await approvedOf("free"), true);
    assert.equal((await app.request("/api/v1/instance", { from: "192.0.2.200" })).status, 200);
  } finally {
    await app.close();
  }
});

test("the strictest unexpired block wins; expired ones stop applying; changes clear the cache", async () => {
  const app = await createTestApp();
  try {
    const now = Date.now();
    await createIpBlock(app.ctx, { range: "10.0.0.0/8", severity: "sign_up_requires_approval" });
    await createIpBlock(app.ctx, { range: "10.1.0.0/16", severity: "no_access", expiresAt: new Date(now + HOUR) });
    assert.equal((await ipBlockFor(app.ctx, "10.1.2.3", now))?.severity, "no_access");
    assert.equal((await ipBlockFor(app.ctx, "::ffff:10.1.2.3", now))?.severity, "no_access");
    assert.equal((await ipBlockFor(app.ctx, "10.2.0.1", now))?.severity, "sign_up_requires_approval");
    assert.equal((await ipBlockFor(app.ctx, "10.1.2.3", now + 2 * HOUR))?.severity, "sign_up_requires_approval", "expired: the weaker one remains");
    assert.equal(await ipBlockFor(app.ctx, "11.0.0.1", now), null);
    assert.equal(await signUpPolicyFor(app.ctx, "10.9.9.9", now), "needs_approval");
    assert.equal(await signUpPolicyFor(app.ctx, null, now), "allowed");
    // Through the app: the no_access range is refused, the approval range is not.
    assert.equal((await app.request("/api/v1/instance", { from: "10.1.0.1" })).status, 403);
    assert.equal((await app.request("/api/v1/instance", { from: "10.200.0.1" })).status, 200);
    await createIpBlock(app.ctx, { range: "10.200.0.0/16", severity: "no_access" });
    assert.equal((await app.request("/api/v1/instance", { from: "10.200.0.1" })).status, 403, "a new block applies at once in this process");
  } finally {
    await app.close();
  }
});

test("IPv6 over a real socket refuses sign-up but serves the rest", { skip: V6 ? false : NO_V6 }, async () => {
  const server = await startDualStackServer({ CARACOL_REGISTRATIONS: "open" });
  try {
    await createIpBlock(server.app.ctx, { range: "::1", severity: "sign_up_block" });
    const v6 = { host: "::1", port: server.port };
    assert.equal((await send(v6, "::1", "/auth/sign_up")).status, 403);
    assert.equal((await send(v6, "::1", "/about")).status, 200);
    assert.equal((await send({ host: "127.0.0.1", port: server.port }, "127.0.0.1", "/auth/sign_up")).status, 200);
  } finally {
    await server.close();
  }
});

test("configuration: no trusted proxies and limits on by default; proxies are checked and made canonical", () => {
  const c = loadConfig({});
  assert.deepEqual(c.trustedProxies, []);
  assert.equal(c.rateLimits, true);
  assert.equal(c.rateLimitMultiplier, 1);
  assert.deepEqual(loadConfig({ CARACOL_TRUSTED_PROXIES: " 10.0.0.1/8, ::1 ,fd00::/8" }).trustedProxies, ["10.0.0.0/8", "::1/128", "fd00::/8"]);
  for (const [key, value] of [
    ["CARACOL_TRUSTED_PROXIES", "10.0.0.0/8, proxy.example"],
    ["CARACOL_RATE_LIMITS", "maybe"],
    ["CARACOL_RATE_LIMIT_MULTIPLIER", "0"],
  ]) {
    assert.throws(() => loadConfig({ [key]: value }), (e: Error) => e instanceof ConfigError && e.message.includes(key), key);
  }
});
