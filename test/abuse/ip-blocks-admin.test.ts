// IP blocks through Mastodon's admin API (checked against the AdminIpBlock schema) and the CLI
// (a plan first, changes only with --yes; CSV and plain-list import, CSV export).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTestApp } from "../helpers/app.ts";
import { entityValidator } from "../helpers/openapi.ts";
import { runCommand } from "../../src/cli/commands.ts";
import { ipBlockFor, listIpBlocks } from "../../src/domain/abuse/ip-blocks.ts";

test("admin API: create, list, show, update, delete IP blocks; validation; admins with ip_blocks scopes only", async () => {
  const app = await createTestApp();
  const valid = entityValidator("AdminIpBlock");
  try {
    const admin = await app.user("boss", { admin: true, scopes: "admin:read:ip_blocks admin:write:ip_blocks" });
    const plain = await app.user("alice", { scopes: "read write admin:read admin:write" });
    const readOnly = await app.user("boss2", { admin: true, scopes: "admin:read" });
    const post = (json: unknown, token = admin.token) => app.request("/api/v1/admin/ip_blocks", { method: "POST", token, json });

    const created = await post({ ip: "2001:DB8:0:0::1/48", severity: "no_access", comment: "scraper farm", expires_in: 86400 });
    assert.equal(created.status, 200, await created.clone().text());
    const block = await created.json();
    assert.equal(valid(block), null);
    assert.equal(block.ip, "2001:db8::/48", "stored in canonical form");
    assert.equal(block.severity, "no_access");
    assert.equal(block.comment, "scraper farm");
    const expires = Date.parse(block.expires_at) - Date.now();
    assert.ok(expires > 86000_000 && expires <= 86400_000, "expires_in is seconds from now");

    const second = await (await post({ ip: "203.0.113.9", severity: "sign_up_block" })).json();
    assert.equal(second.ip, "203.0.113.9/32");
    assert.equal(second.comment, "");
    assert.equal(second.expires_at, null);
    assert.equal(valid(second), null);

    for (const [bad, field] of [
      [{ ip: "300.1.1.1", severity: "no_access" }, "ip"],
      [{ ip: "0.0.0.0/0", severity: "no_access" }, "ip"],
      [{ ip: "203.0.113.9", severity: "no_access" }, "ip"],
      [{ ip: "192.0.2.1", severity: "ban_hammer" }, "severity"],
      [{ severity: "no_access" }, "ip"],
      [{ ip: "192.0.2.1", severity: "no_access", expires_in: -5 }, "expires_in"],
    ] as const) {
      const res = await post(bad);
      assert.equal(res.status, 422, JSON.stringify(bad));
      assert.ok(field in (await res.json()).details, `details name ${field}`);
    }

    assert.equal((await post({ ip: "192.0.2.1", severity: "no_access" }, plain.token)).status, 403, "not an admin");
    assert.equal((await post({ ip: "192.0.2.1", severity: "no_access" }, readOnly.token)).status, 403, "no write scope");
    assert.equal((await app.request("/api/v1/admin/ip_blocks")).status, 401);
    assert.equal((await app.request("/api/v1/admin/ip_blocks", { token: readOnly.token })).status, 200);

    const list = await (await app.request("/api/v1/admin/ip_blocks", { token: admin.token })).json();
    assert.deepEqual(list.map((b: { id: string }) => b.id), [second.id, block.id], "newest first");
    for (const b of list) assert.equal(valid(b), null);
    const page = await app.request("/api/v1/admin/ip_blocks?limit=1", { token: admin.token });
    assert.equal((await page.json()).length, 1);
    assert.match(page.headers.get("link") ?? "", /max_id=/);
    assert.deepEqual(await (await app.request(`/api/v1/admin/ip_blocks/${block.id}`, { token: admin.token })).json(), block);
    assert.equal((await app.request("/api/v1/admin/ip_blocks/999", { token: admin.token })).status, 404);
    assert.equal((await app.request("/api/v1/admin/ip_blocks/nope", { token: admin.token })).status, 404);

    const put = await app.request(`/api/v1/admin/ip_blocks/${second.id}`, { method: "PUT", token: admin.token, json: { severity: "no_access", comment: "now worse" } });
    assert.equal(put.status, 200);
    const updated = await put.json();
    assert.equal(valid(updated), null);
    assert.deepEqual([updated.ip, updated.severity, updated.comment], ["203.0.113.9/32", "no_access", "now worse"]);
    assert.equal((await ipBlockFor(app.ctx, "203.0.113.9"))?.severity, "no_access", "the update applies at once");
    assert.equal((await app.request(`/api/v1/admin/ip_blocks/${second.id}`, { method: "PUT", token: admin.token, json: { ip: "2001:db8::/48" } })).status, 422, "a range blocked already");

    const del = await app.request(`/api/v1/admin/ip_blocks/${second.id}`, { method: "DELETE", token: admin.token });
    assert.equal(del.status, 200);
    assert.deepEqual(await del.json(), {});
    assert.equal(await ipBlockFor(app.ctx, "203.0.113.9"), null);
    assert.equal((await app.request(`/api/v1/admin/ip_blocks/${second.id}`, { method: "DELETE", token: admin.token })).status, 404);
  } finally {
    await app.close();
  }
});

test("CLI: block and unblock show a plan and change nothing without --yes; import and export CSV and plain lists", async () => {
  const app = await createTestApp();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "caracol-ip-"));
  try {
    const run = (...argv: string[]) => runCommand(app.ctx, ["ip", ...argv], "");
    const plan = await run("block", "198.51.100.0/24", "--severity", "sign_up_block", "--expires-in", "7d", "--comment", "spam wave");
    assert.equal(plan.code, 0, plan.err);
    assert.match(plan.out, /block 198\.51\.100\.0\/24 sign_up_block until .* \(spam wave\)/);
    assert.match(plan.out, /run again with --yes/);
    assert.deepEqual(await listIpBlocks(app.ctx), [], "nothing changed without --yes");

    const applied = await run("block", "198.51.100.0/24", "--severity", "sign_up_block", "--expires-in", "7d", "--comment", "spam wave", "--yes");
    assert.match(applied.out, /^Applied:/);
    const [b] = await listIpBlocks(app.ctx);
    assert.equal(b.range, "198.51.100.0/24");
    assert.ok(Math.abs(b.expiresAt!.getTime() - (Date.now() + 7 * 86400_000)) < 60_000);
    assert.match((await run("list")).out, /198\.51\.100\.0\/24\tsign_up_block/);
    assert.match((await run("block", "198.51.100.9/24", "--severity", "no_access")).out, /change 198\.51\.100\.0\/24 sign_up_block/, "the same range, written differently");

    assert.equal((await run("block", "nonsense", "--severity", "no_access")).code, 1);
    assert.equal((await run("block", "192.0.2.1", "--severity", "maybe")).code, 2);
    assert.equal((await run("block", "192.0.2.1", "--severity", "no_access", "--expires-in", "soon")).code, 2);
    assert.equal((await run("unblock", "192.0.2.1")).code, 1, "nothing to lift");

    const csv = path.join(dir, "blocks.csv");
    fs.writeFileSync(csv, 'ip,severity,comment\n203.0.113.0/24,no_access,"scrapers, many"\n2001:db8::/32,sign_up_requires_approval,\n# a comment\nbad line,no_access,\n192.0.2.1,frobnicate,\n');
    const importPlan = await run("import", csv);
    assert.match(importPlan.out, /block 203\.0\.113\.0\/24 no_access \(scrapers, many\)/);
    assert.match(importPlan.out, /block 2001:db8::\/32 sign_up_requires_approval/);
    assert.match(importPlan.out, /skipped line 5 \(not an IP address/);
    assert.match(importPlan.out, /skipped line 6 \(unknown severity/);
    assert.equal((await listIpBlocks(app.ctx)).length, 1, "a plan only");
    await run("import", csv, "--yes");
    assert.equal((await ipBlockFor(app.ctx, "203.0.113.50"))?.severity, "no_access");
    assert.equal((await ipBlockFor(app.ctx, "2001:db8:1::1"))?.severity, "sign_up_requires_approval");
    assert.match((await run("import", csv)).out, /\(nothing to change\)/, "importing again changes nothing");

    const plain = path.join(dir, "list.txt");
    fs.writeFileSync(plain, "# shared list\n192.0.2.0/28 # a comment after the range\n192.0.2.64\n");
    await run("import", plain, "--severity", "sign_up_block", "--yes");
    assert.equal((await ipBlockFor(app.ctx, "192.0.2.3"))?.severity, "sign_up_block");
    assert.equal((await ipBlockFor(app.ctx, "192.0.2.64"))?.severity, "sign_up_block");

    const exported = (await run("export")).out;
    assert.match(exported, /^ip,severity,comment,expires_at\n/);
    assert.match(exported, /203\.0\.113\.0\/24,no_access,"scrapers, many",/);
    // Round trip: the export imported into a fresh instance gives the same rules.
    const copy = path.join(dir, "export.csv");
    fs.writeFileSync(copy, exported);
    const other = await createTestApp();
    try {
      await runCommand(other.ctx, ["ip", "import", copy, "--yes"], "");
      const strip = (rows: Awaited<ReturnType<typeof listIpBlocks>>) => rows.map((r) => [r.range, r.severity, r.comment, r.expiresAt?.toISOString() ?? null]).sort();
      assert.deepEqual(strip(await listIpBlocks(other.ctx)), strip(await listIpBlocks(app.ctx)));
    } finally {
      await other.close();
    }

    const lift = await run("unblock", "203.0.113.7/24");
    assert.match(lift.out, /lift 203\.0\.113\.0\/24 no_access/);
    assert.ok(await ipBlockFor(app.ctx, "203.0.113.50"), "still there without --yes");
    await run("unblock", "203.0.113.0/24", "--yes");
    assert.equal(await ipBlockFor(app.ctx, "203.0.113.50"), null);
  } finally {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
