// `settings`: run-time instance settings from the command line, planned before --yes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createTestApp } from "./helpers/app.ts";
import { runCommand } from "../src/cli/commands.ts";
import { getSetting } from "../src/domain/instance/settings.ts";

test("settings: list, plan without --yes, change with it, refuse bad values and keys with their own command", async () => {
  const app = await createTestApp();
  try {
    const listed = await runCommand(app.ctx, ["settings", "list"], "");
    assert.equal(listed.code, 0, listed.err);
    assert.match(listed.out, /^loggedOutAccess = "all"$/m);
    assert.match(listed.out, /^feedsEnabled = false$/m);

    const plan = await runCommand(app.ctx, ["settings", "set", "loggedOutAccess", "none"], "");
    assert.equal(plan.code, 0, plan.err);
    assert.match(plan.out, /change loggedOutAccess from "all" to "none"/);
    assert.match(plan.out, /Nothing changed yet/);
    assert.equal(await getSetting(app.ctx, "loggedOutAccess"), "all");

    const done = await runCommand(app.ctx, ["settings", "set", "loggedOutAccess", "none", "--yes"], "");
    assert.equal(done.code, 0, done.err);
    assert.equal(await getSetting(app.ctx, "loggedOutAccess"), "none");
    assert.equal((await runCommand(app.ctx, ["settings", "get", "loggedOutAccess"], "")).out.trim(), '"none"');
    // the anonymous API answers accordingly
    assert.equal((await app.request("/api/v1/timelines/public")).status, 401);

    await runCommand(app.ctx, ["settings", "set", "feedsEnabled", "true", "--yes"], "");
    assert.equal(await getSetting(app.ctx, "feedsEnabled"), true);
    assert.match((await runCommand(app.ctx, ["settings", "list"], "")).out, /^feedsEnabled = true {2}\(default false\)$/m);

    const bad = await runCommand(app.ctx, ["settings", "set", "loggedOutAccess", "sometimes", "--yes"], "");
    assert.equal(bad.code, 1);
    assert.match(bad.err, /loggedOutAccess/);
    assert.equal(await getSetting(app.ctx, "loggedOutAccess"), "none");

    const own = await runCommand(app.ctx, ["settings", "set", "federationMode", "allowlist", "--yes"], "");
    assert.equal(own.code, 1);
    assert.match(own.err, /federation mode/);
    assert.equal(await getSetting(app.ctx, "federationMode"), "blocklist");

    assert.equal((await runCommand(app.ctx, ["settings", "set", "noSuchThing", "1"], "")).code, 2);
  } finally {
    await app.close();
  }
});
