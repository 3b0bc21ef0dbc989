// The `subscription` and `blocklist` commands: plans change nothing, --yes applies; hand
// import and export of Mastodon's CSV round-trip.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTestApp } from "../helpers/app.ts";
import { startListServer } from "./list-server.ts";
import { runCommand } from "../../src/cli/commands.ts";
import { serverStanding } from "../../src/domain/federation-policy/standing.ts";
import { listSubscriptions, subscriptionEntries } from "../../src/domain/federation-policy/subscriptions.ts";
import { listRules, saveRule } from "../../src/domain/federation-policy/domain-rules.ts";

const HEADER = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n";

test("subscription add/sync/remove: the plan first, nothing changed without --yes", async () => {
  const app = await createTestApp({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true" });
  const lists = await startListServer("127.0.0.7");
  const cli = (...argv: string[]) => runCommand(app.ctx, argv, "");
  try {
    lists.set("/l.csv", HEADER + "bad.example,suspend,false,false,,false\nmeh.example,silence,false,false,,false\n");
    const plan = await cli("subscription", "add", "tier0", lists.url("/l.csv"), "--priority", "5", "--exclude", "meh.example");
    assert.equal(plan.code, 0, plan.err);
    assert.match(plan.out, /subscribe to "tier0".*2 entries \(mastodon-csv\)/);
    assert.match(plan.out, /add bad\.example: suspend/);
    assert.match(plan.out, /keep out \(excluded here\): meh\.example/);
    assert.match(plan.out, /newly suspend 1 domain\(s\): bad\.example/);
    assert.match(plan.out, /Nothing changed yet/);
    assert.deepEqual(await listSubscriptions(app.ctx), []);

    const added = await cli("subscription", "add", "tier0", lists.url("/l.csv"), "--priority", "5", "--exclude", "meh.example", "--yes");
    assert.equal(added.code, 0, added.err);
    assert.match(added.out, /Newly suspended.*bad\.example/);
    const [sub] = await listSubscriptions(app.ctx);
    assert.equal(sub!.priority, 5);
    assert.equal(await serverStanding(app.ctx, "bad.example"), "blocked");
    assert.equal(await serverStanding(app.ctx, "meh.example"), "allowed");
    assert.match((await cli("subscription", "list")).out, /tier0\t5\tsuspend\tdirect\tyes/);
    assert.match((await cli("subscription", "show", sub!.id)).out, /active entries: 2/);

    lists.set("/l.csv", HEADER + "meh.example,silence,false,false,,false\nnew.example,suspend,false,false,,false\n");
    const syncPlan = await cli("subscription", "sync", sub!.id);
    assert.match(syncPlan.out, /add new\.example: suspend/);
    assert.match(syncPlan.out, /retract bad\.example \(suspend\): gone from the list/);
    assert.match(syncPlan.out, /Nothing changed yet/);
    assert.equal(await serverStanding(app.ctx, "bad.example"), "blocked");
    assert.equal(await serverStanding(app.ctx, "new.example"), "allowed");
    const synced = await cli("subscription", "sync", sub!.id, "--yes");
    assert.match(synced.out, /applied/);
    assert.equal(await serverStanding(app.ctx, "bad.example"), "allowed");
    assert.equal(await serverStanding(app.ctx, "new.example"), "blocked");

    // A canary refuses the list at add time: a clear message, nothing stored.
    lists.set("/canary.csv", HEADER + "canary.tier0.example.com,suspend,false,false,,false\n");
    const canary = await cli("subscription", "add", "c", lists.url("/canary.csv"), "--yes");
    assert.equal(canary.code, 1);
    assert.match(canary.err, /line 2 is a canary/);
    assert.equal((await listSubscriptions(app.ctx)).length, 1);

    assert.equal((await cli("subscription", "add", "x", lists.url("/l.csv"), "--cap", "obliterate")).code, 2);
    assert.match((await cli("subscription", "show", "999")).err, /no subscription 999/);

    const rm = await cli("subscription", "remove", sub!.id);
    assert.match(rm.out, /no longer suspend through this list: new\.example/);
    assert.equal((await listSubscriptions(app.ctx)).length, 1);
    await cli("subscription", "remove", sub!.id, "--yes");
    assert.deepEqual(await listSubscriptions(app.ctx), []);
    assert.equal(await serverStanding(app.ctx, "new.example"), "allowed");
  } finally {
    await lists.close();
    await app.close();
  }
});

test("subscription drafts / approve (plan, then --yes) / dismiss", async () => {
  const app = await createTestApp({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true" });
  const lists = await startListServer("127.0.0.7");
  const cli = (...argv: string[]) => runCommand(app.ctx, argv, "");
  try {
    lists.set("/r.txt", "one.example\ntwo.example\n", "text/plain");
    assert.equal((await cli("subscription", "add", "r", lists.url("/r.txt"), "--review", "--yes")).code, 0);
    const [sub] = await listSubscriptions(app.ctx);
    assert.match((await cli("subscription", "drafts", sub!.id)).out, /one\.example\tsuspend/);
    const plan = await cli("subscription", "approve", sub!.id, "one.example");
    assert.match(plan.out, /put in force: one\.example suspend/);
    assert.equal(await serverStanding(app.ctx, "one.example"), "allowed");
    const yes = await cli("subscription", "approve", sub!.id, "one.example", "--yes");
    assert.match(yes.out, /Newly suspended.*one\.example/);
    assert.equal(await serverStanding(app.ctx, "one.example"), "blocked");
    assert.match((await cli("subscription", "dismiss", sub!.id, "two.example")).out, /Dismissed two\.example/);
    assert.equal((await cli("subscription", "approve", sub!.id, "two.example", "--yes")).code, 1);
    assert.deepEqual((await subscriptionEntries(app.ctx, sub!.id)).map((e) => e.state), ["active", "dismissed"]);
  } finally {
    await lists.close();
    await app.close();
  }
});

test("blocklist import lists new rules and changes to existing ones, applies with --yes; export round-trips", async () => {
  const app = await createTestApp();
  const other = await createTestApp();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "caracol-import-"));
  try {
    await saveRule(app.ctx, { domain: "known.example", severity: "silence", publicComment: "noisy" });
    const file = path.join(dir, "blocks.csv");
    fs.writeFileSync(
      file,
      HEADER +
        'known.example,suspend,false,false,"worse, now",false\n' +
        "fresh.example,silence,true,false,,true\n" +
        "caracol.test,suspend,false,false,,false\n",
    );
    const plan = await runCommand(app.ctx, ["blocklist", "import", file], "");
    assert.equal(plan.code, 0, plan.err);
    assert.match(plan.out, /add a rule for fresh\.example/);
    assert.match(plan.out, /EXISTING RULE CHANGES: change the rule for known\.example from silence to suspend/);
    assert.match(plan.out, /skipped caracol\.test/);
    assert.match(plan.out, /Nothing changed yet/);
    // (a fresh install has default rules of its own; only ours are looked at)
    const ours = async () => (await listRules(app.ctx)).filter((r) => r.domain.endsWith(".example"));
    assert.deepEqual((await ours()).map((r) => [r.domain, r.severity]), [["known.example", "silence"]]);

    const done = await runCommand(app.ctx, ["blocklist", "import", file, "--yes"], "");
    assert.match(done.out, /Saved 2 rule\(s\)/);
    assert.deepEqual((await ours()).map((r) => [r.domain, r.severity, r.rejectMedia, r.obfuscate, r.publicComment]), [
      ["fresh.example", "silence", true, true, null],
      ["known.example", "suspend", false, false, "worse, now"],
    ]);
    assert.equal(await serverStanding(app.ctx, "known.example"), "blocked");

    const exported = await runCommand(app.ctx, ["blocklist", "export"], "");
    assert.ok(exported.out.startsWith(HEADER));
    assert.match(exported.out, /^fresh\.example,silence,true,false,,true\nknown\.example,suspend,false,false,"worse, now",false$/m);
    const copy = path.join(dir, "export.csv");
    fs.writeFileSync(copy, exported.out);
    assert.equal((await runCommand(other.ctx, ["blocklist", "import", copy, "--yes"], "")).code, 0);
    assert.equal((await runCommand(other.ctx, ["blocklist", "export"], "")).out, exported.out);

    fs.writeFileSync(file, "no header here,suspend\n");
    const bad = await runCommand(app.ctx, ["blocklist", "import", file, "--yes"], "");
    assert.equal(bad.code, 1);
    assert.match(bad.err, /should be a header/);
    assert.match((await runCommand(app.ctx, ["blocklist", "import", path.join(dir, "missing.csv")], "")).err, /ENOENT/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await other.close();
    await app.close();
  }
});
