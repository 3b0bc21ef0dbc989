// Uploading images through the Mastodon API: what is stored is re-encoded with no metadata
// left (EXIF, GPS, PNG text), sizes and type are checked, uploads are the uploader's until a
// post takes them, and avatars and headers go through the same pipeline.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile, stat, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { mediaAttachments } from "../../src/db/schema/index.ts";
import { mediaPurgeJob, purgeMedia } from "../../src/domain/media/purge.ts";
import { newStorageKey } from "../../src/domain/media/storage.ts";
import { SCHEDULED_JOBS } from "../../src/server/jobs.ts";
import { diskPath, EXIF_MARKER, form, GPS_MARKER, jpegWithGps, PNG_TEXT_MARKER, pngWithText, tempMediaDir, upload, uploaded } from "./images.ts";

let app: TestApp;
let media: Awaited<ReturnType<typeof tempMediaDir>>;
let alice: { id: string; token: string };
let bob: { id: string; token: string };

before(async () => {
  media = await tempMediaDir();
  app = await createTestApp({ CARACOL_MEDIA_DIR: media.dir });
  alice = await app.user("alice");
  bob = await app.user("bob");
});

after(async () => {
  await app.close();
  await media.remove();
});

/** Nothing of the original's metadata may be in a stored file, neither parsed nor as bytes. */
async function assertStripped(file: string) {
  const bytes = await readFile(file);
  const meta = await sharp(bytes).metadata();
  assert.equal(meta.exif, undefined, "no EXIF");
  assert.equal(meta.xmp, undefined, "no XMP");
  assert.equal(meta.iptc, undefined, "no IPTC");
  assert.equal(meta.comments, undefined, "no text chunks or comments");
  assert.equal(meta.orientation, undefined, "orientation applied to the pixels, not kept as a tag");
  for (const marker of [GPS_MARKER, EXIF_MARKER, PNG_TEXT_MARKER]) assert.ok(!bytes.includes(marker), `${marker} left in ${file}`);
}

test("a JPEG with EXIF and GPS is stored upright, with no metadata at all", async () => {
  const input = await jpegWithGps();
  const inMeta = await sharp(input).metadata();
  assert.ok(inMeta.exif?.includes(GPS_MARKER), "the test image does carry GPS data");
  assert.equal(inMeta.orientation, 6);

  const res = await upload(app, alice.token, input, "image/jpeg", { description: "a red box", focus: "0.5,-0.25" });
  assert.equal(res.status, 200);
  const m = await res.json();
  assert.equal(m.type, "image");
  assert.match(m.url, /^http:\/\/caracol\.test\/media\/[A-Za-z0-9_-]{22}\/original\.jpg$/);
  assert.match(m.preview_url, /^http:\/\/caracol\.test\/media\/[A-Za-z0-9_-]{22}\/small\.jpg$/);
  assert.ok(!m.url.includes(m.id), "the id is not in the URL");
  assert.equal(m.description, "a red box");
  // EXIF orientation 6 turns the 40x20 pixels into an upright 20x40 image
  assert.deepEqual([m.meta.original.width, m.meta.original.height], [20, 40]);
  assert.equal(m.meta.original.aspect, 0.5);
  assert.deepEqual(m.meta.focus, { x: 0.5, y: -0.25 });
  assert.equal(typeof m.blurhash, "string");
  assert.equal(m.blurhash.length, 28, "a 4x3 component blurhash");

  for (const url of [m.url, m.preview_url]) await assertStripped(diskPath(app, url));
  const stored = await sharp(await readFile(diskPath(app, m.url))).metadata();
  assert.deepEqual([stored.format, stored.width, stored.height], ["jpeg", 20, 40]);
});

test("a PNG loses its text chunks; large images are scaled down and get a small preview", async () => {
  const input = await pngWithText(2400, 1200);
  assert.equal((await sharp(input).metadata()).comments?.[0]?.text, PNG_TEXT_MARKER, "the test image carries a text chunk");
  const res = await upload(app, alice.token, input, "image/png", {}, "v1");
  assert.equal(res.status, 200);
  const m = await res.json();
  assert.match(m.url, /\/original\.png$/);
  assert.deepEqual([m.meta.original.width, m.meta.original.height], [1920, 960]);
  assert.deepEqual([m.meta.small.width, m.meta.small.height], [640, 320]);
  await assertStripped(diskPath(app, m.url));
  await assertStripped(diskPath(app, m.preview_url));
  const small = await sharp(await readFile(diskPath(app, m.preview_url))).metadata();
  assert.deepEqual([small.width, small.height, small.hasAlpha], [640, 320, true]);
});

test("a GIF becomes a still PNG; a WebP stays WebP", async () => {
  const gif = await sharp({ create: { width: 12, height: 10, channels: 3, background: "#123456" } }).gif().toBuffer();
  const g = await (await upload(app, alice.token, gif, "image/gif")).json();
  assert.match(g.url, /\/original\.png$/);
  assert.equal((await sharp(await readFile(diskPath(app, g.url))).metadata()).format, "png");
  const webp = await sharp({ create: { width: 12, height: 10, channels: 3, background: "#654321" } }).webp().withExif({ IFD0: { Artist: EXIF_MARKER } }).toBuffer();
  const w = await (await upload(app, alice.token, webp, "image/webp")).json();
  assert.match(w.url, /\/original\.webp$/);
  await assertStripped(diskPath(app, w.url));
});

test("what is not an accepted image is refused with 422, and nothing is stored", async () => {
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
  const tiff = await sharp({ create: { width: 4, height: 4, channels: 3, background: "#000" } }).tiff().toBuffer();
  const truncated = (await jpegWithGps()).subarray(0, 200);
  const cases: [Uint8Array, string, RegExp][] = [
    [Buffer.from("just some text"), "text/plain", /not an image/],
    [Buffer.from("just some text"), "image/jpeg", /not an image/],
    [svg, "image/svg+xml", /not accepted|not an image/],
    [tiff, "image/tiff", /not accepted/],
    [truncated, "image/jpeg", /decoded|not an image/],
    [Buffer.from("\0\0\0 ftypisom"), "video/mp4", /Video and audio uploads are not supported yet/],
    [Buffer.from("ID3"), "audio/mpeg", /Video and audio uploads are not supported yet/],
  ];
  const before = await app.ctx.db.$count(mediaAttachments);
  for (const [bytes, type, message] of cases) {
    const res = await upload(app, alice.token, bytes, type);
    assert.equal(res.status, 422, `${type}: ${res.status}`);
    assert.match((await res.json()).error, message, type);
  }
  const afterCount = await app.ctx.db.$count(mediaAttachments);
  assert.equal(afterCount, before);
  // a form without a file, a JSON body, and no token at all
  assert.equal((await app.request("/api/v2/media", { method: "POST", token: alice.token, body: new FormData() })).status, 422);
  assert.equal((await app.request("/api/v2/media", { method: "POST", token: alice.token, json: { file: "x" } })).status, 422);
  assert.equal((await app.request("/api/v2/media", { method: "POST", body: form({ bytes: await jpegWithGps(), type: "image/jpeg" }) })).status, 401);
  const readOnly = await app.user("reader", { scopes: "read" });
  assert.equal((await upload(app, readOnly.token, await jpegWithGps(), "image/jpeg")).status, 403);
});

test("files over CARACOL_MAX_UPLOAD_MB are refused with 413", async () => {
  const small = await tempMediaDir();
  const limited = await createTestApp({ CARACOL_MEDIA_DIR: small.dir, CARACOL_MAX_UPLOAD_MB: "0.05" });
  try {
    const u = await limited.user("uploader");
    // over the limit, but small enough to be read: refused by the size check
    const over = Buffer.alloc(60 * 1024, 1);
    const res = await upload(limited, u.token, over, "image/jpeg");
    assert.equal(res.status, 413);
    assert.match((await res.json()).error, /larger than the limit/);
    // far over: refused while the body streams in
    const huge = Buffer.alloc(400 * 1024, 1);
    assert.equal((await upload(limited, u.token, huge, "image/jpeg")).status, 413);
    // under the limit: accepted
    assert.equal((await upload(limited, u.token, await jpegWithGps(), "image/jpeg")).status, 200);
  } finally {
    await limited.close();
    await small.remove();
  }
});

test("keys are random: two uploads share no pattern and the id is never part of the path", async () => {
  const a = await uploaded(app, alice.token, await jpegWithGps());
  const b = await uploaded(app, alice.token, await jpegWithGps());
  const keyA = a.path.split("/")[2];
  const keyB = b.path.split("/")[2];
  assert.notEqual(keyA, keyB);
  const bytesA = Buffer.from(keyA, "base64url");
  const bytesB = Buffer.from(keyB, "base64url");
  assert.equal(bytesA.length, 16, "128 bits");
  let differing = 0;
  for (let i = 0; i < 16; i++) for (let bit = 0; bit < 8; bit++) if (((bytesA[i] ^ bytesB[i]) >> bit) & 1) differing++;
  // two random 128-bit keys differ in about 64 bits; a counter or timestamp in only a few
  assert.ok(differing > 24, `keys differ in only ${differing} bits`);
  assert.ok(!keyA.includes(a.id) && !keyB.includes(b.id));
  assert.ok(BigInt(b.id) > BigInt(a.id), "ids do go up: that is why they are not in paths");
});

test("an upload is its uploader's until posted: get, describe, delete; others get 404", async () => {
  const m = await uploaded(app, alice.token, await jpegWithGps());
  assert.equal((await app.request(`/api/v1/media/${m.id}`, { token: bob.token })).status, 404);
  assert.equal((await app.request(`/api/v1/media/${m.id}`, { method: "PUT", token: bob.token, json: { description: "hijack" } })).status, 404);
  const got = await app.request(`/api/v1/media/${m.id}`, { token: alice.token });
  assert.equal(got.status, 200);
  const put = await app.request(`/api/v1/media/${m.id}`, { method: "PUT", token: alice.token, json: { description: "alt text", focus: "-1,1" } });
  assert.equal(put.status, 200);
  const updated = await put.json();
  assert.equal(updated.description, "alt text");
  assert.deepEqual(updated.meta.focus, { x: -1, y: 1 });
  assert.equal((await app.request(`/api/v1/media/${m.id}`, { method: "PUT", token: alice.token, json: { focus: "2,0" } })).status, 422);
  assert.equal((await app.request(`/api/v1/media/${m.id}`, { method: "PUT", token: alice.token, json: { description: "x".repeat(1501) } })).status, 422);

  const gone = await uploaded(app, alice.token, await jpegWithGps());
  assert.equal((await app.request(`/api/v1/media/${gone.id}`, { method: "DELETE", token: bob.token })).status, 404);
  assert.equal((await app.request(`/api/v1/media/${gone.id}`, { method: "DELETE", token: alice.token })).status, 200);
  await assert.rejects(stat(diskPath(app, gone.url)), "the file is removed");
  assert.equal((await app.request(`/api/v1/media/${gone.id}`, { token: alice.token })).status, 404);
});

test("posts take one's own unattached uploads, at most four, each once", async () => {
  const [m1, m2] = [await uploaded(app, alice.token, await jpegWithGps()), await uploaded(app, alice.token, await pngWithText(), "image/png")];
  const post = async (token: string, body: Record<string, unknown>) => app.request("/api/v1/statuses", { method: "POST", token, json: body });
  // someone else's upload, an unknown id, five of them: refused, and nothing gets attached
  const bobs = await uploaded(app, bob.token, await jpegWithGps());
  assert.equal((await post(alice.token, { status: "stolen", media_ids: [m1.id, bobs.id] })).status, 422);
  assert.equal((await post(alice.token, { status: "unknown", media_ids: ["12345"] })).status, 422);
  const five = [];
  for (let i = 0; i < 5; i++) five.push((await uploaded(app, alice.token, await jpegWithGps())).id);
  assert.equal((await post(alice.token, { status: "five", media_ids: five })).status, 422);
  assert.equal((await app.request(`/api/v1/media/${m1.id}`, { token: alice.token })).status, 200, "still unattached");

  // media only, no text: allowed, as in Mastodon; order kept
  const res = await post(alice.token, { status: "", media_ids: [m2.id, m1.id], visibility: "public" });
  assert.equal(res.status, 200);
  const s = await res.json();
  assert.deepEqual(s.media_attachments.map((a: { id: string }) => a.id), [m2.id, m1.id]);
  assert.equal(s.media_attachments[1].url, m1.url);

  // once attached: no longer editable through /api/v1/media, and not attachable again
  assert.equal((await app.request(`/api/v1/media/${m1.id}`, { token: alice.token })).status, 404);
  assert.equal((await app.request(`/api/v1/media/${m1.id}`, { method: "PUT", token: alice.token, json: { description: "late" } })).status, 404);
  assert.equal((await post(alice.token, { status: "again", media_ids: [m1.id] })).status, 422);

  // editing keeps the media when apps resend the same ids; a change is refused, not dropped
  const same = await app.request(`/api/v1/statuses/${s.id}`, { method: "PUT", token: alice.token, json: { status: "now with words", media_ids: [m2.id, m1.id] } });
  assert.equal(same.status, 200);
  assert.equal((await same.json()).media_attachments.length, 2);
  const other = await uploaded(app, alice.token, await jpegWithGps());
  assert.equal((await app.request(`/api/v1/statuses/${s.id}`, { method: "PUT", token: alice.token, json: { status: "swap", media_ids: [other.id] } })).status, 422);

  // deleting the post deletes its files at once
  assert.equal((await app.request(`/api/v1/statuses/${s.id}`, { method: "DELETE", token: alice.token })).status, 200);
  for (const m of [m1, m2]) await assert.rejects(stat(diskPath(app, m.url)), `${m.url} removed with its post`);
});

test("avatar and header uploads in update_credentials are stripped, shown, and replace the old files", async () => {
  const f = new FormData();
  f.append("avatar", new Blob([new Uint8Array(await jpegWithGps())], { type: "image/jpeg" }), "me.jpg");
  f.append("header", new Blob([new Uint8Array(await pngWithText(600, 200))], { type: "image/png" }), "banner.png");
  f.append("display_name", "Alice With Face");
  const res = await app.request("/api/v1/accounts/update_credentials", { method: "PATCH", token: alice.token, body: f });
  assert.equal(res.status, 200, await res.clone().text());
  const acc = await res.json();
  assert.equal(acc.display_name, "Alice With Face");
  assert.match(acc.avatar, /^http:\/\/caracol\.test\/media\/[A-Za-z0-9_-]{22}\/original\.jpg$/);
  assert.match(acc.header, /^http:\/\/caracol\.test\/media\/[A-Za-z0-9_-]{22}\/original\.png$/);
  await assertStripped(diskPath(app, acc.avatar));
  await assertStripped(diskPath(app, acc.header));
  const seen = await (await app.request(`/api/v1/accounts/${alice.id}`, { token: bob.token })).json();
  assert.equal(seen.avatar, acc.avatar);

  const again = new FormData();
  again.append("avatar", new Blob([new Uint8Array(await pngWithText())], { type: "image/png" }), "new.png");
  const next = await (await app.request("/api/v1/accounts/update_credentials", { method: "PATCH", token: alice.token, body: again })).json();
  assert.notEqual(next.avatar, acc.avatar);
  assert.equal(next.header, acc.header, "the header stays");
  await assert.rejects(stat(diskPath(app, acc.avatar)), "the previous avatar file is removed");

  const bad = new FormData();
  bad.append("avatar", new Blob([Buffer.from("not an image")], { type: "image/png" }), "x.png");
  assert.equal((await app.request("/api/v1/accounts/update_credentials", { method: "PATCH", token: alice.token, body: bad })).status, 422);
  const avatarAfter = (await (await app.request("/api/v1/accounts/verify_credentials", { token: alice.token })).json()).avatar;
  assert.equal(avatarAfter, next.avatar, "a refused upload leaves the avatar as it was");

  // a good avatar with a bad header: neither is taken, and nothing is left behind
  const rowsBefore = await app.ctx.db.$count(mediaAttachments, eq(mediaAttachments.accountId, alice.id));
  const mixed = new FormData();
  mixed.append("avatar", new Blob([new Uint8Array(await jpegWithGps())], { type: "image/jpeg" }), "ok.jpg");
  mixed.append("header", new Blob([Buffer.from("not an image")], { type: "image/png" }), "bad.png");
  assert.equal((await app.request("/api/v1/accounts/update_credentials", { method: "PATCH", token: alice.token, body: mixed })).status, 422);
  const still = await (await app.request("/api/v1/accounts/verify_credentials", { token: alice.token })).json();
  assert.deepEqual([still.avatar, still.header], [next.avatar, next.header]);
  assert.equal(await app.ctx.db.$count(mediaAttachments, eq(mediaAttachments.accountId, alice.id)), rowsBefore);
});

test("the purge job removes day-old unattached uploads and files whose row is gone", async () => {
  const dayAgo = new Date(Date.now() - 25 * 3600_000);
  const fresh = await uploaded(app, bob.token, await jpegWithGps());
  const old = await uploaded(app, bob.token, await jpegWithGps());
  const posted = await uploaded(app, bob.token, await jpegWithGps());
  await app.request("/api/v1/statuses", { method: "POST", token: bob.token, json: { status: "kept", media_ids: [posted.id] } });
  await app.ctx.db.update(mediaAttachments).set({ createdAt: dayAgo }).where(eq(mediaAttachments.id, old.id));
  await app.ctx.db.update(mediaAttachments).set({ createdAt: dayAgo }).where(eq(mediaAttachments.id, posted.id));
  // files with no row: one old (left by a deletion that could not remove them), one just written
  const orphan = newStorageKey();
  const newborn = newStorageKey();
  for (const key of [orphan, newborn]) {
    await mkdir(path.join(media.dir, key.slice(0, 2), key), { recursive: true });
    await writeFile(path.join(media.dir, key.slice(0, 2), key, "original.jpg"), "x");
  }
  await utimes(path.join(media.dir, orphan.slice(0, 2), orphan), dayAgo, dayAgo);

  const result = await purgeMedia(app.ctx);
  assert.equal(result.unattached, 1);
  assert.equal(result.orphans, 1);
  await assert.rejects(stat(diskPath(app, old.url)));
  assert.equal((await app.request(`/api/v1/media/${old.id}`, { token: bob.token })).status, 404);
  await stat(diskPath(app, fresh.url));
  await stat(diskPath(app, posted.url));
  await assert.rejects(stat(path.join(media.dir, orphan.slice(0, 2), orphan)));
  await stat(path.join(media.dir, newborn.slice(0, 2), newborn, "original.jpg"));
  assert.ok(SCHEDULED_JOBS.includes(mediaPurgeJob), "the job is scheduled");
});
