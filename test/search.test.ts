import { test } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "./helpers/app.ts";
import { block, bookmark, favourite, follow, makeStatus, remoteAccount, setAccount } from "./helpers/fixtures.ts";
import { AUDIENCES } from "../src/db/schema/index.ts";

async function search(app: TestApp, query: string, token: string | undefined, status = 200) {
  const res = await app.request(`/api/v2/search?${query}`, { token });
  assert.equal(res.status, status, `${query}: ${await res.clone().text()}`);
  return res.json();
}
const idsOf = (list: { id: string }[]) => list.map((x) => x.id);

test("search needs a signed-in user with read:search, and a query", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    await search(app, "q=alice", undefined, 401);
    await search(app, "q=", alice.token, 400);
    await search(app, "", alice.token, 400);
    await search(app, "q=a&type=people", alice.token, 422);
    await search(app, "q=a&limit=abc", alice.token, 422);
    const noScope = await app.user("bob", { scopes: "read:statuses" });
    await search(app, "q=alice", noScope.token, 403);
    assert.equal((await app.request("/api/v1/accounts/search?q=alice")).status, 401);
  } finally {
    await app.close();
  }
});

test("account search: discoverable or followed people by prefix, anyone by exact handle", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const anna = await app.user("anna");
    const annabel = await app.user("annabel");
    const andy = await app.user("andy");
    const blocker = await app.user("annoyed");
    await setAccount(app, anna.id, { discoverable: true });
    await setAccount(app, blocker.id, { discoverable: true });
    await block(app, blocker.id, alice.id);
    await follow(app, alice.id, annabel.id);
    const remote = await remoteAccount(app, "annie", "remote.example", { discoverable: true });
    const t = alice.token;
    // andy is neither discoverable nor followed; annoyed blocks alice; annie is remote
    assert.deepEqual(idsOf((await search(app, "q=an&type=accounts", t)).accounts), [anna.id, annabel.id]);
    assert.deepEqual(idsOf((await search(app, "q=an&type=accounts&following=true", t)).accounts), [annabel.id]);
    assert.deepEqual(idsOf((await search(app, "q=andy&type=accounts", t)).accounts), [andy.id]);
    assert.deepEqual(idsOf((await search(app, "q=@andy@caracol.test&type=accounts", t)).accounts), [andy.id]);
    assert.deepEqual(idsOf((await search(app, "q=annoyed", t)).accounts), []);
    assert.deepEqual(idsOf((await search(app, "q=annie@remote.example", t)).accounts), [remote]);
    assert.deepEqual(idsOf((await search(app, "q=an%25&type=accounts", t)).accounts), [], "LIKE wildcards are literal");
    const v1 = await app.request("/api/v1/accounts/search?q=an", { token: t });
    assert.deepEqual(idsOf(await v1.json()), [anna.id, annabel.id]);
  } finally {
    await app.close();
  }
});

test("status search: only what Mastodon searches, and never a followers-only post to a non-follower", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    const carol = await app.user("carol");
    await setAccount(app, bob.id, { indexable: true });
    const byAudience: Record<string, string> = {};
    for (const audience of AUDIENCES) {
      if (audience === "circle") continue;
      byAudience[audience] = (await makeStatus(app, bob.id, { audience, text: `pelican ${audience}` })).id;
    }
    const t = alice.token;
    // only bob's public post is found by a stranger (bob is indexable)
    assert.deepEqual(idsOf((await search(app, "q=pelican&type=statuses", t)).statuses), [byAudience.public]);
    // a favourite or bookmark of a followers-only post made while following does not survive unfollowing
    await favourite(app, alice.id, byAudience.followers);
    await bookmark(app, alice.id, byAudience.followers);
    assert.deepEqual(idsOf((await search(app, "q=pelican&type=statuses", t)).statuses), [byAudience.public]);
    // mentioned: the direct message is found by the person it is addressed to
    const dm = await makeStatus(app, bob.id, { audience: "direct", text: "pelican for you", mentions: [carol.id] });
    assert.deepEqual(idsOf((await search(app, "q=pelican&type=statuses", carol.token)).statuses), [dm.id, byAudience.public]);
    // the author finds all of their own
    assert.equal((await search(app, "q=pelican&type=statuses", bob.token)).statuses.length, 7);
    // a follower sees bob's followers-only post among their favourites
    await follow(app, carol.id, bob.id);
    await favourite(app, carol.id, byAudience.followers);
    assert.deepEqual(idsOf((await search(app, "q=pelican&type=statuses", carol.token)).statuses), [dm.id, byAudience.public, byAudience.followers]);
    // not indexable: public posts are no longer found by others
    await setAccount(app, bob.id, { indexable: false });
    assert.deepEqual(idsOf((await search(app, "q=pelican&type=statuses", t)).statuses), []);
    assert.deepEqual(idsOf((await search(app, `q=pelican&type=statuses&account_id=${alice.id}`, carol.token)).statuses), []);
    await search(app, "q=pelican&account_id=abc", t, 422);
  } finally {
    await app.close();
  }
});

test("hashtag search: prefix, and only tags that a public post (or one's own) uses", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    await makeStatus(app, bob.id, { audience: "public", tags: ["gardening"] });
    await makeStatus(app, bob.id, { audience: "followers", tags: ["gardensecret"] });
    const all = await search(app, "q=%23garden&type=hashtags", alice.token);
    assert.deepEqual(all.hashtags.map((h: { name: string }) => h.name), ["gardening"]);
    assert.equal(all.hashtags[0].url, "http://caracol.test/tags/gardening");
    assert.deepEqual(all.accounts, []);
    assert.deepEqual(all.statuses, []);
    const own = await search(app, "q=garden&type=hashtags", bob.token);
    assert.deepEqual(own.hashtags.map((h: { name: string }) => h.name), ["gardening", "gardensecret"]);
    assert.equal((await search(app, "q=garden&type=hashtags&limit=1&offset=1", bob.token)).hashtags[0].name, "gardensecret");
  } finally {
    await app.close();
  }
});
