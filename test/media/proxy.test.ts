// The remote media proxy (src/web/media-proxy.ts): the API gives /proxy/<token> URLs for remote
// attachments and avatars, loading them returns the remote bytes, the remote server sees our
// User-Agent and nothing of the reader's request, forged tokens and blocked servers get
// nothing, and with CARACOL_MEDIA_PROXY=false the remote URLs are given as before.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mediaAttachments } from "../../src/db/schema/index.ts";
import { newId } from "../../src/lib/id.ts";
import { remoteMediaUrls } from "../../src/domain/media/remote-proxy.ts";
import { saveRule } from "../../src/domain/federation-policy/domain-rules.ts";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { makeStatus, remoteAccount, setAccount } from "../helpers/fixtures.ts";

const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a5e70000000049454e44ae426082", "hex");

type Remote = { origin: string; seen: http.IncomingHttpHeaders[]; close(): Promise<void> };

/** A stand-in remote server on its own loopback address that records every request's headers. */
async function remoteServer(host: string): Promise<Remote> {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    if (req.url?.endsWith(".png")) return res.writeHead(200, { "content-type": "image/png" }).end(PNG);
    if (req.url?.endsWith(".html")) return res.writeHead(200, { "content-type": "text/html" }).end("<script>alert(1)</script>");
    if (req.url?.endsWith(".svg")) return res.writeHead(200, { "content-type": "image/svg+xml" }).end("<svg/>");
    res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, host, ok));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://${host}:${port}`, seen, close: () => new Promise((ok) => server.close(() => ok())) };
}

let app: TestApp;
let remote: Remote;
let reader: { id: string; token: string };
let bob: string;
let statusId: string;

async function remotePost(a: TestApp, r: Remote) {
  const host = new URL(r.origin).host;
  const account = await remoteAccount(a, "bob", host);
  await setAccount(a, account, { avatarUrl: `${r.origin}/avatar.png`, headerUrl: `${r.origin}/header.png` });
  const status = await makeStatus(a, account, { audience: "public" });
  await a.ctx.db.insert(mediaAttachments).values({ id: newId(), statusId: status.id, accountId: account, type: "image", contentType: "image/png", remoteUrl: `${r.origin}/media/1.png`, description: "a picture", position: 0 });
  return { account, status: status.id };
}

before(async () => {
  remote = await remoteServer("127.0.0.2");
  app = await createTestApp({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true" });
  reader = await app.user("reader");
  ({ account: bob, status: statusId } = await remotePost(app, remote));
});

after(async () => {
  await app.close();
  await remote.close();
});

/** A load as a reader's app makes it: with the reader's token, a cookie, its own agent and address headers. */
const load = (url: string) =>
  app.request(new URL(url).pathname, {
    token: reader.token,
    headers: { cookie: "caracol_session=secret-cookie", "user-agent": "ReaderApp/1.0", "x-forwarded-for": "203.0.113.7", referer: "https://reader.example/" },
  });

test("the API gives proxied URLs for a remote attachment and a remote avatar; loading them returns the bytes", async () => {
  const status = (await (await app.request(`/api/v1/statuses/${statusId}`, { token: reader.token })).json()) as any;
  const media = status.media_attachments[0];
  for (const u of [media.url, media.preview_url, media.remote_url, status.account.avatar, status.account.header]) {
    assert.ok(u.startsWith(`${app.config.origin}/proxy/`), u);
    assert.ok(!u.includes("127.0.0.2"), "the remote address is not in the URL as text");
  }
  const account = (await (await app.request(`/api/v1/accounts/${bob}`, { token: reader.token })).json()) as any;
  assert.equal(account.avatar, status.account.avatar);

  remote.seen.length = 0;
  for (const u of [media.url, account.avatar]) {
    const res = await load(u);
    assert.equal(res.status, 200);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG);
    assert.equal(res.headers.get("content-type"), "image/png");
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.match(res.headers.get("content-security-policy")!, /default-src 'none'/);
    assert.match(res.headers.get("cache-control")!, /private/);
  }
  assert.equal(remote.seen.length, 2);
  for (const h of remote.seen) {
    assert.match(h["user-agent"]!, /^Caracol\//);
    for (const name of ["cookie", "authorization", "x-forwarded-for", "forwarded", "x-real-ip", "referer"]) assert.equal(h[name], undefined, `${name} was forwarded`);
  }
});

test("tampered tokens, and a token moved to another URL or kind, are refused without a fetch", async () => {
  const status = (await (await app.request(`/api/v1/statuses/${statusId}`, { token: reader.token })).json()) as any;
  const token = new URL(status.media_attachments[0].url).pathname.split("/")[2]!;
  const [kind, mac, url] = token.split(".");
  const other = Buffer.from(`${remote.origin}/media/2.png`).toString("base64url");
  const flipped = mac!.slice(0, -2) + (mac!.endsWith("AA") ? "BB" : "AA");
  remote.seen.length = 0;
  for (const bad of [`${kind}.${flipped}.${url}`, `${kind}.${mac}.${other}`, `i.${mac}.${url}`, `${kind}.${mac}`, "nonsense"]) {
    const res = await app.request(`/proxy/${bad}`);
    assert.ok(res.status === 403 || res.status === 404, `${bad}: ${res.status}`);
  }
  assert.equal(remote.seen.length, 0, "nothing was fetched for a forged token");
});

test("files that are not media are refused, and SVG too", async () => {
  const proxy = await remoteMediaUrls(app.ctx);
  assert.equal((await load(proxy(`${remote.origin}/page.html`, "m")!)).status, 502);
  assert.equal((await load(proxy(`${remote.origin}/drawing.svg`, "i")!)).status, 502);
  assert.equal((await load(proxy(`${remote.origin}/missing.gif`, "i")!)).status, 404);
});

test("a suspended server's media, and media we reject, is refused without contacting it", async () => {
  const blocked = await remoteServer("127.0.0.3");
  const rejecting = await remoteServer("127.0.0.4");
  try {
    // URLs issued before the rules were made (an app may still hold them)
    const proxy = await remoteMediaUrls(app.ctx);
    const first = proxy(`${blocked.origin}/media/1.png`, "m")!;
    const second = proxy(`${rejecting.origin}/media/1.png`, "m")!;
    await saveRule(app.ctx, { domain: "127.0.0.3", severity: "suspend" });
    await saveRule(app.ctx, { domain: "127.0.0.4", severity: "silence", rejectMedia: true });
    assert.equal((await load(first)).status, 404);
    assert.equal((await load(second)).status, 404);
    assert.equal(blocked.seen.length + rejecting.seen.length, 0);
  } finally {
    await blocked.close();
    await rejecting.close();
  }
});

test("with CARACOL_MEDIA_PROXY=false the API gives the remote URLs and /proxy answers nothing", async () => {
  const off = await createTestApp({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true", CARACOL_MEDIA_PROXY: "false" });
  try {
    const r = await off.user("reader");
    const { status } = await remotePost(off, remote);
    const json = (await (await off.request(`/api/v1/statuses/${status}`, { token: r.token })).json()) as any;
    assert.equal(json.media_attachments[0].url, `${remote.origin}/media/1.png`);
    assert.equal(json.media_attachments[0].remote_url, `${remote.origin}/media/1.png`);
    assert.equal(json.account.avatar, `${remote.origin}/avatar.png`);
    const token = new URL((await remoteMediaUrls(app.ctx))(`${remote.origin}/media/1.png`, "m")!).pathname;
    assert.equal((await off.request(token)).status, 404);
  } finally {
    await off.close();
  }
});
