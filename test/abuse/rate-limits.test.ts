// Rate limits: 429 with Mastodon's headers and Retry-After, counted per IP (IPv6 by /64), per
// token, per account and per claimed remote server, on a clock the test controls; counters
// shared by two app instances on one database; an ordinary app session never limited.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createTestApp } from "../helpers/app.ts";
import { freshDatabase } from "../helpers/db.ts";
import { openDatabase } from "../../src/db/client.ts";
import { loadConfig } from "../../src/config/index.ts";
import { createApp } from "../../src/app.ts";
import { runCommand } from "../../src/cli/commands.ts";
import { currentCounters, purgeRateLimitCounters } from "../../src/domain/abuse/rate-limit.ts";
import { RATE_LIMIT_RULES } from "../../src/domain/abuse/rate-limit-rules.ts";
import { rateLimitCounters } from "../../src/db/schema/index.ts";

/** 10:01:00 UTC: one minute into a five-minute window. */
const T0 = Date.parse("2026-11-27T10:01:00Z");

test("sign-in: 25 attempts per 5 minutes per address, then 429 with Retry-After; other paths and addresses unaffected", async () => {
  let now = T0;
  const app = await createTestApp({}, { clock: () => now });
  try {
    const attempt = (from = "203.0.113.5") => app.request("/auth/sign_in", { method: "POST", from, body: new URLSearchParams({ username: "x", password: "y" }) });
    for (let i = 0; i < 25; i++) assert.notEqual((await attempt()).status, 429, `attempt ${i + 1}`);
    const refused = await attempt();
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get("retry-after"), "240", "seconds until the window ends at 10:05");
    assert.equal(refused.headers.get("x-ratelimit-limit"), "25");
    assert.equal(refused.headers.get("x-ratelimit-remaining"), "0");
    assert.equal(refused.headers.get("x-ratelimit-reset"), "2026-11-27T10:05:00.000Z");
    assert.match(await refused.text(), /Too many requests/);
    assert.equal((await app.request("/about", { from: "203.0.113.5" })).status, 200, "reading pages still works");
    assert.equal((await app.request("/api/v1/instance", { from: "203.0.113.5" })).status, 200);
    assert.notEqual((await attempt("203.0.113.6")).status, 429, "another address has its own count");
    now = Date.parse("2026-11-27T10:05:00Z");
    assert.notEqual((await attempt()).status, 429, "a new window starts afresh");
  } finally {
    await app.close();
  }
});

test("anonymous API: per IPv4 address and per IPv6 /64; headers on every API answer; JSON 429", async () => {
  // A minute into the next real window, so the CLI (which reads the real clock) sees it open.
  const windowStart = (Math.floor(Date.now() / 300_000) + 1) * 300_000;
  const now = windowStart + 60_000;
  const reset = new Date(windowStart + 300_000).toISOString();
  const app = await createTestApp({ CARACOL_RATE_LIMIT_MULTIPLIER: "0.1" }, { clock: () => now });
  try {
    const get = (from: string) => app.request("/api/v1/instance", { from });
    const first = await get("2001:db8:1:2::1");
    assert.equal(first.headers.get("x-ratelimit-limit"), "30", "300 per 5 minutes, scaled by the multiplier");
    assert.equal(first.headers.get("x-ratelimit-remaining"), "29");
    assert.equal(first.headers.get("x-ratelimit-reset"), reset);
    // The rest of the /64 shares the count, whatever its last 64 bits.
    for (let i = 2; i <= 30; i++) assert.equal((await get(`2001:db8:1:2:${i.toString(16)}::${i}`)).status, 200);
    const refused = await get("2001:db8:1:2:ffff:ffff:ffff:ffff");
    assert.equal(refused.status, 429);
    assert.deepEqual(await refused.json(), { error: "Too many requests" });
    assert.equal(refused.headers.get("retry-after"), "240");
    assert.equal((await get("2001:db8:1:3::1")).status, 200, "the next /64 is someone else");
    for (let i = 0; i < 30; i++) await get("198.51.100.1");
    assert.equal((await get("198.51.100.1")).status, 429);
    assert.equal((await get("198.51.100.2")).status, 200, "IPv4 addresses count one by one");

    const counters = await currentCounters(app.ctx, RATE_LIMIT_RULES, { now, rule: "api/anonymous" });
    const subjects = Object.fromEntries(counters.map((c) => [c.subject, c.count]));
    assert.equal(subjects["2001:db8:1:2::/64"], 31);
    assert.equal(subjects["198.51.100.1"], 31);
    const cli = await runCommand(app.ctx, ["ip", "counters", "--rule", "api/anonymous"], "");
    assert.match(cli.out, /api\/anonymous\t2001:db8:1:2::\/64\t31\/30\tlimited/, "an admin can read who is limited");
  } finally {
    await app.close();
  }
});

test("per token and per account: a token's limit follows it across addresses; another token of the same account has its own", async () => {
  const now = T0;
  const app = await createTestApp({ CARACOL_RATE_LIMIT_MULTIPLIER: "0.1" }, { clock: () => now });
  try {
    const alice = await app.user("alice");
    const second = await app.user("bob");
    const get = (token: string, from: string) => app.request("/api/v1/accounts/verify_credentials", { token, from });
    for (let i = 0; i < 30; i++) assert.equal((await get(alice.token, `192.0.2.${i + 1}`)).status, 200);
    const refused = await get(alice.token, "192.0.2.200");
    assert.equal(refused.status, 429, "a new address does not reset a token's count");
    assert.equal(refused.headers.get("x-ratelimit-limit"), "30");
    assert.equal((await get(second.token, "192.0.2.1")).status, 200, "someone else's token, same address: fine");
    // Requests with an invalid token are anonymous for counting: rotating junk tokens gains nothing.
    const junk = await app.request("/api/v1/instance", { token: "junk", from: "192.0.2.77" });
    assert.equal(junk.status, 401);
    const anon = await currentCounters(app.ctx, RATE_LIMIT_RULES, { now, rule: "api/anonymous" });
    assert.deepEqual(anon.map((c) => c.subject), ["192.0.2.77"]);
    const accounts = await currentCounters(app.ctx, RATE_LIMIT_RULES, { now, rule: "api/account" });
    assert.deepEqual(accounts.find((c) => c.subject === `account:${alice.id}`)?.count, 31);
  } finally {
    await app.close();
  }
});

test("ActivityPub: counted per claimed server and source network, so naming a server cannot use up its allowance", async () => {
  const now = T0;
  const app = await createTestApp({ CARACOL_RATE_LIMIT_MULTIPLIER: "0.001" }, { clock: () => now });
  try {
    const deliver = (from: string, host: string) =>
      app.request("/inbox", {
        method: "POST",
        from,
        headers: { "content-type": "application/activity+json", signature: `keyId="https://${host}/users/a#main-key",headers="(request-target) host date",signature="AAAA"` },
        body: "{}",
      });
    // 3000 scaled by 0.001: three per window.
    for (let i = 0; i < 3; i++) assert.notEqual((await deliver("198.51.100.20", "big.example")).status, 429);
    assert.equal((await deliver("198.51.100.20", "big.example")).status, 429);
    assert.notEqual((await deliver("203.0.113.20", "big.example")).status, 429, "the real server, elsewhere, is not affected");
    assert.notEqual((await deliver("198.51.100.20", "other.example")).status, 429);
    const subjects = (await currentCounters(app.ctx, RATE_LIMIT_RULES, { now, rule: "activitypub/server" })).map((c) => c.subject).sort();
    assert.deepEqual(subjects, ["big.example from 198.51.100.20", "big.example from 203.0.113.20", "other.example from 198.51.100.20"]);
  } finally {
    await app.close();
  }
});

test("two app instances on one database share the counters; ended windows are purged; CARACOL_RATE_LIMITS=off counts nothing", async () => {
  const now = T0;
  const database = await freshDatabase();
  const config = loadConfig({ CARACOL_ORIGIN: "http://caracol.test", CARACOL_DATA_DIR: "/nonexistent", CARACOL_RATE_LIMIT_MULTIPLIER: "0.1" });
  // On PostgreSQL the second instance gets its own connection, as a second process would.
  const secondDb = database.url ? await openDatabase({ databaseUrl: database.url }) : database;
  const opts = { scheduledJobs: false, testClientAddress: () => "192.0.2.99", clock: () => now };
  const one = await createApp(config, { ...opts, database });
  const two = await createApp(config, { ...opts, database: secondDb });
  try {
    const get = (app: typeof one) => app.fetch(new Request("http://caracol.test/api/v1/instance"));
    for (let i = 0; i < 30; i++) assert.equal((await get(i % 2 ? one : two)).status, 200);
    assert.equal((await get(one)).status, 429);
    assert.equal((await get(two)).status, 429, "the other instance sees the same count");

    assert.equal(await purgeRateLimitCounters(one.ctx, now), 0, "open windows are kept");
    assert.ok((await purgeRateLimitCounters(one.ctx, Date.parse("2026-11-27T11:00:00Z"))) > 0);
    assert.equal((await one.ctx.db.select().from(rateLimitCounters)).length, 0, "no address is kept once its window ended");
  } finally {
    if (secondDb !== database) await secondDb.close();
    await one.close();
  }

  const off = await createTestApp({ CARACOL_RATE_LIMITS: "off" });
  try {
    const res = await off.request("/api/v1/instance");
    assert.equal(res.headers.get("x-ratelimit-limit"), null);
    assert.equal((await off.ctx.db.select().from(rateLimitCounters)).length, 0);
  } finally {
    await off.close();
  }
});
