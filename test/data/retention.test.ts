// The data-minimisation promise: after CARACOL_IP_RETENTION_HOURS no client address and no user
// agent remains anywhere in the database. Traffic comes over real sockets from several loopback
// addresses (and ::1 when the machine has it); the search reads every textual column of every
// table from information_schema, so a place added later that stores addresses is caught too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { createLocalAccount } from "../../src/domain/accounts/create.ts";
import { purgeAddresses } from "../../src/domain/privacy/retention.ts";
import { SIGN_IN_HISTORY_DAYS } from "../../src/domain/privacy/sign-ins.ts";
import { fedifyQueue, signIns } from "../../src/db/schema/index.ts";
import { Browser } from "../helpers/browser.ts";
import { startPeer } from "../helpers/peer.ts";
import { authorize, exchange, PASSWORD, registerApp } from "../oauth-helpers.ts";
import type { TestApp } from "../helpers/app.ts";
import { loopbackClient, startDualServer, type LoopbackClient } from "./loopback-client.ts";
import { columnsOfTypes, TEXTUAL, whereTextOccurs } from "./db-search.ts";

const HOUR = 3600_000;
const asApp = (c: LoopbackClient) => c as unknown as TestApp;

/** The forms an address can take in storage: as given, and IPv4 also as IPv4-mapped IPv6. */
const formsOf = (address: string) => (address.includes(":") ? [address] : [address, `::ffff:${address}`]);

test("after the retention window no address or user agent remains in any table", async (t) => {
  const server = await startDualServer({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true" });
  const clients: LoopbackClient[] = [];
  try {
    const ctx = server.app.ctx;
    const alice = await createLocalAccount(ctx, { username: "alice", password: PASSWORD, approved: true });
    await createLocalAccount(ctx, { username: "bob", password: PASSWORD, approved: true });
    const client = (address: string, ua: string, base = server.v4) => {
      const c = loopbackClient(base, server.origin, address, ua);
      clients.push(c);
      return c;
    };
    const web = client("127.0.0.2", "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0 probe-alpha-7f3a");
    const oauth = client("127.0.0.3", "probe-bravo-92c1 TootClient/4.2");
    const burst = client("127.0.0.4", "probe-charlie-5d0e");
    const inbox = client("127.0.0.5", "probe-delta-ab12 Mastodon/4.3");
    const v6 = server.v6 ? client("::1", "probe-echo-33c9 (iPhone; iOS 18)", server.v6) : null;
    if (!v6) t.diagnostic("no IPv6 loopback on this machine: the ::1 client is left out");

    // A web sign-in, then pages and API calls with the session's cookie.
    const browser = new Browser(web);
    const signedIn = await browser.signIn("alice", PASSWORD);
    assert.equal(signedIn.status, 303, await signedIn.clone().text());
    assert.equal((await browser.get("/settings/privacy")).status, 200);

    // An OAuth authorization-code flow, token issue, and API calls with the token.
    const registered = await registerApp(asApp(oauth));
    const { code } = await authorize(asApp(oauth), registered, "bob");
    const issued = await exchange(asApp(oauth), registered, code);
    assert.equal(issued.status, 200, await issued.clone().text());
    const token = ((await issued.json()) as { access_token: string }).access_token;
    for (let i = 0; i < 3; i++) assert.equal((await oauth.request("/api/v1/accounts/verify_credentials", { token })).status, 200);

    // A burst that the limiter refuses (password resets: 5 per half hour per address).
    const answers: number[] = [];
    for (let i = 0; i < 7; i++) answers.push((await burst.request("/auth/password", { method: "POST", body: "email=x%40example.com", headers: { "content-type": "application/x-www-form-urlencoded" } })).status);
    assert.ok(answers.includes(429), `the burst was rate-limited: ${answers}`);

    // An (unsigned, so refused) inbox POST and anonymous API reads.
    const delivered = await inbox.request("/users/alice/inbox", {
      method: "POST",
      headers: { "content-type": "application/activity+json" },
      body: JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", type: "Follow", actor: "https://remote.example/users/x", object: `${server.origin}/users/alice` }),
    });
    assert.ok(delivered.status >= 400, `unsigned inbox POST refused (${delivered.status})`);
    assert.equal((await inbox.request("/api/v1/instance")).status, 200);

    // A signed inbox POST from a real peer: its server's address is noted (for domain
    // suspensions). The peer reaches us on ::1, so that address is one we look for.
    // (The inbox queue holds the request's URL, [::1] here, until handled: the workers run so
    // that it is handled, as on a live server.)
    if (v6) {
      const peer = await startPeer({ host: "127.0.0.7", actors: ["pat"] });
      const workers = new AbortController();
      const working = server.app.startWorkers(workers.signal);
      try {
        const sent = await peer.send("pat", `${server.v6}/users/alice/inbox`, {
          "@context": "https://www.w3.org/ns/activitystreams",
          id: peer.newId("follow"),
          type: "Follow",
          actor: peer.actorUrl("pat"),
          object: `${server.origin}/users/alice`,
        });
        assert.ok(sent.status < 300, `signed inbox POST accepted: ${sent.status} ${sent.body}`);
        for (let i = 0; i < 100 && (await ctx.db.select().from(fedifyQueue).where(eq(fedifyQueue.queue, "inbox"))).length; i++) await new Promise((r) => setTimeout(r, 100));
        assert.deepEqual(await ctx.db.select().from(fedifyQueue).where(eq(fedifyQueue.queue, "inbox")), [], "the inbox queue was handled");
      } finally {
        workers.abort();
        await working;
        await peer.close();
      }
    }

    if (v6) {
      const b6 = new Browser(v6);
      assert.equal((await b6.signIn("alice", PASSWORD)).status, 303);
      assert.equal((await v6.request("/api/v2/instance")).status, 200);
    }

    // Before the window ends, the history holds the addresses: the search below can fail.
    const history = await ctx.db.select().from(signIns).where(eq(signIns.accountId, alice.accountId));
    assert.ok(history.some((r) => r.method === "web" && r.ip && formsOf("127.0.0.2").includes(r.ip)), JSON.stringify(history));
    assert.ok(history.some((r) => r.userAgent === web.userAgent));
    const columns = await columnsOfTypes(ctx.db, TEXTUAL);
    assert.ok(columns.some((c) => c.table === "sign_ins" && c.column === "ip"), "the column list comes from the database");
    const needles = [...clients.flatMap((c) => formsOf(c.address)), ...clients.map((c) => c.userAgent.split(" ")[0].startsWith("probe") ? c.userAgent.split(" ")[0] : c.userAgent.split(" ").at(-1)!)];
    const before = (await Promise.all(needles.map((n) => whereTextOccurs(ctx.db, columns, n)))).flat();
    assert.ok(before.some((h) => h.startsWith("sign_ins.ip")), `addresses are stored before the purge: ${before}`);
    assert.ok(before.some((h) => h.startsWith("rate_limit_counters.subject")), `rate-limit counters hold addresses: ${before}`);
    if (v6) assert.ok(before.some((h) => h.startsWith("server_addresses.address")), `the peer's address is noted: ${before}`);

    // Just inside the window nothing is purged yet.
    await purgeAddresses(ctx, Date.now() + 23 * HOUR);
    assert.ok((await ctx.db.select().from(signIns).where(eq(signIns.accountId, alice.accountId))).some((r) => r.ip));

    // Past the window: nothing of any address or user agent, anywhere.
    const report = await purgeAddresses(ctx, Date.now() + 25 * HOUR);
    assert.ok(report.signIns >= 3, JSON.stringify(report));
    for (const needle of needles) assert.deepEqual(await whereTextOccurs(ctx.db, columns, needle), [], `"${needle}" remains`);

    // The rows stay, without the address: when, how, which kind of device.
    const after = await ctx.db.select().from(signIns).where(eq(signIns.accountId, alice.accountId));
    assert.equal(after.length, history.length);
    assert.ok(after.every((r) => r.ip === null && r.userAgent === null));
    assert.ok(after.some((r) => r.device === "Firefox on Linux"), JSON.stringify(after));

    // and the history itself goes after SIGN_IN_HISTORY_DAYS
    const later = await purgeAddresses(ctx, Date.now() + (SIGN_IN_HISTORY_DAYS + 1) * 24 * HOUR);
    assert.ok(later.expiredSignIns >= after.length);
    assert.deepEqual(await ctx.db.select().from(signIns).where(eq(signIns.accountId, alice.accountId)), []);
  } finally {
    for (const c of clients) await c.close();
    await server.close();
  }
  assert.deepEqual(server.specErrors, []);
});

test("with a retention of 0 no address or user agent is ever stored", async () => {
  const server = await startDualServer({ CARACOL_IP_RETENTION_HOURS: "0" });
  const c = loopbackClient(server.v4, server.origin, "127.0.0.6", "probe-foxtrot-0c0c");
  try {
    const { accountId } = await createLocalAccount(server.app.ctx, { username: "carol", password: PASSWORD, approved: true });
    assert.equal((await new Browser(c).signIn("carol", PASSWORD)).status, 303);
    const rows = await server.app.ctx.db.select().from(signIns).where(eq(signIns.accountId, accountId));
    assert.equal(rows.length, 1);
    assert.equal(rows[0].ip, null);
    assert.equal(rows[0].userAgent, null);
  } finally {
    await c.close();
    await server.close();
  }
});
