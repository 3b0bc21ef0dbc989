// Blocklist subscriptions end to end: lists served over real HTTP on loopback (127.0.0.5),
// synced into a real database, weighed by standing.ts; broken lists change nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { startListServer, type ListServer } from "./list-server.ts";
import { serverStanding } from "../../src/domain/federation-policy/standing.ts";
import { sha256Hex } from "../../src/domain/federation-policy/digest.ts";
import { createSubscription, approveDrafts, dismissDraft, subscriptionEntries, getSubscription, updateSubscription, SubscriptionError } from "../../src/domain/federation-policy/subscriptions.ts";
import { syncDueSubscriptions, syncSubscription } from "../../src/federation/policy-lists/sync-subscription.ts";

const HEADER = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n";
const csv = (...rows: string[]) => HEADER + rows.map((r) => r + "\n").join("");

async function withList(fn: (app: TestApp, lists: ListServer) => Promise<void>) {
  const app = await createTestApp({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true" });
  const lists = await startListServer();
  try {
    await fn(app, lists);
  } finally {
    await lists.close();
    await app.close();
  }
}

test("a synced suspend entry blocks the domain and its subdomains; removed upstream, it is retracted", async () => {
  await withList(async (app, lists) => {
    const ctx = app.ctx;
    lists.set("/tier0.csv", csv("bad.example,suspend,false,false,harassment,false", "noisy.example,silence,true,false,,false"));
    const sub = await createSubscription(ctx, { name: "tier0", source: lists.url("/tier0.csv") });
    assert.equal(await serverStanding(ctx, "bad.example"), "allowed");
    const first = await syncSubscription(ctx, sub.id, { apply: true });
    assert.equal(first.outcome, "applied", first.error ?? "");
    assert.deepEqual(first.plan!.newlySuspended, ["bad.example"]);
    assert.equal(await serverStanding(ctx, "bad.example"), "blocked");
    assert.equal(await serverStanding(ctx, "social.bad.example"), "blocked");
    assert.equal(await serverStanding(ctx, "noisy.example"), "limited");
    assert.equal(await serverStanding(ctx, "notbad.example"), "allowed");
    assert.equal(first.subscription.lastStatus, "ok");

    // Unchanged upstream: the stored ETag makes it a 304, nothing rewritten.
    const again = await syncSubscription(ctx, sub.id, { apply: true });
    assert.equal(again.outcome, "not-modified");
    assert.equal(lists.notModified, 1);

    lists.set("/tier0.csv", csv("noisy.example,silence,true,false,,false"));
    const planned = await syncSubscription(ctx, sub.id, { apply: false });
    assert.deepEqual(planned.plan!.retract.map((r) => r.domain), ["bad.example"]);
    assert.equal(await serverStanding(ctx, "bad.example"), "blocked", "a plan changes nothing");
    const third = await syncSubscription(ctx, sub.id, { apply: true });
    assert.equal(third.plan!.retract.length, 1);
    assert.equal(await serverStanding(ctx, "bad.example"), "allowed");
    assert.equal(await serverStanding(ctx, "noisy.example"), "limited");
    assert.deepEqual((await subscriptionEntries(ctx, sub.id)).map((e) => e.domain), ["noisy.example"]);
  });
});

test("an excluded domain stays untouched and is named in the report", async () => {
  await withList(async (app, lists) => {
    const ctx = app.ctx;
    lists.set("/l.csv", csv("friend.example,suspend,false,false,,false", "bad.example,suspend,false,false,,false"));
    const sub = await createSubscription(ctx, { name: "l", source: lists.url("/l.csv"), excludedDomains: ["Friend.Example"] });
    const r = await syncSubscription(ctx, sub.id, { apply: true });
    assert.deepEqual(r.plan!.excluded, ["friend.example"]);
    assert.deepEqual(r.plan!.newlySuspended, ["bad.example"]);
    assert.equal(await serverStanding(ctx, "friend.example"), "allowed");
    assert.equal(await serverStanding(ctx, "www.friend.example"), "allowed");
    assert.equal(await serverStanding(ctx, "bad.example"), "blocked");
    assert.deepEqual((r.subscription.lastReport as { excluded: string[] }).excluded, ["friend.example"]);
  });
});

test("review mode: new entries wait as drafts until approved; dismissed drafts stay dismissed", async () => {
  await withList(async (app, lists) => {
    const ctx = app.ctx;
    lists.set("/r.csv", csv("one.example,suspend,false,false,,false", "two.example,suspend,false,false,,false"));
    const sub = await createSubscription(ctx, { name: "r", source: lists.url("/r.csv"), reviewNewEntries: true });
    const r = await syncSubscription(ctx, sub.id, { apply: true });
    assert.deepEqual(r.plan!.newlySuspended, []);
    assert.deepEqual((await subscriptionEntries(ctx, sub.id, "draft")).map((e) => e.domain), ["one.example", "two.example"]);
    assert.equal(await serverStanding(ctx, "one.example"), "allowed");
    const approved = await approveDrafts(ctx, sub.id, "one.example");
    assert.deepEqual(approved.newlySuspended, ["one.example"]);
    assert.equal(await serverStanding(ctx, "one.example"), "blocked");
    await dismissDraft(ctx, sub.id, "two.example");
    await assert.rejects(dismissDraft(ctx, sub.id, "two.example"), SubscriptionError);
    lists.set("/r.csv", csv("one.example,suspend,false,false,,false", "two.example,suspend,false,false,changed,false", "three.example,silence,false,false,,false"));
    await syncSubscription(ctx, sub.id, { apply: true });
    const rows = await subscriptionEntries(ctx, sub.id);
    assert.deepEqual(rows.map((e) => [e.domain, e.state]), [["one.example", "active"], ["three.example", "draft"], ["two.example", "dismissed"]]);
    assert.equal(await serverStanding(ctx, "two.example"), "allowed");
    assert.equal(await serverStanding(ctx, "three.example"), "allowed");
  });
});

test("caps lower a list's entries; between two lists the better (lower) priority wins", async () => {
  await withList(async (app, lists) => {
    const ctx = app.ctx;
    lists.set("/strict.csv", csv("x.example,suspend,false,false,,false", "y.example,suspend,false,false,,false"));
    lists.set("/mild.csv", csv("x.example,silence,false,false,,false"));
    const strict = await createSubscription(ctx, { name: "strict", source: lists.url("/strict.csv"), priority: 100 });
    const mild = await createSubscription(ctx, { name: "mild", source: lists.url("/mild.csv"), priority: 10 });
    await syncSubscription(ctx, mild.id, { apply: true });
    const strictSync = await syncSubscription(ctx, strict.id, { apply: true });
    assert.deepEqual(strictSync.plan!.newlySuspended, ["y.example"], "x.example stays silenced by the better list");
    assert.equal(await serverStanding(ctx, "x.example"), "limited", "the mild list has the better priority");
    assert.equal(await serverStanding(ctx, "y.example"), "blocked");
    await updateSubscription(ctx, mild.id, { priority: 1000 });
    assert.equal(await serverStanding(ctx, "x.example"), "blocked");
    await updateSubscription(ctx, strict.id, { severityCap: "silence" });
    assert.equal(await serverStanding(ctx, "y.example"), "limited", "capped at silence");
  });
});

test("a Mastodon server's /api/v1/instance/domain_blocks: obfuscated entries match by digest", async () => {
  await withList(async (app, lists) => {
    const ctx = app.ctx;
    lists.set(
      "/api/v1/instance/domain_blocks",
      JSON.stringify([
        { domain: "open.example", digest: sha256Hex("open.example"), severity: "silence", comment: "spam" },
        { domain: "hid***.example", digest: sha256Hex("hidden.example"), severity: "suspend", comment: null },
      ]),
      "application/json",
    );
    const sub = await createSubscription(ctx, { name: "peer", source: lists.url("/api/v1/instance/domain_blocks") });
    const r = await syncSubscription(ctx, sub.id, { apply: true });
    assert.equal(r.report!.format, "mastodon-api");
    assert.equal(await serverStanding(ctx, "hidden.example"), "blocked");
    assert.equal(await serverStanding(ctx, "media.hidden.example"), "blocked");
    assert.equal(await serverStanding(ctx, "open.example"), "limited");
    assert.deepEqual(r.plan!.newlySuspended, [], "an obfuscated entry has no name to report");
  });
});

test("canary, 20,001 rows, non-UTF-8, wrong header, 404: a clear report and nothing changed", async () => {
  await withList(async (app, lists) => {
    const ctx = app.ctx;
    lists.set("/l.csv", csv("bad.example,suspend,false,false,,false"));
    const sub = await createSubscription(ctx, { name: "l", source: lists.url("/l.csv") });
    await syncSubscription(ctx, sub.id, { apply: true });
    const broken: [string | Uint8Array, RegExp][] = [
      [csv("bad.example,suspend,false,false,,false", "000delete.this.line.if.you.have.read.the.documentation.on.seirdy.one,suspend,False,False,,False"), /line 3 is a canary/],
      [csv(...Array.from({ length: 20_001 }, (_, i) => `h${i}.example,suspend,false,false,,false`)), /20001 rows/],
      [new Uint8Array([...Buffer.from(HEADER + "b"), 0xfc, ...Buffer.from("cher.example,suspend,false,false,,false\n")]), /not valid UTF-8/],
      ["other.example,suspend,false\n", /should be a header/],
    ];
    for (const [body, why] of broken) {
      lists.set("/l.csv", body);
      const r = await syncSubscription(ctx, sub.id, { apply: true });
      assert.equal(r.outcome, "failed");
      assert.match(r.error ?? "", why);
      assert.match(r.subscription.lastStatus ?? "", why);
      assert.match(String((r.subscription.lastReport as { error: string }).error), why);
      assert.deepEqual((await subscriptionEntries(ctx, sub.id)).map((e) => e.domain), ["bad.example"]);
      assert.equal(await serverStanding(ctx, "bad.example"), "blocked");
      assert.equal(await serverStanding(ctx, "h1.example"), "allowed");
    }
    lists.remove("/l.csv");
    const gone = await syncSubscription(ctx, sub.id, { apply: true });
    assert.match(gone.error ?? "", /answered 404/);
    assert.equal(await serverStanding(ctx, "bad.example"), "blocked", "a list that cannot be fetched retracts nothing");
  });
});

test("sources: https or absolute files only; a file is re-read when it changes", async () => {
  const app = await createTestApp();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "caracol-lists-"));
  try {
    const ctx = app.ctx;
    await assert.rejects(createSubscription(ctx, { name: "x", source: "http://lists.example/l.csv" }), /https URL/);
    await assert.rejects(createSubscription(ctx, { name: "x", source: "relative/list.csv" }), /https URL or an absolute file path/);
    await assert.rejects(createSubscription(ctx, { name: "x", source: "https://lists.example/l.csv", excludedDomains: ["not a domain"] }), /excluded domain/);
    const file = path.join(dir, "nuke.txt");
    fs.writeFileSync(file, "# FediNuke-style\nnuked.example\n");
    const sub = await createSubscription(ctx, { name: "file", source: file });
    await assert.rejects(createSubscription(ctx, { name: "again", source: file }), /already subscribed/);
    assert.equal((await syncSubscription(ctx, sub.id, { apply: true })).outcome, "applied");
    assert.equal(await serverStanding(ctx, "nuked.example"), "blocked");
    assert.equal((await syncSubscription(ctx, sub.id, { apply: true })).outcome, "not-modified");
    fs.writeFileSync(file, "# FediNuke-style, emptied\n");
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    assert.equal((await syncSubscription(ctx, sub.id, { apply: true })).outcome, "applied");
    assert.equal(await serverStanding(ctx, "nuked.example"), "allowed");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await app.close();
  }
});

test("the blocklist-subscriptions job syncs enabled subscriptions whose refresh time has come", async () => {
  await withList(async (app, lists) => {
    const ctx = app.ctx;
    lists.set("/a.csv", csv("a.example,suspend,false,false,,false"));
    lists.set("/b.csv", csv("b.example,suspend,false,false,,false"));
    const a = await createSubscription(ctx, { name: "a", source: lists.url("/a.csv"), refreshHours: 6 });
    const b = await createSubscription(ctx, { name: "b", source: lists.url("/b.csv"), enabled: false });
    const first = await syncDueSubscriptions(ctx);
    assert.deepEqual(first.map((r) => r.subscription.id), [a.id]);
    assert.equal(await serverStanding(ctx, "a.example"), "blocked");
    assert.equal(await serverStanding(ctx, "b.example"), "allowed");
    assert.deepEqual(await syncDueSubscriptions(ctx), [], "not due again yet");
    const later = new Date(Date.now() + 6 * 3600_000 + 1000);
    assert.deepEqual((await syncDueSubscriptions(ctx, later)).map((r) => r.subscription.id), [a.id]);
    assert.equal((await getSubscription(ctx, b.id)).lastFetchedAt, null);
  });
});
