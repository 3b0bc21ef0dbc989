// GET /media/:key/:file: who gets the bytes. The URL is a capability (random key); on top of
// it the audience gate is asked at request time (decision record in /work/notes/media.md):
// deleted post -> 404, unattached upload -> its uploader only, a request with credentials
// -> what the gate allows that viewer, a blocked server -> 404, no credentials -> the
// capability, privately cached unless the gate would show it to a logged-out visitor.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { Browser } from "../helpers/browser.ts";
import { setSetting } from "../../src/domain/instance/settings.ts";
import { eq } from "drizzle-orm";
import { accounts } from "../../src/db/schema/index.ts";
import { jpegWithGps, pngWithText, tempMediaDir, uploaded } from "./images.ts";

type User = { id: string; token: string };
let app: TestApp;
let media: Awaited<ReturnType<typeof tempMediaDir>>;
let alice: User, follower: User, stranger: User, mentioned: User, blocked: User;
/** the file path of the attachment of Alice's post in each audience */
const files: Record<string, string> = {};
const posts: Record<string, string> = {};

async function call(token: string, method: string, path: string, json?: unknown) {
  const res = await app.request(path, { method, token, json });
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
  return res.json();
}

before(async () => {
  media = await tempMediaDir();
  app = await createTestApp({ CARACOL_MEDIA_DIR: media.dir });
  alice = await app.user("alice");
  follower = await app.user("bob");
  stranger = await app.user("carol");
  mentioned = await app.user("dave");
  blocked = await app.user("eve");
  await call(follower.token, "POST", `/api/v1/accounts/${alice.id}/follow`);
  await call(alice.token, "POST", `/api/v1/follow_requests/${follower.id}/authorize`);
  await call(alice.token, "POST", `/api/v1/accounts/${blocked.id}/block`);
  for (const audience of ["public", "unlisted", "authenticated", "local", "followers", "direct"]) {
    const m = await uploaded(app, alice.token, await jpegWithGps());
    const s = await call(alice.token, "POST", "/api/v1/statuses", { status: `${audience === "direct" ? "@dave " : ""}a picture`, caracol_audience: audience, media_ids: [m.id] });
    assert.equal(new URL(s.media_attachments[0].url).pathname, m.path);
    files[audience] = m.path;
    posts[audience] = s.id;
  }
});

after(async () => {
  await app.close();
  await media.remove();
});

const get = (path: string, token?: string, headers: Record<string, string> = {}) => app.request(path, { token, headers });

test("with a token, the gate decides: each viewer gets the media of exactly the posts it may see", async () => {
  const sees: Record<string, [User, string[]]> = {
    stranger: [stranger, ["public", "unlisted", "authenticated", "local"]],
    follower: [follower, ["public", "unlisted", "authenticated", "local", "followers"]],
    mentioned: [mentioned, ["public", "unlisted", "authenticated", "local", "direct"]],
    blocked: [blocked, []],
    author: [alice, Object.keys(files)],
  };
  for (const [name, [user, allowed]] of Object.entries(sees)) {
    for (const [audience, path] of Object.entries(files)) {
      for (const p of [path, path.replace("original", "small")]) {
        const res = await get(p, user.token);
        assert.equal(res.status, allowed.includes(audience) ? 200 : 404, `${name} -> ${audience} ${p}`);
        await res.arrayBuffer();
      }
    }
  }
  // a token that resolves to nobody is credentials too: a "no", never the capability
  assert.equal((await get(files.followers, "not-a-real-token")).status, 404);
  assert.equal((await get(files.public, "not-a-real-token")).status, 200, "public media anyone may see");
});

test("without credentials the URL is the capability; only media anyone may see is publicly cacheable", async () => {
  for (const [audience, path] of Object.entries(files)) {
    const res = await get(path);
    assert.equal(res.status, 200, audience);
    assert.equal(res.headers.get("content-type"), "image/jpeg");
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(res.headers.get("content-disposition"), 'inline; filename="original.jpg"');
    assert.match(res.headers.get("cache-control")!, audience === "public" ? /^public/ : /^private/, audience);
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xd8], "a JPEG");
  }
  // logged-out access narrowed: the public post's media is no longer for shared caches
  await setSetting(app.ctx, "loggedOutAccess", "profiles");
  try {
    assert.match((await get(files.public)).headers.get("cache-control")!, /^private/);
  } finally {
    await setSetting(app.ctx, "loggedOutAccess", "all");
  }
});

test("a signature naming a suspended or restricted server gets nothing (threads.net is suspended by default)", async () => {
  const sig = (host: string) => ({ signature: `keyId="https://${host}/users/x#main-key",algorithm="rsa-sha256",headers="(request-target) host date",signature="AAAA"` });
  assert.equal((await get(files.public, undefined, sig("threads.net"))).status, 404);
  assert.equal((await get(files.public, undefined, sig("sub.threads.com"))).status, 404);
  assert.equal((await get(files.public, undefined, sig("friendly.example"))).status, 200, "other servers: the capability");
  const rfc9421 = { "signature-input": `sig1=("@method" "@target-uri");keyid="https://threads.net/users/x#main-key"`, signature: "sig1=:AAAA:" };
  assert.equal((await get(files.followers, undefined, rfc9421)).status, 404);
});

test("an unattached upload is its uploader's alone: token or web session", async () => {
  const m = await uploaded(app, alice.token, await pngWithText(), "image/png");
  assert.equal((await get(m.path)).status, 404, "anonymous");
  assert.equal((await get(m.path, stranger.token)).status, 404, "another account");
  const own = await get(m.path, alice.token);
  assert.equal(own.status, 200);
  assert.equal(own.headers.get("content-type"), "image/png");
  assert.match(own.headers.get("cache-control")!, /^private/);

  const browser = new Browser(app);
  assert.equal((await browser.signIn("alice", "correct horse battery")).status, 303);
  assert.equal((await browser.request(m.path)).status, 200, "the uploader's web session");
  const other = new Browser(app);
  await other.signIn("carol", "correct horse battery");
  assert.equal((await other.request(m.path)).status, 404, "someone else's web session");
  assert.equal((await other.request(files.local)).status, 200, "a session is a viewer like a token");
  assert.equal((await other.request(files.followers)).status, 404);
});

test("a deleted post's media is a 404 at once, for everyone", async () => {
  const m = await uploaded(app, alice.token, await jpegWithGps());
  const s = await call(alice.token, "POST", "/api/v1/statuses", { status: "soon gone", visibility: "public", media_ids: [m.id] });
  assert.equal((await get(m.path)).status, 200);
  await call(alice.token, "DELETE", `/api/v1/statuses/${s.id}`);
  for (const token of [undefined, alice.token, follower.token]) assert.equal((await get(m.path, token)).status, 404);
});

test("guessing fails: by id, by a made-up key, by another file name, by path tricks", async () => {
  const key = files.public.split("/")[2];
  const guesses = [
    `/media/${posts.public}/original.jpg`,
    `/media/${"A".repeat(22)}/original.jpg`,
    `/media/${key}/original.png`,
    `/media/${key}/original.jpg.tmp`,
    `/media/${key}/%2e%2e%2foriginal.jpg`,
    `/media/${key}`,
    `/media/`,
    `/media/${key.slice(0, 2)}/${key}`,
  ];
  for (const path of guesses) {
    const res = await get(path, alice.token);
    assert.equal(res.status, 404, path);
    assert.ok(!(res.headers.get("content-type") ?? "").startsWith("image/"), path);
  }
});

test("avatars follow the profile part's audience", async () => {
  const f = new FormData();
  f.append("avatar", new Blob([new Uint8Array(await jpegWithGps())], { type: "image/jpeg" }), "a.jpg");
  const acc = await (await app.request("/api/v1/accounts/update_credentials", { method: "PATCH", token: alice.token, body: f })).json();
  const avatar = new URL(acc.avatar).pathname;
  const anon = await get(avatar);
  assert.equal(anon.status, 200, "public by default, like the handle");
  assert.match(anon.headers.get("cache-control")!, /^public/);

  await call(alice.token, "PATCH", "/api/v1/accounts/update_credentials", { caracol_profile_audiences: { avatar: "followers" } });
  assert.equal((await get(avatar, follower.token)).status, 200);
  assert.equal((await get(avatar, stranger.token)).status, 404);
  const capability = await get(avatar);
  assert.equal(capability.status, 200, "remote servers fetch the actor's icon unsigned");
  assert.match(capability.headers.get("cache-control")!, /^private/);
  await call(alice.token, "PATCH", "/api/v1/accounts/update_credentials", { caracol_profile_audiences: { avatar: "public" } });
});

test("a suspended person's media is a 404 for everyone but themselves", async () => {
  const frank = await app.user("frank");
  const m = await uploaded(app, frank.token, await jpegWithGps());
  await call(frank.token, "POST", "/api/v1/statuses", { status: "mine", visibility: "public", media_ids: [m.id] });
  assert.equal((await get(m.path)).status, 200);
  await app.ctx.db.update(accounts).set({ suspendedAt: new Date() }).where(eq(accounts.id, frank.id));
  assert.equal((await get(m.path)).status, 404);
  assert.equal((await get(m.path, stranger.token)).status, 404);
});
