// A fresh install, one person who posted with the default audience and has a follower, probed
// the way a logged-out scraper would: every door yields the handle, display name, avatar,
// header and bio, and nothing else. The about, terms and privacy pages are served.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startTestServer } from "../helpers/app.ts";
import { api, localUser } from "../federation/outbox-helpers.ts";
import { jpegWithGps, tempMediaDir } from "../media/images.ts";

test("a logged-out scraper of a fresh install gets the public face of a profile and nothing else", async () => {
  const media = await tempMediaDir();
  const server = await startTestServer({ CARACOL_MEDIA_DIR: media.dir });
  try {
    const call = api(server.url);
    const alice = await localUser(server.app.ctx, "alice");
    const bob = await localUser(server.app.ctx, "bobfollower");
    await call(alice.token, "PATCH", "/api/v1/accounts/update_credentials", {
      display_name: "Alice Nameshown",
      note: "bioshown words",
      fields_attributes: [{ name: "pronouns", value: "fieldhidden" }],
    });
    await call(bob.token, "POST", `/api/v1/accounts/${alice.id}/follow`);
    await call(alice.token, "POST", `/api/v1/follow_requests/${bob.id}/authorize`);
    const posts: string[] = [];
    for (let i = 0; i < 3; i++) posts.push((await call(alice.token, "POST", "/api/v1/statuses", { status: `posthidden${i} #tagged` })).id);
    // a default-audience post with a picture: its media URL must not reach the scraper either
    const upload = new FormData();
    upload.append("file", new Blob([new Uint8Array(await jpegWithGps())], { type: "image/jpeg" }), "photo.jpg");
    const picture = await (await fetch(`${server.url}/api/v2/media`, { method: "POST", headers: { authorization: `Bearer ${alice.token}` }, body: upload })).json();
    const mediaKey = new URL(picture.url).pathname.split("/")[2];
    posts.push((await call(alice.token, "POST", "/api/v1/statuses", { status: "posthidden3 #tagged", media_ids: [picture.id] })).id);
    const mediaGuesses = [`/media/${picture.id}/original.jpg`, `/media/${picture.id}/small.jpg`, `/api/v1/media/${picture.id}`];

    const AP = { accept: "application/activity+json" };
    const doors: [string, Record<string, string>?][] = [
      ["/@alice"],
      ...posts.map((id) => [`/@alice/${id}`] as [string]),
      ["/@alice.rss"],
      ["/@alice.atom"],
      ["/api/v1/accounts/lookup?acct=alice"],
      [`/api/v1/accounts/${alice.id}`],
      [`/api/v1/accounts/${alice.id}/statuses`],
      [`/api/v1/accounts/${alice.id}/followers`],
      [`/api/v1/accounts/${alice.id}/following`],
      ["/api/v1/timelines/public"],
      ["/api/v1/timelines/tag/tagged"],
      ...posts.map((id) => [`/api/v1/statuses/${id}`] as [string]),
      ...posts.map((id) => [`/api/oembed?url=${encodeURIComponent(`${server.url}/@alice/${id}`)}`] as [string]),
      ["/users/alice", AP],
      ["/users/alice/outbox", AP],
      ["/users/alice/followers", AP],
      ["/users/alice/following", AP],
      ...posts.map((id) => [`/users/alice/statuses/${id}`, AP] as [string, Record<string, string>]),
      ["/.well-known/webfinger?resource=acct:alice@" + new URL(server.url).host],
      ["/nodeinfo/2.1"],
      ["/api/v1/instance"],
      ...mediaGuesses.map((path) => [path] as [string]),
    ];
    const everything: string[] = [];
    for (const [path, headers] of doors) {
      const res = await fetch(`${server.url}${path}`, { headers, redirect: "manual" });
      everything.push(`${path} ${res.status}\n${await res.text()}`);
    }
    const all = everything.join("\n");
    for (const hidden of ["posthidden", "fieldhidden", "bobfollower"]) {
      const where = everything.filter((e) => e.includes(hidden)).map((e) => e.split("\n")[0]);
      assert.deepEqual(where, [], `"${hidden}" must not reach a logged-out scraper`);
    }
    const learned = everything.filter((e) => e.includes(mediaKey)).map((e) => e.split("\n")[0]);
    assert.deepEqual(learned, [], "the media URL of a post it cannot see must not reach a logged-out scraper");
    for (const guess of mediaGuesses) assert.ok(everything.some((e) => /^\S+ 40[14]\n/.test(e) && e.startsWith(`${guess} `)), `${guess}: guessing by id fails`);
    const profilePage = everything[0];
    assert.match(profilePage, /^\/@alice 200/);
    assert.match(profilePage, /Alice Nameshown/);
    assert.match(profilePage, /bioshown words/);
    const account = JSON.parse(everything.find((e) => e.startsWith(`/api/v1/accounts/${alice.id} 200`))!.split("\n").slice(1).join("\n"));
    assert.equal(account.display_name, "Alice Nameshown");
    assert.match(account.note, /bioshown words/);
    assert.ok(account.avatar && account.header);
    assert.deepEqual([account.followers_count, account.following_count, account.statuses_count, account.fields.length], [0, 0, 0, 0], "no counts, no fields");
    for (const feed of ["/@alice.rss", "/@alice.atom"]) assert.ok(everything.some((e) => e.startsWith(`${feed} 404`)), `${feed} is off`);
    assert.ok(!all.includes('"totalItems"'), "no collection counts over ActivityPub");
    for (const page of ["/about", "/terms", "/privacy", "/auth/sign_in", "/auth/sign_up"]) {
      assert.equal((await fetch(`${server.url}${page}`)).status, 200, page);
    }
  } finally {
    await server.close();
    await media.remove();
  }
});
