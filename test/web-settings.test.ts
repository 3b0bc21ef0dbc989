// The settings pages: /settings/privacy changes one's privacy settings through a real form
// (CSRF-checked), and /settings/view_as shows one's profile as each viewer really gets it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "./helpers/app.ts";
import { Browser } from "./helpers/browser.ts";
import { circles } from "../src/db/schema/index.ts";
import { newId } from "../src/lib/id.ts";

const PASSWORD = "correct horse battery";

async function api(app: TestApp, token: string, method: string, path: string, json?: unknown) {
  const res = await app.request(path, { method, token, json });
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
  return res.json();
}

test("settings pages: sign-in required, the form changes settings, view_as shows what viewers get", async (t) => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice", { password: PASSWORD });
    const bob = await app.user("bob");
    await api(app, alice.token, "PATCH", "/api/v1/accounts/update_credentials", { note: "gardener", fields_attributes: [{ name: "pronouns", value: "wordfield" }] });
    await api(app, alice.token, "POST", "/api/v1/statuses", { status: "wordpublic here", visibility: "public" });
    await api(app, alice.token, "POST", "/api/v1/statuses", { status: "wordfollowers here", visibility: "private" });
    await api(app, alice.token, "POST", "/api/v1/statuses", { status: "wordunlisted here", visibility: "unlisted" });

    await t.test("logged-out visitors are sent to sign in, and come back after", async () => {
      const anon = new Browser(app);
      for (const path of ["/settings/privacy", "/settings/view_as"]) {
        const res = await anon.request(path);
        assert.equal(res.status, 303);
        assert.equal(res.headers.get("location"), `/auth/sign_in?return_to=${encodeURIComponent(path)}`);
      }
      const back = await anon.signIn("alice", PASSWORD, "/settings/privacy");
      assert.equal(back.headers.get("location"), "/settings/privacy");
    });

    const browser = new Browser(app);
    assert.equal((await browser.signIn("alice", PASSWORD)).status, 303);

    await t.test("the privacy form shows the protective defaults and saves changes the API then reports", async () => {
      const page = await browser.get("/settings/privacy");
      assert.equal(page.status, 200);
      assert.match(page.html, /<select id="default_audience" name="default_audience">[\s\S]*?<option value="followers" selected>/);
      assert.match(page.html, /name="profile_audiences\[followers\]">[\s\S]*?<option value="self" selected>/);
      assert.match(page.html, /<input type="checkbox" name="locked" value="true" checked>/);
      const res = await browser.submit(page.html, page.url, "/settings/privacy", {
        default_audience: "public",
        "profile_audiences[fields]": "public",
        "profile_audiences[followersCount]": "followers",
        logged_out_access: "profiles",
        feeds: "on",
        discoverable: "true",
        // locked and indexable left unchecked: the boxes send nothing, which means off
      });
      assert.equal(res.status, 303);
      assert.equal(res.headers.get("location"), "/settings/privacy?saved=1");
      const s = await api(app, alice.token, "GET", "/api/v1/caracol/privacy");
      assert.equal(s.default_audience, "public");
      assert.equal(s.profile_audiences.fields, "public");
      assert.equal(s.profile_audiences.followersCount, "followers");
      assert.equal(s.profile_audiences.bio, "public", "parts left as they were stay");
      assert.equal(s.logged_out_access, "profiles");
      assert.equal(s.feeds, "on");
      assert.equal(s.discoverable, true);
      assert.equal(s.locked, false);
      assert.equal(s.indexable, false);
      assert.match((await browser.get("/settings/privacy?saved=1")).html, /were saved/);
    });

    await t.test("a post without the session's CSRF token, or an invalid value, changes nothing", async () => {
      const before = await api(app, alice.token, "GET", "/api/v1/caracol/privacy");
      const forged = await browser.post("/settings/privacy", { default_audience: "direct", feeds: "off" });
      assert.equal(forged.status, 403);
      const page = await browser.get("/settings/privacy");
      const bad = await browser.submit(page.html, page.url, "/settings/privacy", { default_audience: "everyone" });
      assert.equal(bad.status, 422);
      assert.match(await bad.text(), /not valid/);
      assert.deepEqual(await api(app, alice.token, "GET", "/api/v1/caracol/privacy"), before);
    });

    await t.test("the one-step private profile brings every wider part down to followers", async () => {
      const page = await browser.get("/settings/privacy");
      const res = await browser.submit(page.html, page.url, "/settings/privacy", { private_profile: "true", logged_out_access: "all" });
      assert.equal(res.status, 303);
      const s = await api(app, alice.token, "GET", "/api/v1/caracol/privacy");
      for (const [part, audience] of Object.entries(s.profile_audiences)) assert.ok(["self", "followers"].includes(audience as string), `${part}: ${audience}`);
      assert.equal(s.profile_audiences.followers, "self", "narrower parts stay as they were");
      // Back to showing the basic parts publicly for the view_as checks below.
      await api(app, alice.token, "PATCH", "/api/v1/caracol/privacy", { profile_audiences: { displayName: "public", bio: "public", posts: "public" } });
    });

    await t.test("a circle as the default audience: chosen from the circles of this server", async () => {
      const circleId = newId();
      await app.ctx.db.insert(circles).values({ id: circleId, name: "garden club" });
      const page = await browser.get("/settings/privacy");
      assert.match(page.html, /<option value="\d+">garden club<\/option>/);
      const res = await browser.submit(page.html, page.url, "/settings/privacy", { default_audience: "circle", default_circle_id: circleId });
      assert.equal(res.status, 303);
      const s = await api(app, alice.token, "GET", "/api/v1/caracol/privacy");
      assert.deepEqual([s.default_audience, s.default_circle_id], ["circle", circleId]);
      const again = await browser.get("/settings/privacy");
      await browser.submit(again.html, again.url, "/settings/privacy", { default_audience: "followers", default_circle_id: circleId });
      assert.equal((await api(app, alice.token, "GET", "/api/v1/caracol/privacy")).default_audience, "followers");
    });

    await t.test("view_as shows the logged-out web exactly the posts it really gets", async () => {
      const page = await browser.get("/settings/view_as");
      assert.equal(page.status, 200);
      assert.match(page.html, /id="viewing-as">Logged-out web</);
      const real = await new Browser(app).get("/@alice");
      for (const word of ["wordpublic", "wordfollowers", "wordunlisted", "gardener"]) {
        assert.equal(page.html.includes(word), real.html.includes(word), `${word}: view_as and the real logged-out page agree`);
      }
      assert.ok(page.html.includes("wordpublic") && !page.html.includes("wordfollowers") && !page.html.includes("wordunlisted"));
    });

    await t.test("view_as a follower and as a signed-in stranger, compared with real viewers", async () => {
      const follower = await browser.get("/settings/view_as?as=follower");
      assert.ok(follower.html.includes("wordfollowers") && follower.html.includes("wordfield"));
      const stranger = await browser.get("/settings/view_as?as=local");
      assert.ok(stranger.html.includes("wordunlisted") && !stranger.html.includes("wordfollowers") && !stranger.html.includes("wordfield"));
      const realStranger = JSON.stringify(await api(app, bob.token, "GET", `/api/v1/accounts/${alice.id}/statuses`));
      for (const word of ["wordpublic", "wordunlisted", "wordfollowers"]) assert.equal(stranger.html.includes(word), realStranger.includes(word), word);
    });

    await t.test("view_as remote servers shows the ActivityPub side too; a suspended server gets nothing", async () => {
      const remote = await browser.get("/settings/view_as?as=remote");
      assert.match(remote.html, /Through ActivityPub/);
      assert.match(remote.html, /2 posts can be fetched/, "public and unlisted, not followers-only");
      const blocked = await browser.get("/settings/view_as?as=blocked");
      assert.match(blocked.html, /Refused/);
      assert.ok(!blocked.html.includes("wordpublic"));
      const circle = await browser.get("/settings/view_as?as=circle");
      assert.match(circle.html, /no circle with member servers/);
    });
  } finally {
    await app.close();
  }
});
