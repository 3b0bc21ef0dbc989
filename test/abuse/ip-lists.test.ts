// Subscribed IP lists, served by a real HTTP server on loopback: plan before --yes, sync,
// retraction, severity caps and the entry cap, review as drafts, failures that change nothing,
// the admin's own rule winning, unsubscribing.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createTestApp } from "../helpers/app.ts";
import { runCommand } from "../../src/cli/commands.ts";
import { createIpBlock, ipBlockFor } from "../../src/domain/abuse/ip-blocks.ts";
import { dueIpLists, ipListEntries, ipListSubscriptions, subscribeIpList, syncIpList } from "../../src/domain/abuse/ip-lists.ts";
import { ipListLoader } from "../../src/server/ip-list-loader.ts";

async function listServer() {
  const state = { status: 200, body: "", type: "text/plain" };
  const server = http.createServer((_req, res) => {
    res.writeHead(state.status, { "content-type": state.type });
    res.end(state.body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { state, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ips.txt`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

test("a shared IP list: plan, apply, changes and retraction, failures change nothing, the admin's rule wins", async () => {
  const app = await createTestApp({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true" });
  const list = await listServer();
  const ip = (...argv: string[]) => runCommand(app.ctx, ["ip", ...argv], "");
  try {
    list.state.body = "# shared abuse list\n203.0.113.0/24\n198.51.100.7 # one host\n2001:db8:66::/48,no_access,bad actors\nnot-an-ip\n";
    const plan = await ip("subscribe", "shared", list.url);
    assert.equal(plan.code, 0, plan.err);
    assert.match(plan.out, /subscribe to "shared"/);
    assert.match(plan.out, /add 203\.0\.113\.0\/24 sign_up_block/);
    assert.match(plan.out, /add 198\.51\.100\.7\/32 sign_up_block/);
    assert.match(plan.out, /add 2001:db8:66::\/48 no_access \(bad actors\)/);
    assert.match(plan.out, /skipped line 5 \(not an IP address/);
    assert.deepEqual(await ipListSubscriptions(app.ctx), [], "nothing changed without --yes");

    const applied = await ip("subscribe", "shared", list.url, "--yes");
    assert.match(applied.out, /^Applied:/);
    const [sub] = await ipListSubscriptions(app.ctx);
    assert.equal(sub.lastStatus, "ok");
    assert.equal((await ipBlockFor(app.ctx, "203.0.113.5"))?.severity, "sign_up_block");
    assert.equal((await ipBlockFor(app.ctx, "2001:db8:66:1::1"))?.severity, "no_access");
    assert.equal((await app.request("/api/v1/instance", { from: "2001:db8:66::9" })).status, 403, "list entries are enforced like blocks");
    assert.equal((await ip("subscribe", "again", list.url, "--yes")).code, 1, "one subscription per source");

    // The admin's own rule for exactly that range wins over the list's.
    await createIpBlock(app.ctx, { range: "203.0.113.0/24", severity: "sign_up_requires_approval" });
    assert.equal((await ipBlockFor(app.ctx, "203.0.113.5"))?.severity, "sign_up_requires_approval");

    list.state.body = "ip,severity,comment\n203.0.113.0/24,no_access,\n192.0.2.0/24,,\n";
    const syncPlan = await ip("sync", sub.id);
    assert.match(syncPlan.out, /add 192\.0\.2\.0\/24 sign_up_block/);
    assert.match(syncPlan.out, /change 203\.0\.113\.0\/24 from sign_up_block to no_access/);
    assert.match(syncPlan.out, /retract 198\.51\.100\.7\/32 sign_up_block \(no longer listed\)/);
    assert.match(syncPlan.out, /retract 2001:db8:66::\/48 no_access/);
    assert.ok(await ipBlockFor(app.ctx, "198.51.100.7"), "a plan only");
    await ip("sync", sub.id, "--yes");
    assert.equal(await ipBlockFor(app.ctx, "198.51.100.7"), null, "retracted");
    assert.equal(await ipBlockFor(app.ctx, "2001:db8:66::9"), null);
    assert.equal((await ipBlockFor(app.ctx, "192.0.2.9"))?.severity, "sign_up_block");

    // A broken source, an error page, a runaway list: no entry changes, the failure is recorded.
    const before = (await ipListEntries(app.ctx, sub.id)).map((e) => [e.range, e.severity]);
    list.state.status = 500;
    const failed = await syncIpList(app.ctx, sub, ipListLoader(app.ctx), true);
    assert.equal(failed.ok, false);
    assert.match((await ipListSubscriptions(app.ctx))[0].lastStatus ?? "", /answered 500/);
    list.state.status = 200;
    list.state.body = "<html><body>Maintenance</body></html>\n";
    assert.match((await ip("sync", sub.id, "--yes")).err, /no line of the document is an IP address/);
    assert.deepEqual((await ipListEntries(app.ctx, sub.id)).map((e) => [e.range, e.severity]), before);

    assert.match((await ip("unsubscribe", sub.id)).out, /retract its 2 entries/);
    await ip("unsubscribe", sub.id, "--yes");
    assert.equal(await ipBlockFor(app.ctx, "192.0.2.9"), null);
  } finally {
    await list.close();
    await app.close();
  }
});

test("review as drafts, dismissals that stick, severity and entry caps; due lists for the job", async () => {
  const app = await createTestApp({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true" });
  const list = await listServer();
  const ip = (...argv: string[]) => runCommand(app.ctx, ["ip", ...argv], "");
  try {
    list.state.body = "10.1.0.0/16,no_access,\n10.2.0.0/16,no_access,\n";
    const sub = await subscribeIpList(app.ctx, { name: "reviewed", source: list.url, severityCap: "sign_up_block", reviewNewEntries: true });
    assert.deepEqual((await dueIpLists(app.ctx)).map((s) => s.id), [sub.id], "never fetched: due");
    const outcome = await syncIpList(app.ctx, sub, ipListLoader(app.ctx), true);
    assert.ok(outcome.ok);
    assert.deepEqual(await dueIpLists(app.ctx), [], "fetched just now: not due");
    assert.equal(await ipBlockFor(app.ctx, "10.1.0.1"), null, "drafts are not enforced");

    const drafts = await ip("drafts");
    assert.match(drafts.out, /10\.1\.0\.0\/16\tsign_up_block/, "no_access lowered to the subscription's cap");
    const [first, second] = await ipListEntries(app.ctx, sub.id);
    assert.match((await ip("review", first.id, "approve")).out, /apply 10\.1\.0\.0\/16 sign_up_block/);
    assert.equal(await ipBlockFor(app.ctx, "10.1.0.1"), null, "a plan only");
    await ip("review", first.id, "approve", "--yes");
    await ip("review", second.id, "dismiss", "--yes");
    assert.equal((await ipBlockFor(app.ctx, "10.1.0.1"))?.severity, "sign_up_block");

    // Synced again with the same list: the dismissed entry stays dismissed, the approved stays.
    await syncIpList(app.ctx, sub, ipListLoader(app.ctx), true);
    const states = Object.fromEntries((await ipListEntries(app.ctx, sub.id)).map((e) => [e.range, e.state]));
    assert.deepEqual(states, { "10.1.0.0/16": "active", "10.2.0.0/16": "dismissed" });
    assert.equal(await ipBlockFor(app.ctx, "10.2.0.1"), null);

    const capped = await subscribeIpList(app.ctx, { name: "small", source: `${list.url}?small`, maxEntries: 1 });
    const over = await syncIpList(app.ctx, capped, ipListLoader(app.ctx), true);
    assert.equal(over.ok, false);
    assert.match(over.ok ? "" : over.error, /more than 1 entries/);
    assert.deepEqual(await ipListEntries(app.ctx, capped.id), [], "a list over its cap is refused whole");
    assert.match((await ip("subscriptions")).out, /small\t.*0 active/);
  } finally {
    await list.close();
    await app.close();
  }
});
