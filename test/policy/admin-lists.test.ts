// The admin API for subscriptions and circles: admins with admin scopes only; a dry run stores
// nothing; circles are edited with members and rules in the body.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createTestApp } from "../helpers/app.ts";
import { startListServer } from "./list-server.ts";
import { serverStanding } from "../../src/domain/federation-policy/standing.ts";
import { listSubscriptions } from "../../src/domain/federation-policy/subscriptions.ts";

const HEADER = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n";

test("subscriptions through the admin API", async () => {
  const app = await createTestApp({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true" });
  const lists = await startListServer("127.0.0.8");
  try {
    const admin = await app.user("boss", { admin: true, scopes: "admin:read admin:write" });
    const user = await app.user("ana", { scopes: "admin:read admin:write" });
    const adminNoWrite = await app.user("reader", { admin: true, scopes: "admin:read" });
    const base = "/api/v1/caracol/admin/subscriptions";
    assert.equal((await app.request(base, { token: user.token })).status, 403);
    lists.set("/l.csv", HEADER + "bad.example,suspend,false,false,,false\n");
    const body = { name: "l", source: lists.url("/l.csv"), priority: 7, excluded_domains: ["ok.example"] };
    assert.equal((await app.request(base, { method: "POST", token: adminNoWrite.token, json: body })).status, 403);

    const dry = await app.request(base, { method: "POST", token: admin.token, json: { ...body, dry_run: true } });
    assert.equal(dry.status, 200);
    const dryJson = await dry.json();
    assert.equal(dryJson.applied, false);
    assert.deepEqual(dryJson.plan.newly_suspended, ["bad.example"]);
    assert.deepEqual(await listSubscriptions(app.ctx), []);

    const made = await (await app.request(base, { method: "POST", token: admin.token, json: body })).json();
    assert.equal(made.applied, true);
    assert.equal(made.outcome, "applied");
    assert.equal(made.subscription.priority, 7);
    assert.deepEqual(made.subscription.excluded_domains, ["ok.example"]);
    assert.equal(await serverStanding(app.ctx, "bad.example"), "blocked");
    const id = made.subscription.id;

    const one = await (await app.request(`${base}/${id}`, { token: admin.token })).json();
    assert.deepEqual(one.entries.map((e: { domain: string; state: string }) => [e.domain, e.state]), [["bad.example", "active"]]);
    const patched = await (await app.request(`${base}/${id}`, { method: "PATCH", token: admin.token, json: { severity_cap: "silence" } })).json();
    assert.equal(patched.severity_cap, "silence");
    assert.equal(await serverStanding(app.ctx, "bad.example"), "limited");
    assert.equal((await app.request(`${base}/${id}`, { method: "PATCH", token: admin.token, json: { severity_cap: "obliterate" } })).status, 422);

    lists.set("/l.csv", HEADER + "canary.tier0.example.com,suspend,false,false,,false\n");
    const sync = await (await app.request(`${base}/${id}/sync`, { method: "POST", token: admin.token })).json();
    assert.equal(sync.outcome, "failed");
    assert.match(sync.error, /canary/);
    lists.set("/c.csv", HEADER + "canary.tier0.example.com,suspend,false,false,,false\n");
    const bad = await app.request(base, { method: "POST", token: admin.token, json: { name: "c", source: lists.url("/c.csv") } });
    assert.equal(bad.status, 422);
    assert.match((await bad.json()).error, /canary/);

    assert.equal((await app.request(`${base}/${id}`, { method: "DELETE", token: admin.token })).status, 200);
    assert.equal((await app.request(`${base}/${id}`, { token: admin.token })).status, 404);
    assert.equal(await serverStanding(app.ctx, "bad.example"), "allowed");
  } finally {
    await lists.close();
    await app.close();
  }
});

test("circles through the admin API: members and rules in the body, published on request", async () => {
  const app = await createTestApp();
  try {
    const admin = await app.user("boss", { admin: true, scopes: "admin:read admin:write" });
    const base = "/api/v1/caracol/admin/circles";
    const made = await app.request(base, {
      method: "POST",
      token: admin.token,
      json: { name: "Neighbours", members: ["a.example", "B.Example"], rules: [{ domain: "bad.example", severity: "suspend", comment: "spam" }] },
    });
    assert.equal(made.status, 200);
    const c = await made.json();
    assert.deepEqual(c.members, ["a.example", "b.example"]);
    assert.equal(c.published, false);
    assert.equal((await app.request(`/circles/${c.id}`)).status, 404);

    const pub = await (await app.request(`${base}/${c.id}`, { method: "PATCH", token: admin.token, json: { published: true, members: ["c.example"] } })).json();
    assert.equal(pub.url, `http://caracol.test/circles/${c.id}`);
    const doc = await (await app.request(`/circles/${c.id}`)).json();
    assert.deepEqual(doc.members, ["c.example"]);
    assert.deepEqual(doc.rules, [{ domain: "bad.example", severity: "suspend", reject_media: false, reject_reports: false, comment: "spam" }]);

    const dup = await app.request(base, { method: "POST", token: admin.token, json: { name: "Neighbours" } });
    assert.equal(dup.status, 422);
    const badRule = await app.request(`${base}/${c.id}`, { method: "PATCH", token: admin.token, json: { rules: [{ domain: "x y", severity: "suspend" }] } });
    assert.equal(badRule.status, 422);
    assert.equal((await (await app.request(base, { token: admin.token })).json()).length, 1);
    assert.equal((await app.request(`${base}/${c.id}`, { method: "DELETE", token: admin.token })).status, 200);
    assert.equal((await app.request(`/circles/${c.id}`)).status, 404);
    assert.equal((await app.request(`${base}/${c.id}`, { token: admin.token })).status, 404);
  } finally {
    await app.close();
  }
});
