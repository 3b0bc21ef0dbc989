// `data delete-account NAME`: lists what will go and who will be told, deletes only with --yes,
// and with no server running queues the Delete in the database for the server's worker.
import { test } from "node:test";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import { eq, sql } from "drizzle-orm";
import { createTestApp } from "../helpers/app.ts";
import { follow, makeStatus, remoteAccount } from "../helpers/fixtures.ts";
import { accounts, fedifyQueue, mediaAttachments, statuses } from "../../src/db/schema/index.ts";
import { mediaFilePath, newStorageKey, writeMediaFiles } from "../../src/domain/media/storage.ts";
import { newId } from "../../src/lib/id.ts";
import { runCommand } from "../../src/cli/commands.ts";
import { createCtx } from "../../src/domain/context.ts";

test("data delete-account plans first, then deletes and queues the Delete durably", async () => {
  const mediaDir = fs.mkdtempSync(path.join(os.tmpdir(), "caracol-delete-"));
  const app = await createTestApp({ CARACOL_MEDIA_DIR: mediaDir });
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    for (const n of ["ann", "amy"]) await follow(app, await remoteAccount(app, n, "one.example"), alice.id);
    await follow(app, alice.id, await remoteAccount(app, "tom", "two.example"));
    const first = await makeStatus(app, alice.id, { text: "one" });
    const files: Record<string, string> = {};
    for (const [who, accountId, statusId] of [["alice", alice.id, first.id], ["bob", bob.id, null]] as const) {
      const key = newStorageKey();
      await writeMediaFiles(app.config, key, { "original.png": Buffer.from("png") });
      await app.ctx.db.insert(mediaAttachments).values({ id: newId(), accountId, statusId, type: "image", storageKey: key, url: `/media/${key}/original.png` });
      files[who] = mediaFilePath(app.config, key, "original.png");
    }
    await makeStatus(app, alice.id, { text: "two" });
    await makeStatus(app, bob.id, { text: "bob's" });
    // as the CLI runs with the server stopped: a bare context, nobody listening for events
    const ctx = createCtx(app.ctx.db, app.config);

    const plan = await runCommand(ctx, ["data", "delete-account", "alice"], "");
    assert.equal(plan.code, 0, plan.err);
    assert.match(plan.out, /2 posts, 1 media files/);
    assert.match(plan.out, /1 follows, 2 followers/);
    assert.match(plan.out, /on 2 servers \(one\.example, two\.example\)/);
    assert.match(plan.out, /Nothing changed yet/);
    assert.equal((await app.ctx.db.select().from(accounts).where(eq(accounts.id, alice.id))).length, 1);

    const done = await runCommand(ctx, ["data", "delete-account", "alice", "--yes"], "");
    assert.equal(done.code, 0, done.err);
    assert.match(done.out, /Applied/);
    assert.equal((await app.ctx.db.select().from(accounts).where(eq(accounts.id, alice.id))).length, 0);
    assert.equal((await app.ctx.db.select().from(statuses).where(eq(statuses.accountId, bob.id))).length, 1);
    assert.ok(!fs.existsSync(files.alice), "her media files are gone from disk");
    assert.ok(fs.existsSync(files.bob), "bob's stay");
    const queued = await app.ctx.db.select().from(fedifyQueue).where(sql`${fedifyQueue.queue} = 'events' and ${fedifyQueue.message}::text like '%account.deleted%'`);
    assert.equal(queued.length, 1, "the Delete waits in the events queue for the server's worker");

    assert.equal((await runCommand(ctx, ["data", "delete-account", "alice"], "")).code, 1, "no such account any more");
    const purge = await runCommand(ctx, ["data", "purge-addresses"], "");
    assert.equal(purge.code, 0, purge.err);
    assert.match(purge.out, /^Forgot the address of \d+ sign-ins/);
  } finally {
    await app.close();
    fs.rmSync(mediaDir, { recursive: true, force: true });
  }
});
