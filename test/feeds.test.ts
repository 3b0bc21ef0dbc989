// RSS/Atom feeds are off for the site and for each person; with both on, a feed holds public
// posts only. oEmbed answers for public posts the anonymous viewer may see, and 404s otherwise.
import { test } from "node:test";
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { createTestApp, type TestApp } from "./helpers/app.ts";
import { users } from "../src/db/schema/index.ts";
import { setSetting } from "../src/domain/instance/settings.ts";

async function post(app: TestApp, token: string, status: string, extra: Record<string, unknown>): Promise<string> {
  const res = await app.request("/api/v1/statuses", { method: "POST", token, json: { status, ...extra } });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { id: string }).id;
}

const NON_PUBLIC = {
  unlisted: { visibility: "unlisted" },
  followers: { visibility: "private" },
  direct: { visibility: "direct" },
  local: { caracol_audience: "local" },
  authenticated: { caracol_audience: "authenticated" },
} as const;

async function seed(app: TestApp) {
  const alice = await app.user("alice");
  const bob = await app.user("bob");
  const ids: Record<string, string> = {};
  ids.public1 = await post(app, alice.token, "first public <b>bold</b> & more", { visibility: "public" });
  for (const [name, extra] of Object.entries(NON_PUBLIC)) ids[name] = await post(app, alice.token, `secret ${name} post`, extra);
  ids.public2 = await post(app, alice.token, "second public post", { visibility: "public" });
  // A boost of bob's public post: boosts stay out of feeds.
  const bobs = await post(app, bob.token, "bob's boosted post", { visibility: "public" });
  const boost = await app.request(`/api/v1/statuses/${bobs}/reblog`, { method: "POST", token: alice.token });
  assert.equal(boost.status, 200);
  return { alice, bob, ids };
}

const feedsOn = (app: TestApp, accountId: string) => app.ctx.db.update(users).set({ privacy: { feeds: "on" } }).where(eq(users.accountId, accountId));

test("feeds are 404 by default and with only one of the two switches on", async () => {
  const app = await createTestApp();
  try {
    const { alice } = await seed(app);
    const paths = ["/@alice.rss", "/@alice.atom"];
    for (const p of paths) assert.equal((await app.request(p)).status, 404, `${p} off by default`);
    await setSetting(app.ctx, "feedsEnabled", true);
    for (const p of paths) assert.equal((await app.request(p)).status, 404, `${p} needs the person too`);
    await setSetting(app.ctx, "feedsEnabled", false);
    await feedsOn(app, alice.id);
    for (const p of paths) assert.equal((await app.request(p)).status, 404, `${p} needs the site too`);
    await setSetting(app.ctx, "feedsEnabled", true);
    for (const p of paths) assert.equal((await app.request(p)).status, 200, `${p} with both on`);
    assert.equal((await app.request("/@nobody.rss")).status, 404);
    assert.equal((await app.request("/@bob.rss")).status, 404, "bob did not turn his on");
  } finally {
    await app.close();
  }
});

test("with both switches on, RSS and Atom hold exactly the public posts, newest first, escaped", async () => {
  const app = await createTestApp();
  try {
    const { alice, ids } = await seed(app);
    await setSetting(app.ctx, "feedsEnabled", true);
    await feedsOn(app, alice.id);
    for (const [path, type, tag] of [
      ["/@alice.rss", "application/rss+xml", "item"],
      ["/@alice.atom", "application/atom+xml", "entry"],
    ] as const) {
      const res = await app.request(path);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type")!, new RegExp(type.replace("+", "\\+")));
      const xml = await res.text();
      assert.equal(xml.match(new RegExp(`<${tag}>`, "g"))?.length, 2, `${path}: two public posts`);
      assert.ok(xml.includes(`/@alice/${ids.public1}`) && xml.includes(`/@alice/${ids.public2}`));
      assert.ok(xml.indexOf(ids.public2) < xml.indexOf(ids.public1), "newest first");
      for (const name of Object.keys(NON_PUBLIC)) {
        assert.ok(!xml.includes(`secret ${name} post`), `${path}: no ${name} post`);
        assert.ok(!xml.includes(ids[name]), `${path}: no link to the ${name} post`);
      }
      assert.ok(!xml.includes("boosted post"), `${path}: no boosts`);
      assert.ok(!/<b>bold<\/b>/.test(xml), "content is escaped inside the XML");
    }
    // Logged-out access 'profiles' hides posts from anonymous readers, feeds included.
    await setSetting(app.ctx, "loggedOutAccess", "profiles");
    const empty = await (await app.request("/@alice.rss")).text();
    assert.ok(!empty.includes("<item>"));
    await setSetting(app.ctx, "loggedOutAccess", "none");
    assert.equal((await app.request("/@alice.rss")).status, 404);
  } finally {
    await app.close();
  }
});

test("oEmbed answers for public posts only", async () => {
  const app = await createTestApp();
  try {
    const { alice, ids } = await seed(app);
    const origin = app.config.origin;
    const q = (url: string) => app.request(`/api/oembed?url=${encodeURIComponent(url)}`);
    const ok = await q(`${origin}/@alice/${ids.public2}`);
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as Record<string, unknown>;
    assert.equal(body.type, "rich");
    assert.equal(body.author_url, `${origin}/@alice`);
    assert.match(body.html as string, /second public post/);
    assert.equal((await q(`${origin}/users/alice/statuses/${ids.public2}`)).status, 200, "the ActivityPub id works too");
    for (const name of Object.keys(NON_PUBLIC)) assert.equal((await q(`${origin}/@alice/${ids[name]}`)).status, 404, name);
    // The author's own token changes nothing: an embed is for everyone.
    const own = await app.request(`/api/oembed?url=${encodeURIComponent(`${origin}/@alice/${ids.unlisted}`)}`, { token: alice.token });
    assert.equal(own.status, 404);
    for (const url of [`https://elsewhere.example/@alice/${ids.public2}`, `${origin}/@bob/${ids.public2}`, `${origin}/@alice/123`, "not a url", ""]) {
      assert.equal((await q(url)).status, 404, url);
    }
    await setSetting(app.ctx, "loggedOutAccess", "profiles");
    assert.equal((await q(`${origin}/@alice/${ids.public2}`)).status, 404, "not while logged-out visitors may not see posts");
  } finally {
    await app.close();
  }
});
