// The Mastodon admin API for domain blocks, end to end with an admin token: every answer is an
// Admin::DomainBlock per the OpenAPI spec (the admin paths are not in the spec's paths, so the
// entity is checked here), and the 422s Mastodon gives.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createTestApp } from "../helpers/app.ts";
import { entityValidator } from "../helpers/openapi.ts";
import { sha256Hex } from "../../src/domain/federation-policy/digest.ts";
import { serverPolicy } from "../../src/domain/federation-policy/standing.ts";

test("admin domain_blocks: create, read, update, delete; 422s for our own domain, bad input and an existing rule", async () => {
  const app = await createTestApp();
  const valid = entityValidator("AdminDomainBlock");
  try {
    const admin = await app.user("boss", { admin: true, scopes: "read admin:read:domain_blocks admin:write:domain_blocks" });
    const plain = await app.user("alice", { scopes: "read admin:read admin:write" });
    const call = async (method: string, path: string, token: string, json?: unknown) => {
      const res = await app.request(`/api/v1/admin/domain_blocks${path}`, { method, token, json });
      return { status: res.status, body: (await res.json()) as any };
    };

    assert.equal((await call("GET", "", plain.token)).status, 403, "admins only");
    assert.equal((await call("POST", "", plain.token, { domain: "x.example" })).status, 403);
    const readOnly = await app.user("reader", { admin: true, scopes: "admin:read:domain_blocks" });
    assert.equal((await call("POST", "", readOnly.token, { domain: "x.example" })).status, 403, "writing needs the write scope");

    const created = await call("POST", "", admin.token, {
      domain: "Bad.Example",
      severity: "suspend",
      reject_media: true,
      private_comment: "seen scraping",
      public_comment: "harassment",
      obfuscate: true,
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal(valid(created.body), null);
    assert.equal(created.body.domain, "bad.example");
    assert.equal(created.body.digest, sha256Hex("bad.example"));
    assert.equal(created.body.severity, "suspend");
    assert.equal(created.body.reject_media, true);
    assert.equal(created.body.reject_reports, false);
    assert.equal(created.body.caracol_followers_only, false);
    assert.equal((await serverPolicy(app.ctx, "www.bad.example")).standing, "blocked");

    // Mastodon: 422 with the existing block when one covers the domain at least as strictly
    const again = await call("POST", "", admin.token, { domain: "bad.example", severity: "silence" });
    assert.equal(again.status, 422);
    assert.equal(again.body.existing_domain_block.id, created.body.id);
    assert.equal(valid(again.body.existing_domain_block), null);
    const sub = await call("POST", "", admin.token, { domain: "sub.bad.example", severity: "silence" });
    assert.equal(sub.status, 422, "a milder rule under a suspended parent is refused");
    assert.equal(sub.body.existing_domain_block.domain, "bad.example");

    for (const body of [{ domain: "caracol.test", severity: "suspend" }, { domain: "not a domain" }, { domain: "ok.example", severity: "bogus" }, {}]) {
      const r = await call("POST", "", admin.token, body);
      assert.equal(r.status, 422, JSON.stringify(body));
      assert.equal(typeof r.body.error, "string");
    }

    // default severity is silence, as Mastodon's; followers_only through the extension field
    const quiet = await call("POST", "", admin.token, { domain: "quiet.example", caracol_followers_only: true });
    assert.equal(quiet.status, 200, JSON.stringify(quiet.body));
    assert.equal(quiet.body.severity, "silence");
    assert.equal(quiet.body.caracol_followers_only, true);
    assert.equal((await serverPolicy(app.ctx, "quiet.example")).standing, "restricted");

    const list = await call("GET", "", admin.token);
    assert.equal(list.status, 200);
    const domains = list.body.map((b: { domain: string }) => b.domain);
    for (const d of ["bad.example", "quiet.example", "threads.net", "threads.com"]) assert.ok(domains.includes(d), d);
    for (const b of list.body) assert.equal(valid(b), null);
    const one = await call("GET", `/${quiet.body.id}`, readOnly.token);
    assert.deepEqual(one.body, quiet.body);
    assert.equal((await call("GET", "/999", admin.token)).status, 404);
    assert.equal((await call("GET", "/nope", admin.token)).status, 404);

    const updated = await call("PUT", `/${quiet.body.id}`, admin.token, { severity: "noop", reject_reports: true, public_comment: null });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(valid(updated.body), null);
    assert.equal(updated.body.severity, "noop");
    assert.equal(updated.body.reject_reports, true);
    assert.equal(updated.body.caracol_followers_only, true, "a field left out keeps its value");
    assert.equal(updated.body.id, quiet.body.id);
    assert.equal((await call("PUT", `/${quiet.body.id}`, admin.token, { severity: "bogus" })).status, 422);

    const deleted = await call("DELETE", `/${created.body.id}`, admin.token);
    assert.equal(deleted.status, 200);
    assert.deepEqual(deleted.body, {});
    assert.equal((await call("GET", `/${created.body.id}`, admin.token)).status, 404);
    assert.equal((await call("DELETE", `/${created.body.id}`, admin.token)).status, 404);
    assert.equal((await serverPolicy(app.ctx, "bad.example")).standing, "allowed");
  } finally {
    await app.close();
  }
});
