// Circles between two real Caracol servers on loopback: A (127.0.0.2) publishes a circle with
// members and a shared rule; B (127.0.0.3) subscribes through the CLI, mirrors the members and
// applies the rule; A's changes reach B on the next sync. Plus an Akkoma bubble from NodeInfo.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startTestServer, createTestApp } from "../helpers/app.ts";
import { startListServer } from "./list-server.ts";
import { runCommand } from "../../src/cli/commands.ts";
import { makeStatus } from "../helpers/fixtures.ts";
import { createLocalAccount } from "../../src/domain/accounts/create.ts";
import { serverStanding } from "../../src/domain/federation-policy/standing.ts";
import { addMember, circleDetail, CircleError, createCircle, deleteCircle, listCircles, setRule, updateCircle } from "../../src/domain/federation-policy/circles.ts";
import { listSubscriptions } from "../../src/domain/federation-policy/subscriptions.ts";
import { syncSubscription } from "../../src/federation/policy-lists/sync-subscription.ts";
import { setSetting } from "../../src/domain/instance/settings.ts";

const env = { CARACOL_ALLOW_PRIVATE_ADDRESS: "true" };

test("A publishes a circle; B subscribes, mirrors its members and applies its rule; changes follow", async () => {
  const a = await startTestServer(env, "127.0.0.2");
  const b = await startTestServer(env, "127.0.0.3");
  try {
    const circle = await createCircle(a.app.ctx, { name: "Garden neighbours", description: "we act together" });
    await addMember(a.app.ctx, circle.id, "snail.example");
    await addMember(a.app.ctx, circle.id, "shell.example");
    await setRule(a.app.ctx, circle.id, { domain: "harasser.example", severity: "suspend", rejectReports: true, comment: "coordinated harassment" });
    const url = `${a.url}/circles/${circle.id}`;

    // Not published: a 404, the same as a circle that does not exist.
    assert.equal((await fetch(url)).status, 404);
    assert.equal((await fetch(`${a.url}/circles/123`)).status, 404);
    const refused = await runCommand(b.app.ctx, ["circle", "subscribe", url, "--yes"], "");
    assert.equal(refused.code, 1);
    assert.match(refused.err, /answered 404/);

    await updateCircle(a.app.ctx, circle.id, { published: true });
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    const doc = await res.json();
    assert.deepEqual(
      { ...doc, updated: typeof doc.updated },
      {
        type: "CaracolCircle",
        id: url,
        name: "Garden neighbours",
        description: "we act together",
        members: ["shell.example", "snail.example"],
        rules: [{ domain: "harasser.example", severity: "suspend", reject_media: false, reject_reports: true, comment: "coordinated harassment" }],
        updated: "string",
      },
    );

    // The circle's maintainer is bound by its shared rules too.
    assert.equal(await serverStanding(a.app.ctx, "harasser.example"), "blocked");

    // B: the plan first, nothing changed without --yes.
    const plan = await runCommand(b.app.ctx, ["circle", "subscribe", url], "");
    assert.equal(plan.code, 0, plan.err);
    assert.match(plan.out, /mirror the circle "Garden neighbours"/);
    assert.match(plan.out, /add harasser\.example: suspend/);
    assert.match(plan.out, /Nothing changed yet/);
    assert.deepEqual(await listCircles(b.app.ctx), []);
    assert.equal(await serverStanding(b.app.ctx, "harasser.example"), "allowed");

    // A circle of B's own already has the name: the mirror gets another.
    await createCircle(b.app.ctx, { name: "Garden neighbours" });
    const done = await runCommand(b.app.ctx, ["circle", "subscribe", url, "--yes"], "");
    assert.equal(done.code, 0, done.err);
    assert.match(done.out, /Newly suspended.*harasser\.example/);
    assert.equal(await serverStanding(b.app.ctx, "harasser.example"), "blocked");
    assert.equal(await serverStanding(b.app.ctx, "www.harasser.example"), "blocked");
    const mirror = (await listCircles(b.app.ctx)).find((c) => c.sourceUrl === url)!;
    assert.equal(mirror.name, "Garden neighbours (2)");
    const detail = await circleDetail(b.app.ctx, mirror.id);
    assert.deepEqual(detail.members, ["shell.example", "snail.example"]);
    assert.ok(detail.subscriptionId);

    // Members of a circle count as allowed in allow-list mode (standing.ts).
    await setSetting(b.app.ctx, "federationMode", "allowlist");
    const { forgetStandings } = await import("../../src/domain/federation-policy/standing.ts");
    forgetStandings(b.app.ctx);
    assert.equal(await serverStanding(b.app.ctx, "snail.example"), "allowed");
    assert.equal(await serverStanding(b.app.ctx, "stranger.example"), "blocked");
    await setSetting(b.app.ctx, "federationMode", "blocklist");

    // The mirror changes only with its source.
    await assert.rejects(addMember(b.app.ctx, mirror.id, "other.example"), (e: unknown) => e instanceof CircleError && e.code === "mirror");
    const edit = await runCommand(b.app.ctx, ["circle", "add-rule", mirror.id, "x.example", "--severity", "silence"], "");
    assert.equal(edit.code, 1);
    assert.match(edit.err, /mirrors .* changes only when its source does/);

    // A drops the rule and a member, adds another: B follows on the next sync.
    await runCommand(a.app.ctx, ["circle", "remove-rule", circle.id, "harasser.example"], "");
    await runCommand(a.app.ctx, ["circle", "remove-member", circle.id, "shell.example"], "");
    await runCommand(a.app.ctx, ["circle", "add-member", circle.id, "moss.example"], "");
    const sync = await syncSubscription(b.app.ctx, detail.subscriptionId!, { apply: true });
    assert.equal(sync.outcome, "applied", sync.error ?? "");
    assert.deepEqual(sync.plan!.members, { add: ["moss.example"], remove: ["shell.example"] });
    assert.equal(await serverStanding(b.app.ctx, "harasser.example"), "allowed");
    assert.deepEqual((await circleDetail(b.app.ctx, mirror.id)).members, ["moss.example", "snail.example"]);

    // Unpublished again: B's next sync fails and keeps what it had.
    await runCommand(a.app.ctx, ["circle", "publish", circle.id, "off"], "");
    assert.equal((await fetch(url)).status, 404);
    const failed = await syncSubscription(b.app.ctx, detail.subscriptionId!, { apply: true });
    assert.equal(failed.outcome, "failed");
    assert.deepEqual((await circleDetail(b.app.ctx, mirror.id)).members, ["moss.example", "snail.example"]);

    // Removing the mirror (plan first) removes its subscription too.
    const rm = await runCommand(b.app.ctx, ["circle", "remove", mirror.id], "");
    assert.match(rm.out, /remove subscription/);
    assert.equal((await listSubscriptions(b.app.ctx)).length, 1);
    assert.equal((await runCommand(b.app.ctx, ["circle", "remove", mirror.id, "--yes"], "")).code, 0);
    assert.deepEqual(await listSubscriptions(b.app.ctx), []);
  } finally {
    await b.close();
    await a.close();
  }
});

test("an Akkoma server's bubble (NodeInfo localBubbleInstances) is mirrored as a circle's members", async () => {
  const app = await createTestApp(env);
  const lists = await startListServer("127.0.0.6");
  try {
    const nodeinfo = { version: "2.1", software: { name: "akkoma", version: "3.13.2" }, metadata: { nodeName: "Cafe", localBubbleInstances: ["tea.example", "biscuit.example"] } };
    lists.set("/nodeinfo/2.1.json", JSON.stringify(nodeinfo), "application/json");
    const r = await runCommand(app.ctx, ["subscription", "add", "cafe", lists.url("/nodeinfo/2.1.json"), "--format", "caracol-circle", "--yes"], "");
    assert.equal(r.code, 0, r.err);
    const [c] = await listCircles(app.ctx);
    assert.equal(c?.name, "Cafe bubble");
    assert.deepEqual((await circleDetail(app.ctx, c!.id)).members, ["biscuit.example", "tea.example"]);
    assert.equal((await listSubscriptions(app.ctx))[0]?.name, "cafe");
    lists.set("/nodeinfo/2.1.json", JSON.stringify({ ...nodeinfo, metadata: { localBubbleInstances: ["tea.example"] } }), "application/json");
    await runCommand(app.ctx, ["subscription", "sync", "--all", "--yes"], "");
    assert.deepEqual((await circleDetail(app.ctx, c!.id)).members, ["tea.example"]);
  } finally {
    await lists.close();
    await app.close();
  }
});

test("local circles: names are unique, bad members refused, a circle in use by posts is kept", async () => {
  const app = await createTestApp();
  try {
    const ctx = app.ctx;
    const c = await createCircle(ctx, { name: "Friends" });
    await assert.rejects(createCircle(ctx, { name: "Friends" }), /already a circle named/);
    await assert.rejects(addMember(ctx, c.id, "https://x.example/"), /URL or a handle/);
    await assert.rejects(setRule(ctx, c.id, { domain: "x.example", severity: "obliterate" }), /severity must be one of/);
    const { accountId } = await createLocalAccount(ctx, { username: "ana", password: "correct horse battery", approved: true, role: "user" });
    await makeStatus(app, accountId, { audience: "circle", circleId: c.id });
    await assert.rejects(deleteCircle(ctx, c.id), /addressed to circle "Friends"/);
    const out = await runCommand(ctx, ["circle", "show", c.id], "");
    assert.match(out.out, /not published/);
    assert.equal((await runCommand(ctx, ["circle", "publish", c.id, "maybe"], "")).code, 2);
  } finally {
    await app.close();
  }
});
