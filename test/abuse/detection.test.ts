// Scraping detection: the rules on their own (a person's reading never fires one, a harvester's
// does), their configuration, and through the real app: reads recorded, alerts raised, each
// response (throttle, block-range, suspend, revoke, resolve) from the CLI and the admin API,
// the sign-up hook, and the purge that keeps addresses no longer than the retention window.
import { test } from "node:test";
import assert from "node:assert/strict";
import { count, eq } from "drizzle-orm";
import { createTestApp } from "../helpers/app.ts";
import { makeStatus } from "../helpers/fixtures.ts";
import { loadConfig, ConfigError } from "../../src/config/index.ts";
import { effectiveRules, evaluateRules, longestMonotoneRun, type RecordedRead } from "../../src/domain/abuse/detection/rules.ts";
import { classifyRead } from "../../src/domain/abuse/detection/classify.ts";
import { purgeDetectionData } from "../../src/domain/abuse/detection/records.ts";
import { listAlerts } from "../../src/domain/abuse/detection/alerts.ts";
import { signUp } from "../../src/domain/accounts/signup.ts";
import { runCommand } from "../../src/cli/commands.ts";
import { accessRecords, accounts, detectionAlerts, ipBlocks, throttledClients } from "../../src/db/schema/index.ts";

const T0 = Date.UTC(2026, 10, 27, 10, 0, 1);
const read = (sec: number, kind: string, target: string, cursor: string | null = null): RecordedRead => ({ at: new Date(T0 + sec * 1000), kind, target, cursor });

test("monotone runs: enumeration is long, a timeline's order is short", () => {
  assert.equal(longestMonotoneRun([1n, 2n, 3n, 5n, 8n]).length, 5);
  assert.equal(longestMonotoneRun([9n, 7n, 4n, 4n, 3n]).length, 3);
  assert.equal(longestMonotoneRun([5n, 1n, 9n, 2n, 8n, 3n]).length, 2);
  assert.equal(longestMonotoneRun([]).length, 0);
});

test("an hour of a person's app use fires no rule, for any of its keys", () => {
  const reads: RecordedRead[] = [];
  // polling home every 15 s for an hour, scrolling it back 30 pages, 12 profiles and 15 threads
  for (let s = 0; s < 3600; s += 15) reads.push(read(s, "timeline", "home", s % 300 ? "min_id=1" : null));
  for (let p = 0; p < 30; p++) reads.push(read(600 + p, "timeline", "home", `max_id=${1000 - p}`));
  const order = [7, 3, 11, 1, 9, 4, 12, 2, 8, 5, 10, 6];
  order.forEach((n, i) => reads.push(read(900 + i * 20, "account", String(n)), read(901 + i * 20, "account_list", `${n}/posts`, i % 3 ? null : "max_id=77")));
  for (let t = 0; t < 15; t++) reads.push(read(1500 + t * 30, "post", String(100 + ((t * 37) % 23))));
  reads.sort((a, b) => a.at.getTime() - b.at.getTime());
  const rules = effectiveRules({});
  for (const kind of ["ip", "token", "account"] as const) assert.deepEqual(evaluateRules(rules, kind, reads, T0 + 3600_000).map((f) => f.rule.name), [], kind);
});

test("each harvesting pattern fires its rule, with evidence", () => {
  const rules = effectiveRules({});
  const fired = (reads: RecordedRead[], kind: "ip" | "token" | "range" = "ip", at = T0 + 599_000) => evaluateRules(rules, kind, reads, at).map((f) => f.rule.name);
  const walk = Array.from({ length: 30 }, (_, i) => read(i, "account", String(1000 + i * 3)));
  assert.deepEqual(fired(walk), ["sequential_ids"]);
  const many = Array.from({ length: 70 }, (_, i) => read(i, "account", `@p${(i * 13) % 70}`));
  assert.deepEqual(fired(many), ["distinct_profiles"]);
  const postsRead = Array.from({ length: 100 }, (_, i) => read(i, "post", String((i * 37) % 101)));
  assert.deepEqual(fired(postsRead), ["distinct_posts"]);
  const deep = Array.from({ length: 15 }, (_, i) => read(i, "account_list", "5/posts", `max_id=${900 - i * 20}`));
  const [finding] = evaluateRules(rules, "ip", deep, T0 + 60_000);
  assert.equal(finding?.rule.name, "deep_pagination");
  assert.deepEqual(finding?.evidence.samples, ["account_list 5/posts max_id=620"]);
  const polling = Array.from({ length: 20 }, (_, i) => read(i * 170, "feed", "@alice"));
  assert.deepEqual(fired(polling, "ip", T0 + 3500_000), ["feed_polling"]);
  const heavy = Array.from({ length: 1500 }, (_, i) => read(i * 2, "timeline", "home"));
  assert.deepEqual(fired(heavy, "token", T0 + 3500_000), ["heavy_reader"]);
  assert.deepEqual(fired(heavy, "ip", T0 + 3500_000), [], "heavy_reader counts tokens and accounts, not shared addresses");
  // outside the window, the same reads are forgotten
  assert.deepEqual(fired(walk, "ip", T0 + 3600_000), []);
});

test("CARACOL_DETECTION_RULES changes thresholds and windows, and refuses what it does not know", () => {
  const c = loadConfig({ CARACOL_DETECTION_RULES: '{"distinct_profiles": {"threshold": 150}, "feed_polling": {"enabled": false}, "sequential_ids": {"window_minutes": 30}}' });
  const rules = effectiveRules(c.detectionRules);
  assert.equal(rules.find((r) => r.name === "distinct_profiles")?.threshold, 150);
  assert.equal(rules.find((r) => r.name === "sequential_ids")?.windowMinutes, 30);
  assert.equal(rules.find((r) => r.name === "feed_polling"), undefined);
  assert.equal(effectiveRules(loadConfig({}).detectionRules).length, 7);
  for (const bad of ['{"nope": {"threshold": 1}}', '{"distinct_posts": {"threshold": -1}}', "not json", '{"distinct_posts": {"limit": 3}}']) {
    assert.throws(() => loadConfig({ CARACOL_DETECTION_RULES: bad }), ConfigError, bad);
  }
});

test("reads are classified; what is not someone's data is not recorded", () => {
  const u = (p: string) => new URL(p, "http://caracol.test");
  assert.deepEqual(classifyRead("GET", u("/api/v1/accounts/12/statuses?max_id=9&limit=5"), false), { kind: "account_list", target: "12/posts", cursor: "max_id=9" });
  assert.deepEqual(classifyRead("GET", u("/api/v1/accounts/lookup?acct=@Alice"), false), { kind: "account", target: "@alice", cursor: null });
  assert.deepEqual(classifyRead("GET", u("/@bob.rss"), false), { kind: "feed", target: "@bob", cursor: null });
  assert.equal(classifyRead("GET", u("/users/bob"), false), null, "unsigned ActivityPub GETs are not recorded");
  assert.deepEqual(classifyRead("GET", u("/users/bob/statuses/5"), true), { kind: "post", target: "5", cursor: null });
  assert.equal(classifyRead("GET", u("/api/v1/search?q=secret"), false)?.target, "search", "the query itself is not kept");
  for (const p of ["/api/v1/instance", "/api/v1/notifications", "/api/v1/markers", "/api/v1/accounts/verify_credentials"]) assert.equal(classifyRead("GET", u(p), false), null, p);
  assert.equal(classifyRead("POST", u("/api/v1/statuses"), false), null);
});

test("alerts from real requests, and every response from the CLI and the admin API", async () => {
  let now = T0;
  const app = await createTestApp({ CARACOL_REGISTRATIONS: "open" }, { clock: () => now });
  try {
    const ctx = app.ctx;
    const admin = await app.user("admin", { admin: true, scopes: "read write admin:read admin:write" });
    const people = [];
    for (let i = 0; i < 30; i++) people.push(await app.user(`p${i}`));
    const posts = [];
    for (const p of people) posts.push((await makeStatus(app, p.id, { audience: "public", fanOut: false })).id);
    const scraper = await app.user("scraper");
    const ANON = "198.51.100.7";

    // A logged-out address walks profiles by id; a token walks posts.
    // (40 reads each: a client is evaluated every EVALUATE_EVERY = 20 of its reads)
    for (const p of people) assert.equal((await app.request(`/api/v1/accounts/${p.id}`, { from: ANON })).status, 200);
    for (const id of posts.slice(0, 10)) assert.equal((await app.request(`/api/v1/statuses/${id}`, { from: ANON })).status, 200);
    for (const id of posts) assert.equal((await app.request(`/api/v1/statuses/${id}`, { token: scraper.token, from: "198.51.100.8" })).status, 200);
    for (const p of people.slice(0, 10)) assert.equal((await app.request(`/api/v1/accounts/${p.id}`, { token: scraper.token, from: "198.51.100.8" })).status, 200);
    assert.equal((await ctx.db.select({ n: count() }).from(accessRecords))[0]!.n, 80, "one record per read");
    const alerts = await listAlerts(ctx);
    const anonAlert = alerts.find((a) => a.keyKind === "ip" && a.keyValue === ANON);
    assert.equal(anonAlert?.rule, "sequential_ids");
    const tokenAlert = alerts.find((a) => a.keyKind === "token");
    assert.equal(tokenAlert?.rule, "sequential_ids");
    assert.ok(!alerts.some((a) => a.keyValue === admin.id), "no alert for a bystander");

    const listed = await runCommand(ctx, ["alerts", "list"], "");
    assert.match(listed.out, new RegExp(`${anonAlert!.id}\topen\tsequential_ids\tip:198\\.51\\.100\\.7\t30/25`));
    assert.match((await runCommand(ctx, ["alerts", "show", anonAlert!.id], "")).out, /"count":30.*no response yet/s);

    // Throttle: nothing changes without --yes; then a stricter limit for that address only.
    assert.match((await runCommand(ctx, ["alerts", "throttle", anonAlert!.id, "--minutes", "30"], "")).out, /Nothing changed yet/);
    assert.equal((await ctx.db.select().from(throttledClients)).length, 0);
    assert.equal((await runCommand(ctx, ["alerts", "throttle", anonAlert!.id, "--minutes", "30", "--yes"], "")).code, 0);
    const statuses = [];
    for (let i = 0; i < 35; i++) statuses.push((await app.request(`/api/v1/accounts/${people[i % 30]!.id}`, { from: ANON })).status);
    assert.deepEqual([statuses.indexOf(429), statuses.filter((s) => s === 429).length], [30, 5], "30 requests per 5 minutes, then 429");
    assert.equal((await app.request(`/api/v1/accounts/${people[0]!.id}`, { from: "198.51.100.9" })).status, 200, "a neighbour is not throttled");
    now += 31 * 60_000;
    assert.equal((await app.request(`/api/v1/accounts/${people[0]!.id}`, { from: ANON })).status, 200, "the throttle ends");

    // Block the range, through the admin API (admins only).
    const path = `/api/v1/caracol/admin/alerts/${anonAlert!.id}`;
    assert.equal((await app.request(path, { token: people[0]!.token })).status, 403);
    const shown = await (await app.request(path, { token: admin.token })).json();
    assert.deepEqual([shown.rule, shown.client, shown.state], ["sequential_ids", { kind: "ip", value: ANON }, "open"]);
    assert.match(shown.responses[0], /throttled for 30 minutes/);
    const blocked = await app.request(`${path}/block_range`, { method: "POST", token: admin.token, json: { prefix: 24 } });
    assert.equal(blocked.status, 200);
    assert.deepEqual((await ctx.db.select().from(ipBlocks)).map((b) => [b.range, b.severity]), [["198.51.100.0/24", "no_access"]]);
    assert.equal((await app.request(`/api/v1/accounts/${people[0]!.id}`, { from: "198.51.100.200" })).status, 403);

    // Revoke the token (CLI), then suspend the account behind it (API); then resolve.
    assert.equal((await runCommand(ctx, ["alerts", "revoke", anonAlert!.id, "--yes"], "")).code, 1, "an address has no token");
    assert.equal((await runCommand(ctx, ["alerts", "revoke", tokenAlert!.id, "--yes"], "")).code, 0);
    assert.equal((await app.request("/api/v1/accounts/verify_credentials", { token: scraper.token })).status, 401);
    const suspended = await app.request(`/api/v1/caracol/admin/alerts/${tokenAlert!.id}/suspend`, { method: "POST", token: admin.token });
    assert.equal(suspended.status, 200);
    const [row] = await ctx.db.select({ suspendedAt: accounts.suspendedAt }).from(accounts).where(eq(accounts.id, scraper.id));
    assert.ok(row?.suspendedAt);
    assert.equal((await runCommand(ctx, ["alerts", "resolve", tokenAlert!.id], "")).code, 0);
    const open = await (await app.request("/api/v1/caracol/admin/alerts", { token: admin.token })).json();
    assert.ok(!open.some((a: { id: string }) => a.id === tokenAlert!.id), "resolved alerts leave the open list");
  } finally {
    await app.close();
  }
});

test("sign-ups are counted per /24, and detection data does not outlive the retention window", async () => {
  let now = T0;
  const app = await createTestApp({ CARACOL_REGISTRATIONS: "open", CARACOL_IP_RETENTION_HOURS: "2" }, { clock: () => now });
  try {
    const ctx = app.ctx;
    for (let i = 0; i < 10; i++) await signUp(ctx, { username: `new${i}`, email: `n${i}@example.test`, password: "correct horse battery", agreement: true, address: `203.0.113.${i + 1}` });
    const [alert] = await listAlerts(ctx);
    assert.deepEqual([alert?.rule, alert?.keyKind, alert?.keyValue], ["sign_ups_per_range", "range", "203.0.113.0/24"]);
    const user = await app.user("reader");
    for (let i = 0; i < 3; i++) await app.request(`/api/v1/accounts/${user.id}`, { from: "192.0.2.44", token: user.token });
    await ctx.db.insert(throttledClients).values({ key: "ip:192.0.2.44", until: new Date(Date.now() + 86400_000) });

    // After the longest read window (1 hour) the reads go; sign-ups stay for their day...
    await purgeDetectionData(ctx, Date.now() + 61 * 60_000);
    assert.deepEqual((await ctx.db.select().from(accessRecords)).map((r) => r.kind), Array(10).fill("sign_up"));
    // ...but never past the retention window (2 hours here), and nor do address alerts or throttles.
    await purgeDetectionData(ctx, Date.now() + 121 * 60_000);
    assert.equal((await ctx.db.select().from(accessRecords)).length, 0);
    assert.equal((await ctx.db.select().from(detectionAlerts)).length, 0);
    assert.equal((await ctx.db.select().from(throttledClients)).length, 0);
  } finally {
    await app.close();
  }
});
