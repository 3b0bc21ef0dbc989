// One's own data out: Mastodon's CSV files (same headers, rows that re-parse), the ActivityPub
// archive (a zip that inflates into valid JSON with the person's posts and nobody else's), and
// the sign-in history, each only for the account's owner with a read scope.
import { test } from "node:test";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import assert from "node:assert/strict";
import { createTestApp, TEST_CLIENT_ADDRESS } from "../helpers/app.ts";
import { Browser } from "../helpers/browser.ts";
import { block, bookmark, favourite, follow, makeStatus, mute, remoteAccount } from "../helpers/fixtures.ts";
import { follows, listAccounts, lists, mediaAttachments, statuses } from "../../src/db/schema/index.ts";
import { newStorageKey, writeMediaFiles } from "../../src/domain/media/storage.ts";
import { issueToken } from "../../src/domain/oauth/tokens.ts";
import { newId } from "../../src/lib/id.ts";
import { parseCsv } from "../../src/domain/privacy/export-csv.ts";
import { readZip } from "../../src/domain/privacy/zip.ts";

test("CSV exports are Mastodon's files, and re-parse into the person's own rows", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    const carol = await app.user("carol");
    const dave = await remoteAccount(app, "dave", "remote.example");
    await follow(app, alice.id, bob.id, { showReblogs: false });
    await app.ctx.db.insert(follows).values({ id: newId(), accountId: alice.id, targetAccountId: dave, notify: true, languages: ["en", "de"] });
    await follow(app, carol.id, bob.id); // someone else's follow: not in alice's file
    await block(app, alice.id, carol.id);
    await mute(app, alice.id, dave, { hideNotifications: false });
    const bobsPost = await makeStatus(app, bob.id, { audience: "public", text: "bob says" });
    await bookmark(app, alice.id, bobsPost.id);
    const listId = newId();
    await app.ctx.db.insert(lists).values({ id: listId, accountId: alice.id, title: "Friends, close" });
    await app.ctx.db.insert(listAccounts).values({ listId, accountId: bob.id });

    const csv = async (name: string, token = alice.token) => {
      const res = await app.request(`/api/v1/caracol/export/${name}.csv`, { token });
      assert.equal(res.status, 200, name);
      assert.match(res.headers.get("content-type") ?? "", /^text\/csv/);
      return parseCsv(await res.text());
    };
    const following = await csv("following_accounts");
    assert.deepEqual(following[0], ["Account address", "Show boosts", "Notify on new posts", "Languages"]);
    assert.deepEqual(following.slice(1).sort(), [
      ["bob@caracol.test", "false", "false", ""],
      ["dave@remote.example", "true", "true", "en, de"],
    ]);
    assert.deepEqual(await csv("blocked_accounts"), [["carol@caracol.test"]]);
    assert.deepEqual(await csv("muted_accounts"), [["Account address", "Hide notifications"], ["dave@remote.example", "false"]]);
    assert.deepEqual(await csv("bookmarks"), [[bobsPost.uri]]);
    assert.deepEqual(await csv("lists"), [["Friends, close", "bob@caracol.test"]]);
    assert.deepEqual(await csv("blocked_domains"), []);
    // bob's own files hold none of alice's choices
    assert.deepEqual(await csv("blocked_accounts", bob.token), []);
    assert.deepEqual((await csv("following_accounts", bob.token)).length, 1);

    assert.equal((await app.request("/api/v1/caracol/export/passwords.csv", { token: alice.token })).status, 404);
    const writeOnly = await issueToken(app.ctx, { appId: null, accountId: alice.id, scopes: ["write"] });
    assert.equal((await app.request("/api/v1/caracol/export/lists.csv", { token: writeOnly.accessToken })).status, 403);
    assert.equal((await app.request("/api/v1/caracol/export/lists.csv")).status, 401);
  } finally {
    await app.close();
  }
});

test("the archive holds one's own posts as Create activities, likes and bookmarks, and no one else's posts", async () => {
  const mediaDir = fs.mkdtempSync(path.join(os.tmpdir(), "caracol-archive-"));
  const app = await createTestApp({ CARACOL_MEDIA_DIR: mediaDir });
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    await follow(app, alice.id, bob.id);
    const mine: Record<string, string> = {};
    for (const audience of ["public", "followers", "local", "direct"] as const) {
      mine[audience] = (await makeStatus(app, alice.id, { audience, text: `alice-${audience}-word`, mentions: audience === "direct" ? [bob.id] : [] })).uri;
    }
    const bobsPrivate = await makeStatus(app, bob.id, { audience: "followers", text: "bob-followers-word" });
    // a local file on her public post, one on her direct post, one on bob's post
    const [pub] = await app.ctx.db.select().from(statuses).where(eq(statuses.uri, mine.public));
    const [dm] = await app.ctx.db.select().from(statuses).where(eq(statuses.uri, mine.direct));
    const media: Record<string, { key: string; bytes: Buffer }> = {};
    for (const [name, accountId, statusId] of [["public", alice.id, pub.id], ["direct", alice.id, dm.id], ["bob", bob.id, bobsPrivate.id]] as const) {
      const key = newStorageKey();
      const bytes = Buffer.from(`image bytes of ${name} ${key}`);
      await writeMediaFiles(app.config, key, { "original.png": bytes });
      await app.ctx.db.insert(mediaAttachments).values({ id: newId(), accountId, statusId, type: "image", contentType: "image/png", storageKey: key, url: `/media/${key}/original.png` });
      media[name] = { key, bytes };
    }
    await favourite(app, alice.id, bobsPrivate.id);
    await bookmark(app, alice.id, bobsPrivate.id);

    const archive = async (token: string) => {
      const res = await app.request("/api/v1/caracol/export/archive.zip", { token });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "application/zip");
      const files = readZip(Buffer.from(await res.arrayBuffer()));
      const json = [...files.keys()].filter((k) => k.endsWith(".json"));
      assert.deepEqual(json.sort(), ["actor.json", "bookmarks.json", "likes.json", "outbox.json"]);
      const parsed = Object.fromEntries(json.map((k) => [k.replace(".json", ""), JSON.parse(files.get(k)!.toString("utf8"))])) as Record<string, any>;
      parsed.media = [...files.keys()].filter((k) => k.startsWith("media/")).sort();
      parsed.files = files;
      return parsed;
    };
    const full = await archive(alice.token);
    assert.equal(full.actor.type, "Person");
    assert.equal(full.actor.id, "http://caracol.test/users/alice");
    assert.equal(full.outbox.type, "OrderedCollection");
    const items: any[] = full.outbox.orderedItems;
    assert.equal(items.length, 4);
    assert.ok(items.every((a) => a.type === "Create" && a.object.type === "Note" && a.actor === full.actor.id));
    assert.deepEqual(items.map((a) => a.object.id).sort(), Object.values(mine).sort());
    const direct = items.find((a) => a.object.id === mine.direct);
    assert.match(direct.object.content, /alice-direct-word/);
    assert.deepEqual(full.likes.orderedItems, [bobsPrivate.uri]);
    assert.deepEqual(full.bookmarks.orderedItems, [bobsPrivate.uri]);
    assert.ok(!JSON.stringify(full.outbox).includes("bob-followers-word") && !JSON.stringify(full.likes).includes("bob-followers-word"), "others' posts are referred to, never copied");
    assert.deepEqual(full.media, [`media/${media.public.key}/original.png`, `media/${media.direct.key}/original.png`].sort(), "her own files, not bob's");
    assert.deepEqual(full.files.get(`media/${media.public.key}/original.png`), media.public.bytes);

    // a narrowed token gets no direct posts, not even one's own
    const narrow = await issueToken(app.ctx, { appId: null, accountId: alice.id, scopes: ["read"], narrowed: { noDirect: true, noOthersFollowersOnly: true } });
    const narrowed = await archive(narrow.accessToken);
    assert.deepEqual(narrowed.outbox.orderedItems.map((a: any) => a.object.id).sort(), [mine.public, mine.followers, mine.local].sort());
    assert.ok(!JSON.stringify(narrowed.outbox).includes("alice-direct-word"));
    assert.deepEqual(narrowed.media, [`media/${media.public.key}/original.png`]);

    // bob's archive is bob's
    const bobs = await archive(bob.token);
    assert.ok(!JSON.stringify(bobs.outbox).includes("alice-"), "nothing of alice's in bob's archive");
    assert.deepEqual(bobs.media, [`media/${media.bob.key}/original.png`]);

    // the web page links to the same files, for the signed-in owner
    const browser = new Browser(app);
    assert.equal((await browser.signIn("alice", "correct horse battery")).status, 303);
    const page = await browser.get("/settings/export");
    assert.match(page.html, /href="\/settings\/export\/archive.zip"/);
    const zip = await browser.request("/settings/export/archive.zip");
    assert.equal(zip.status, 200);
    assert.ok(readZip(Buffer.from(await zip.arrayBuffer())).has("outbox.json"));
    assert.equal(parseCsv(await (await browser.request("/settings/export/following_accounts.csv")).text())[1][0], "bob@caracol.test");
  } finally {
    await app.close();
    fs.rmSync(mediaDir, { recursive: true, force: true });
  }
});

test("the sign-in history shows people their own sign-ins, and a session or token can be ended", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    const browser = new Browser(app);
    const signedIn = await browser.request("/auth/sign_in");
    assert.equal(signedIn.status, 200);
    assert.equal((await browser.signIn("alice", "correct horse battery")).status, 303);

    const res = await app.request("/api/v1/caracol/sign_ins", { token: alice.token });
    assert.equal(res.status, 200);
    const rows = (await res.json()) as any[];
    assert.equal(rows.length, 1);
    assert.equal(rows[0].method, "web");
    assert.equal(rows[0].ip, TEST_CLIENT_ADDRESS);
    assert.deepEqual(await (await app.request("/api/v1/caracol/sign_ins", { token: bob.token })).json(), []);

    const page = await browser.get("/settings/sessions");
    assert.equal(page.status, 200);
    assert.ok(page.html.includes(TEST_CLIENT_ADDRESS));
    // revoke alice's API token through the page's form
    const tokenForm = [...page.html.matchAll(/<form method="post" action="\/settings\/sessions\/end">([\s\S]*?)<\/form>/g)].find((m) => m[1].includes('name="token"'));
    assert.ok(tokenForm, "a form per token");
    const forged = await browser.post("/settings/sessions/end", { token: tokenForm[1].match(/name="token" value="(\d+)"/)![1], authenticity_token: "forged" });
    assert.equal(forged.status, 403);
    assert.equal((await app.request("/api/v1/caracol/sign_ins", { token: alice.token })).status, 200);
    const ended = await browser.submit(`<form method="post" action="/settings/sessions/end">${tokenForm[1]}</form>`, page.url, "/settings/sessions/end");
    assert.equal(ended.status, 303);
    assert.equal((await app.request("/api/v1/caracol/sign_ins", { token: alice.token })).status, 401);
    // and the browser's own session: after ending it, the settings ask to sign in again
    const again = await browser.get("/settings/sessions");
    const sessionForm = again.html.match(/<form method="post" action="\/settings\/sessions\/end">([^]*?name="session"[^]*?)<\/form>/);
    assert.ok(sessionForm);
    assert.equal((await browser.submit(`<form method="post" action="/settings/sessions/end">${sessionForm[1]}</form>`, again.url, "/settings/sessions/end")).status, 303);
    const after = await browser.request("/settings/sessions");
    assert.equal(after.status, 303);
    assert.match(after.headers.get("location") ?? "", /^\/auth\/sign_in/);
  } finally {
    await app.close();
  }
});
