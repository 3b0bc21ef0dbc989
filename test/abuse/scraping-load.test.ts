// The load test of scraping detection, on loopback with real sockets from several source
// addresses: a scraper on 127.0.2.20-23 (two addresses logged out, two with tokens) walks
// profiles and posts while an ordinary app session on 127.0.0.5 reads its home timeline,
// notifications and a few profiles and threads. The scraper must be throttled by the rate
// limiter, then detected (alerts for its keys), then blocked (the admin's `alerts block-range`),
// while the app session is never limited, blocked or flagged. Bounded: a clock injected into
// the server keeps every request inside one rate-limit window, and each client stops at a cap.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startDualStackServer, send, type RawResponse } from "./helpers.ts";
import { makeStatus, follow } from "../helpers/fixtures.ts";
import { accounts, users } from "../../src/db/schema/index.ts";
import { newId } from "../../src/lib/id.ts";
import { accountFollowers, accountInbox, accountUri, accountUrl, sharedInbox } from "../../src/domain/accounts/urls.ts";
import { issueToken } from "../../src/domain/oauth/tokens.ts";
import { listAlerts, type Alert } from "../../src/domain/abuse/detection/alerts.ts";
import { runCommand } from "../../src/cli/commands.ts";
import type { Ctx } from "../../src/domain/context.ts";

const APP_FROM = "127.0.0.5";
const SCRAPERS = ["127.0.2.20", "127.0.2.21", "127.0.2.22", "127.0.2.23"];
const PEOPLE = 40;
const MAX_HARVEST = 450; // per scraper address, before the block

/** Local accounts inserted as rows (no argon2, no key pairs: nothing here signs or signs in). */
async function person(ctx: Ctx, username: string): Promise<string> {
  const id = newId();
  const o = ctx.config.origin;
  await ctx.db.insert(accounts).values({ id, username, domain: null, uri: accountUri(o, username), url: accountUrl(o, username), inboxUrl: accountInbox(o, username), sharedInboxUrl: sharedInbox(o), followersUrl: accountFollowers(o, username), locked: false });
  await ctx.db.insert(users).values({ accountId: id, passwordHash: "unused", role: "user", approved: true });
  return id;
}

type Tally = { served: number; throttled: number; blocked: number; other: number };
const tally = (): Tally => ({ served: 0, throttled: 0, blocked: 0, other: 0 });
function count(t: Tally, r: RawResponse) {
  if (r.status === 429) t.throttled++;
  else if (r.status === 403) t.blocked++;
  else if (r.status < 400 || r.status === 404) t.served++;
  else t.other++;
}

test("a scraper is throttled, detected and blocked; an app session running alongside is never touched", async () => {
  let now = Date.UTC(2026, 10, 27, 10, 0, 1);
  const server = await startDualStackServer({}, { v6: false, clock: () => now });
  try {
    const ctx = server.app.ctx;
    const target = { host: "127.0.0.1", port: server.port };
    const ids: string[] = [];
    const posts: string[] = [];
    for (let i = 0; i < PEOPLE; i++) ids.push(await person(ctx, `person${i}`));
    for (const id of ids) for (let p = 0; p < 3; p++) posts.push((await makeStatus({ ctx }, id, { audience: "public", fanOut: false })).id);
    for (let p = 0; p < 120; p++) posts.push((await makeStatus({ ctx }, ids[0]!, { audience: "public", fanOut: false })).id);
    const reader = await person(ctx, "reader");
    for (const id of ids.slice(0, 6)) await follow({ ctx }, reader, id);
    for (let p = 0; p < 30; p++) await makeStatus({ ctx }, ids[p % 6]!, { audience: "public" });
    const appToken = await issueToken(ctx, { appId: null, accountId: reader, scopes: ["read", "write", "follow"] });
    const harvester = [await person(ctx, "harvester1"), await person(ctx, "harvester2")];
    const scraperTokens = await Promise.all(harvester.map((a) => issueToken(ctx, { appId: null, accountId: a, scopes: ["read"] })));

    const get = (from: string, path: string, token?: string) => send(target, from, path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const byId = [...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const postsDesc = [...posts].sort((a, b) => (BigInt(a) < BigInt(b) ? 1 : -1));
    // What each scraper address asks for, request after request.
    const plans: ((i: number) => string)[] = [
      // logged out: profiles by increasing id, each with its posts
      (i) => (i % 2 ? `/api/v1/accounts/${byId[(i >> 1) % PEOPLE]}/statuses` : `/api/v1/accounts/${byId[(i >> 1) % PEOPLE]}`),
      // logged out: profiles by handle, then the prolific one's history far back
      (i) => (i < PEOPLE ? `/api/v1/accounts/lookup?acct=person${i}` : `/api/v1/accounts/${ids[0]}/statuses?limit=5&max_id=${postsDesc[(i - PEOPLE) * 5 % postsDesc.length]}`),
      // with a token: profiles by increasing id, then every post
      (i) => (i < PEOPLE ? `/api/v1/accounts/${byId[i]}` : `/api/v1/statuses/${posts[(i - PEOPLE) % posts.length]}`),
      // with a token: posts and threads from the newest down
      (i) => (i % 3 === 2 ? `/api/v1/statuses/${postsDesc[Math.floor(i / 3) % posts.length]}/context` : `/api/v1/statuses/${postsDesc[i % posts.length]}`),
    ];
    const tokenOf = [undefined, undefined, scraperTokens[0]!.accessToken, scraperTokens[1]!.accessToken];
    const scraper = SCRAPERS.map(() => tally());
    const app = tally();
    const appStatuses: number[] = [];
    let harvesting = true;

    async function appSession() {
      const call = async (path: string) => {
        const r = await get(APP_FROM, path, appToken.accessToken);
        count(app, r);
        appStatuses.push(r.status);
        return r;
      };
      for (let round = 0; harvesting && round < 45; round++) {
        if (round % 10 === 0) for (const p of ["/api/v2/instance", "/api/v1/accounts/verify_credentials", "/api/v1/custom_emojis", "/api/v2/filters", "/api/v1/preferences"]) await call(p);
        const home = JSON.parse((await call("/api/v1/timelines/home?limit=20")).body) as { id: string }[];
        await call("/api/v1/notifications?limit=30");
        await call("/api/v1/markers?timeline[]=home&timeline[]=notifications");
        if (round % 5 === 2 && home.length) await call(`/api/v1/timelines/home?limit=20&max_id=${home.at(-1)!.id}`);
        // a person opens a profile now and then, and a thread
        if (round % 6 === 3) {
          const who = ids[(round * 7) % 6]!;
          await call(`/api/v1/accounts/${who}`);
          await call(`/api/v1/accounts/${who}/statuses?limit=20`);
          if (home[round % home.length]) await call(`/api/v1/statuses/${home[round % home.length]!.id}/context`);
        }
        now += 500;
      }
    }

    async function harvest(n: number) {
      for (let i = 0; i < MAX_HARVEST; i++) {
        count(scraper[n]!, await get(SCRAPERS[n]!, plans[n]!(i), tokenOf[n]));
        now += 20;
        // a scraper that has been limited a while keeps trying; enough to see it
        if (scraper[n]!.throttled >= 20) return;
      }
    }

    const session = appSession();
    await Promise.all(SCRAPERS.map((_, n) => harvest(n)));
    const throttledAt = scraper.map((t) => t.throttled);

    // Detected: alerts for each scraper's keys (its address, or its token or account).
    const alerts = await listAlerts(ctx);
    const scraperKeys = [SCRAPERS[0]!, SCRAPERS[1]!, scraperTokens[0]!.id, scraperTokens[1]!.id];
    const alertsFor = (key: string, also?: string) => alerts.filter((a) => a.keyValue === key || a.keyValue === also);
    const detected = scraperKeys.map((k, n) => alertsFor(k, n >= 2 ? harvester[n - 2] : undefined));

    // Blocked: the admin answers the first alert about a logged-out address with its /24.
    const first = detected[0]![0];
    assert.ok(first, "the logged-out scraper was detected");
    const planned = await runCommand(ctx, ["alerts", "block-range", first.id, "--prefix", "24"], "");
    assert.match(planned.out, /block 127\.0\.2\.0\/24 \(no_access\)/);
    const applied = await runCommand(ctx, ["alerts", "block-range", first.id, "--prefix", "24", "--yes"], "");
    assert.equal(applied.code, 0, applied.err);
    const beforeBlock = scraper.map((t) => t.blocked);
    for (let n = 0; n < SCRAPERS.length; n++) for (let i = 0; i < 10; i++) count(scraper[n]!, await get(SCRAPERS[n]!, plans[n]!(i), tokenOf[n]));
    harvesting = false;
    await session;

    const flagged = (await listAlerts(ctx)).filter((a: Alert) => [APP_FROM, appToken.id, reader].includes(a.keyValue));
    const rows = [
      ...SCRAPERS.map((from, n) => ({ client: `scraper ${from}${tokenOf[n] ? " (token)" : ""}`, ...scraper[n]!, alerts: detected[n]!.map((a) => `${a.rule} (${a.keyKind})`).join(", ") || "-" })),
      { client: `app session ${APP_FROM}`, ...app, alerts: flagged.map((a) => a.rule).join(", ") || "-" },
    ];
    console.log("\nScraping load test: requests per client");
    console.table(rows);

    for (let n = 0; n < SCRAPERS.length; n++) {
      assert.ok(throttledAt[n]! > 0, `scraper ${SCRAPERS[n]} was throttled (429) before the block`);
      assert.ok(detected[n]!.length > 0, `scraper ${SCRAPERS[n]} was detected`);
      assert.equal(beforeBlock[n], 0, `scraper ${SCRAPERS[n]} was not blocked before the admin acted`);
      assert.equal(scraper[n]!.blocked, 10, `scraper ${SCRAPERS[n]} is refused (403) after the block`);
      assert.equal(scraper[n]!.other, 0, `scraper ${SCRAPERS[n]} met no other error`);
    }
    assert.ok(app.served > 120, `the app session was busy (${app.served} requests)`);
    assert.deepEqual(appStatuses.filter((s) => s >= 400), [], "the app session was never refused");
    assert.deepEqual(flagged, [], "the app session raised no alert");
    const total = [...scraper, app].reduce((n, t) => n + t.served + t.throttled + t.blocked + t.other, 0);
    assert.ok(total < 4000, `bounded (${total} requests)`);
  } finally {
    await server.close();
  }
});
