// Admins' controls over transitive defederation: the admin API (scan on demand, evidence,
// per-server overrides), the `transitive` CLI group (plans before changes), and the scheduled
// scan of every server we exchange data with.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { startPeer, type Peer } from "../helpers/peer.ts";
import { issueToken } from "../../src/domain/oauth/tokens.ts";
import { serverScans } from "../../src/db/schema/index.ts";
import { setSetting } from "../../src/domain/instance/settings.ts";
import { forgetStandings, serverStanding } from "../../src/domain/federation-policy/standing.ts";
import { runCommand } from "../../src/cli/commands.ts";
import { runTransitiveScan } from "../../src/federation/policy-scan/job.ts";
import { transitiveScanJob } from "../../src/federation/policy-scan/job.ts";
import { SCHEDULED_JOBS } from "../../src/server/jobs.ts";
import { follow, remoteAccount } from "../federation/outbox-helpers.ts";

let app: TestApp;
let peer: Peer;
let admin: { id: string; token: string };
let user: { id: string; token: string };
const D = "127.0.0.12";

before(async () => {
  app = await createTestApp({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true" });
  peer = await startPeer({ host: D, actors: ["pat"] });
  peer.routes.set("/.well-known/nodeinfo", { links: [{ rel: "http://nodeinfo.diaspora.software/ns/schema/2.0", href: `${peer.origin}/nodeinfo/2.0` }] });
  peer.routes.set("/nodeinfo/2.0", { version: "2.0", software: { name: "gotosocial", version: "0.17.0" }, protocols: ["activitypub"], services: { inbound: [], outbound: [] }, openRegistrations: false, usage: { users: {} }, metadata: {} });
  peer.routes.set("/api/v1/instance/peers", ["threads.net", "mastodon.social"]);
  peer.routes.set("/api/v1/instance/domain_blocks", { status: 401 });
  admin = await app.user("boss", { admin: true, scopes: "read write admin:read admin:write" });
  user = await app.user("alice");
  const pat = await remoteAccount(app.ctx.db, peer, "pat");
  await follow(app.ctx.db, pat, user.id);
});
after(async () => {
  await peer?.close();
  await app?.close();
});

async function call(method: string, path: string, token = admin.token, json?: unknown) {
  const res = await app.request(path, { method, token, json });
  return { status: res.status, body: await res.json() };
}

test("the admin API: admins only; scan on demand, evidence, standing; overrides set and cleared", async () => {
  assert.equal((await call("GET", "/api/v1/caracol/admin/servers", user.token)).status, 403, "not an admin");
  const narrow = await issueToken(app.ctx, { appId: null, accountId: admin.id, scopes: ["read"] });
  assert.equal((await call("GET", "/api/v1/caracol/admin/servers", narrow.accessToken)).status, 403, "no admin scope");
  assert.equal((await call("GET", "/api/v1/caracol/admin/servers", "")).status, 401);
  assert.deepEqual((await call("GET", "/api/v1/caracol/admin/servers")).body, []);

  const scanned = await call("POST", `/api/v1/caracol/admin/servers/${D}/scan`);
  assert.equal(scanned.status, 200);
  assert.equal(scanned.body.verdict, "federates");
  assert.equal(scanned.body.standing, "restricted");
  assert.equal(scanned.body.action, "restrict");
  assert.match(scanned.body.reasons.join(" "), /threads\.net/);
  const peersEvidence = scanned.body.evidence.find((e: { source: string }) => e.source === "peers");
  assert.deepEqual(peersEvidence.found, ["threads.net"]);
  assert.equal(scanned.body.evidence.find((e: { source: string }) => e.source === "domain_blocks").status, 401);
  assert.equal(scanned.body.published_policy.software, "gotosocial");

  const list = (await call("GET", "/api/v1/caracol/admin/servers")).body;
  assert.deepEqual(list.map((s: { domain: string }) => s.domain), [D]);
  assert.equal((await call("GET", `/api/v1/caracol/admin/servers/${D}`)).body.verdict, "federates");
  assert.equal((await call("GET", "/api/v1/caracol/admin/servers/never.example")).status, 404);
  assert.equal((await call("GET", "/api/v1/caracol/admin/servers/not%20a%20domain")).status, 422);

  assert.equal((await call("PUT", `/api/v1/caracol/admin/servers/${D}/override`, admin.token, { action: "sometimes" })).status, 422);
  const exempt = await call("PUT", `/api/v1/caracol/admin/servers/${D}/override`, admin.token, { action: "exempt", comment: "we know them" });
  assert.equal(exempt.status, 200);
  assert.deepEqual(exempt.body.override, { action: "exempt", comment: "we know them" });
  assert.equal(exempt.body.standing, "allowed");
  assert.equal(await serverStanding(app.ctx, D), "allowed");
  assert.equal((await call("PUT", `/api/v1/caracol/admin/servers/${D}/override`, user.token, { action: "block" })).status, 403);
  const cleared = await call("DELETE", `/api/v1/caracol/admin/servers/${D}/override`);
  assert.equal(cleared.body.standing, "restricted");
  assert.equal((await call("DELETE", `/api/v1/caracol/admin/servers/${D}/override`)).status, 404);
});

test("the transitive CLI: list, show, and changes that show their plan before --yes", async () => {
  const list = await runCommand(app.ctx, ["transitive", "list"], "");
  assert.equal(list.code, 0);
  assert.match(list.out, new RegExp(`${D.replaceAll(".", "\\.")}\\tfederates\\trestricted\\trestrict`));
  const show = await runCommand(app.ctx, ["transitive", "show", D], "");
  assert.match(show.out, /peers\t200\t.*federates with: threads\.net/);
  assert.match(show.out, /domain_blocks\t401/);
  assert.equal((await runCommand(app.ctx, ["transitive", "show", "never.example"], "")).code, 1);

  const plan = await runCommand(app.ctx, ["transitive", "policy", "block"], "");
  assert.equal(plan.code, 0);
  assert.match(plan.out, new RegExp(`${D.replaceAll(".", "\\.")}: restricted -> blocked`));
  assert.match(plan.out, /Nothing changed yet/);
  assert.equal(await serverStanding(app.ctx, D), "restricted", "a plan changes nothing");
  assert.equal((await runCommand(app.ctx, ["transitive", "policy", "block", "--yes"], "")).code, 0);
  assert.equal(await serverStanding(app.ctx, D), "blocked");
  assert.match((await runCommand(app.ctx, ["transitive", "policy", "block"], "")).out, /already "block"/);
  assert.equal((await runCommand(app.ctx, ["transitive", "policy", "never"], "")).code, 2);

  const ov = await runCommand(app.ctx, ["transitive", "override", D, "warn"], "");
  assert.match(ov.out, /treat 127\.0\.0\.12 as "warn" instead of "block \(instance policy\)"/);
  assert.equal(await serverStanding(app.ctx, D), "blocked");
  assert.match((await runCommand(app.ctx, ["transitive", "override", D, "warn", "--yes"], "")).out, /standing now: allowed/);
  assert.equal((await runCommand(app.ctx, ["transitive", "override", D, "maybe", "--yes"], "")).code, 2);
  assert.match((await runCommand(app.ctx, ["transitive", "clear", D, "--yes"], "")).out, /standing now: blocked/);
  assert.match((await runCommand(app.ctx, ["transitive", "clear", D], "")).out, /nothing to change/);
  await setSetting(app.ctx, "transitivePolicy", "restrict");
  forgetStandings(app.ctx);
});

test("the scheduled scan covers every server we exchange data with, when due, and rests when the policy is off", async () => {
  assert.ok(SCHEDULED_JOBS.includes(transitiveScanJob));
  await app.ctx.db.delete(serverScans);
  assert.deepEqual((await runTransitiveScan(app.ctx)).map((r) => r.domain), [D], "a follower's server, never scanned: due");
  assert.deepEqual(await runTransitiveScan(app.ctx), [], "scanned a moment ago: not due");
  await app.ctx.db.update(serverScans).set({ scannedAt: new Date(Date.now() - 25 * 3600_000) });
  await setSetting(app.ctx, "transitivePolicy", "off");
  assert.deepEqual(await runTransitiveScan(app.ctx), [], "off: nothing fetched");
  await setSetting(app.ctx, "transitivePolicy", "restrict");
  assert.deepEqual((await runTransitiveScan(app.ctx)).map((r) => r.domain), [D], "a day old: due again");
  const scan = await runCommand(app.ctx, ["transitive", "scan", "--due"], "");
  assert.match(scan.out, /No server is due/);
  const one = await runCommand(app.ctx, ["transitive", "scan", D], "");
  assert.match(one.out, /127\.0\.0\.12: federates, standing restricted/);
});
