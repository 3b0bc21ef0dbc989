// An ordinary app session must never meet a rate limit. This replays, with masto.js against
// the real server and the default limits, more than a Mastodon app does in five minutes: the
// start-up burst, twenty refreshes, scrolling back through pages of the home timeline and
// notifications, a few posts and favourites; all of it inside one counting window.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRestAPIClient } from "masto";
import { startTestServer } from "../helpers/app.ts";
import { createLocalAccount } from "../../src/domain/accounts/create.ts";
import { issueToken } from "../../src/domain/oauth/tokens.ts";
import { createStatus } from "../../src/domain/statuses/create.ts";
import { currentCounters } from "../../src/domain/abuse/rate-limit.ts";
import { RATE_LIMIT_RULES } from "../../src/domain/abuse/rate-limit-rules.ts";
import { rateLimitCounters } from "../../src/db/schema/index.ts";
import { eq } from "drizzle-orm";

test("an app session (start-up burst, refreshes, scrolling, posting) never gets a 429", async () => {
  const server = await startTestServer();
  let restore = () => {};
  try {
    const ctx = server.app.ctx;
    const { accountId } = await createLocalAccount(ctx, { username: "alice", password: "correct horse battery", approved: true });
    for (let i = 0; i < 120; i++) await createStatus(ctx, { accountId, appId: null, text: `post ${i}`, visibility: "private" });
    const token = (await issueToken(ctx, { appId: null, accountId, scopes: ["read", "write", "follow"] })).accessToken;
    const statuses: string[] = [];
    const seen: number[] = [];
    const remaining: number[] = [];
    // masto.js calls the global fetch: watch every answer's status and the limiter's view of it.
    const realFetch = globalThis.fetch;
    globalThis.fetch = async (input, init) => {
      const res = await realFetch(input, init);
      seen.push(res.status);
      const left = res.headers.get("x-ratelimit-remaining");
      if (left !== null) remaining.push(Number(left));
      return res;
    };
    restore = () => (globalThis.fetch = realFetch);
    const client = createRestAPIClient({ url: server.url, accessToken: token });

    const startUp = async () => {
      await Promise.all([
        client.v2.instance.fetch(),
        client.v1.instance.fetch(),
        client.v1.accounts.verifyCredentials(),
        client.v1.customEmojis.list(),
        client.v2.filters.list(),
        client.v1.markers.fetch({ timeline: ["home", "notifications"] }),
        client.v1.preferences.fetch(),
        client.v1.lists.list(),
        client.v1.followRequests.list(),
        client.v1.announcements.list(),
      ]);
      const home = await client.v1.timelines.home.list({ limit: 40 });
      statuses.push(...home.map((s) => s.id));
      await client.v1.notifications.list({ limit: 30 });
    };
    await startUp();
    // Twenty pulls to refresh: an app without streaming polling every 15 seconds for 5 minutes.
    for (let i = 0; i < 20; i++) {
      await client.v1.timelines.home.list({ limit: 40, minId: statuses[0] });
      await client.v1.notifications.list({ limit: 30 });
      await client.v1.markers.fetch({ timeline: ["home", "notifications"] });
    }
    // Scrolling far back, twice (the app was restarted in between).
    for (let round = 0; round < 2; round++) {
      let maxId: string | undefined;
      for (let page = 0; page < 15; page++) {
        const older = await client.v1.timelines.home.list({ limit: 20, maxId });
        if (!older.length) break;
        maxId = older.at(-1)!.id;
      }
      for (let page = 0; page < 5; page++) await client.v1.notifications.list({ limit: 30, maxId: statuses.at(-1) });
      await startUp();
    }
    for (let i = 0; i < 5; i++) {
      const s = await client.v1.statuses.create({ status: `hello ${i}` });
      await client.v1.statuses.$select(s.id).favourite();
      await client.v1.markers.create({ home: { lastReadId: s.id } });
    }

    assert.ok(seen.length > 120, `a busy session (${seen.length} requests)`);
    assert.ok(!seen.includes(429), "no request was limited");
    assert.ok(Math.min(...remaining) > 0, "and none came close to the last allowed one");
    // The limiter did count it (limits were on), well below every limit.
    // (Summed over windows: the real clock may have crossed a window boundary mid-session.)
    const tokenCounts = await ctx.db.select().from(rateLimitCounters).where(eq(rateLimitCounters.rule, "api/token"));
    assert.equal(tokenCounts.reduce((n, c) => n + c.count, 0), seen.length, "every request was counted");
    const counters = await currentCounters(ctx, RATE_LIMIT_RULES, { top: 100 });
    for (const c of counters) assert.ok(c.count <= (c.limit ?? 0) * 0.75, `${c.rule} at ${c.count} of ${c.limit}`);
  } finally {
    restore();
    await server.close();
  }
});
