// Two Caracol servers and a test peer on loopback, driven only through each server's Mastodon
// client API: look up a remote account, follow it (approval needed), post in each audience and
// see exactly the right servers receive it, reply, like, boost, edit, delete, unfollow, block.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startTestServer, type TestServer } from "../helpers/app.ts";
import { startPeer, type Peer } from "../helpers/peer.ts";
import { api, localUser, sleep } from "./outbox-helpers.ts";

type Call = ReturnType<typeof api>;

async function eventually<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v as T;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(150);
  }
}

test("two Caracol instances federate through their Mastodon APIs, and audiences hold", { timeout: 180_000 }, async () => {
  const env = { CARACOL_ALLOW_PRIVATE_ADDRESS: "true" };
  const [a, b] = await Promise.all([startTestServer(env, "127.0.0.1"), startTestServer(env, "127.0.0.2")]);
  const peer: Peer = await startPeer({ host: "127.0.0.3", actors: ["pat"] });
  const workers = new AbortController();
  const running = [a.app.startWorkers(workers.signal), b.app.startWorkers(workers.signal)];
  try {
    const A: Call = api(a.url);
    const B: Call = api(b.url);
    const alice = await localUser(a.app.ctx, "alice");
    const bob = await localUser(b.app.ctx, "bob");
    const bHost = new URL(b.url).host;
    const aHost = new URL(a.url).host;

    // Alice finds Bob by handle and asks to follow him; Bob (locked by default) approves.
    const bobOnA = await A(alice.token, "GET", `/api/v1/accounts/lookup?acct=bob@${bHost}`);
    assert.equal(bobOnA.acct, `bob@${bHost}`);
    const rel = await A(alice.token, "POST", `/api/v1/accounts/${bobOnA.id}/follow`);
    assert.equal(rel.requested, true);
    const requests = await eventually("the follow request on B", async () => {
      const list = await B(bob.token, "GET", "/api/v1/follow_requests");
      return list.length ? list : null;
    });
    assert.equal(requests[0].acct, `alice@${aHost}`);
    await B(bob.token, "POST", `/api/v1/follow_requests/${requests[0].id}/authorize`);
    await eventually("alice following bob on A", async () => {
      const [r] = await A(alice.token, "GET", `/api/v1/accounts/relationships?id[]=${bobOnA.id}`);
      return r.following;
    });

    // Bob posts in each audience. Pat (on the peer) is mentioned in one direct post only.
    const patHandle = `pat@${peer.host}:${peer.port}`;
    await B(bob.token, "GET", `/api/v1/accounts/lookup?acct=${patHandle}`);
    const posts: Record<string, { id: string; uri: string }> = {};
    for (const [name, body] of Object.entries({
      public: { status: "bob public words", visibility: "public" },
      unlisted: { status: "bob unlisted words", visibility: "unlisted" },
      followers: { status: "bob followers words", visibility: "private" },
      toAlice: { status: `@alice@${aHost} bob direct words`, visibility: "direct" },
      toPat: { status: `@${patHandle} bob pat words`, visibility: "direct" },
      localOnly: { status: "bob local words", visibility: "public", local_only: true },
    })) {
      posts[name] = await B(bob.token, "POST", "/api/v1/statuses", body);
    }
    const home = await eventually("bob's posts in alice's home on A", async () => {
      const list: { content: string; uri: string }[] = await A(alice.token, "GET", "/api/v1/timelines/home?limit=40");
      return list.length >= 4 ? list : null;
    });
    const seen = home.map((s) => s.uri);
    for (const k of ["public", "unlisted", "followers", "toAlice"]) assert.ok(seen.includes(posts[k].uri), `alice sees ${k}`);
    await sleep(1500);
    const again: { uri: string }[] = await A(alice.token, "GET", "/api/v1/timelines/home?limit=40");
    for (const k of ["toPat", "localOnly"]) assert.ok(!again.some((s) => s.uri === posts[k].uri), `A never gets ${k}`);
    // The peer got the direct post addressed to Pat, and nothing else from Bob.
    await peer.waitFor((x) => x.type === "Create" && JSON.stringify(x.raw).includes("bob pat words"));
    const patGot = peer.received.filter((x) => x.type === "Create").map((x) => JSON.stringify(x.raw));
    for (const words of ["public words", "unlisted words", "followers words", "direct words", "local words"]) {
      assert.ok(!patGot.some((j) => j.includes(`bob ${words}`)), `the peer must not get "${words}"`);
    }

    // Alice replies, likes and boosts Bob's public post; Bob hears of each.
    const onA: { id: string }[] = await A(alice.token, "GET", `/api/v2/search?q=${encodeURIComponent(posts.public.uri)}&resolve=true&type=statuses`).then((r) => r.statuses);
    const pubOnA = onA[0];
    assert.ok(pubOnA, "bob's public post resolves on A");
    await A(alice.token, "POST", "/api/v1/statuses", { status: `@bob@${bHost} nice`, in_reply_to_id: pubOnA.id, visibility: "public" });
    await A(alice.token, "POST", `/api/v1/statuses/${pubOnA.id}/favourite`);
    await A(alice.token, "POST", `/api/v1/statuses/${pubOnA.id}/reblog`);
    const types = await eventually("bob's notifications on B", async () => {
      const n: { type: string }[] = await B(bob.token, "GET", "/api/v1/notifications");
      const t = new Set(n.map((x) => x.type));
      return t.has("mention") && t.has("favourite") && t.has("reblog") ? t : null;
    });

    // Bob edits and deletes; A follows.
    await B(bob.token, "PUT", `/api/v1/statuses/${posts.public.id}`, { status: "bob public words, edited" });
    await eventually("the edit on A", async () => {
      const s = await A(alice.token, "GET", `/api/v1/statuses/${pubOnA.id}`);
      return s.content.includes("edited");
    });
    await B(bob.token, "DELETE", `/api/v1/statuses/${posts.unlisted.id}`);
    await eventually("the delete on A", async () => {
      const list: { uri: string }[] = await A(alice.token, "GET", "/api/v1/timelines/home?limit=40");
      return !list.some((s) => s.uri === posts.unlisted.uri);
    });

    // Alice unfollows, then blocks Bob: B lets go of her in both cases.
    await A(alice.token, "POST", `/api/v1/accounts/${bobOnA.id}/unfollow`);
    const aliceOnB = requests[0].id;
    await eventually("the unfollow on B", async () => {
      const [r] = await B(bob.token, "GET", `/api/v1/accounts/relationships?id[]=${aliceOnB}`);
      return r.followed_by === false;
    });
    await A(alice.token, "POST", `/api/v1/accounts/${bobOnA.id}/block`);
    await eventually("the block on B", async () => {
      const [r] = await B(bob.token, "GET", `/api/v1/accounts/relationships?id[]=${aliceOnB}`);
      return r.blocked_by;
    });
    // After the unfollow, Bob's followers-only posts no longer reach A.
    const late = await B(bob.token, "POST", "/api/v1/statuses", { status: "bob late followers words", visibility: "private" });
    await sleep(2000);
    const count = await a.app.ctx.db.$count((await import("../../src/db/schema/index.ts")).statuses, (await import("drizzle-orm")).eq((await import("../../src/db/schema/index.ts")).statuses.uri, late.uri));
    assert.equal(count, 0, "a former follower's server gets no followers-only post");
  } finally {
    workers.abort();
    await Promise.allSettled(running);
    await peer.close();
    await Promise.all([a.close(), b.close()]);
  }
});
