// Third-party integrations end to end: off by default nothing leaves (a recording server gets
// no request at all); on, only public posts leave, link previews become Status.card, translation
// answers for public posts and is refused for the rest, and no request carries anything of the
// person who asked (address, X-Forwarded-For, user agent, cookies).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { makeStatus, remoteAccount } from "../helpers/fixtures.ts";
import { startRecorder, type Recorder } from "./recorder.ts";
import { fetchDueLinkPreviews } from "../../src/domain/integrations/link-previews.ts";
import { integrationTransport } from "../../src/server/integrations.ts";
import { CARACOL_VERSION } from "../../src/lib/version.ts";
import { unproxy } from "../helpers/proxy.ts";

const CLIENT = { from: "203.0.113.77", headers: { "user-agent": "SecretClient/9.9 (person's phone)", "x-forwarded-for": "198.51.100.23", cookie: "session=person-secret" } };
const LEAKS = ["203.0.113.77", "198.51.100.23", "192.0.2.10", "SecretClient", "person-secret", "person's phone"];

let app: TestApp;
let rec: Recorder;
let alice: { id: string; token: string };
let bob: { id: string; token: string };
let admin: { id: string; token: string };

before(async () => {
  rec = await startRecorder();
  app = await createTestApp({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true" });
  alice = await app.user("alice");
  bob = await app.user("bob");
  admin = await app.user("boss", { admin: true, scopes: "read write admin:read admin:write" });
});
after(async () => {
  await app.close();
  await rec.close();
});

async function post(token: string, status: string, visibility: string, audience?: string) {
  const res = await app.request("/api/v1/statuses", { method: "POST", token, json: { status, visibility, ...(audience ? { caracol_audience: audience } : {}) }, ...CLIENT });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as { id: string; card: unknown; visibility: string };
}

const translate = (id: string, token = bob.token) => app.request(`/api/v1/statuses/${id}/translate`, { method: "POST", token, json: { lang: "en" }, ...CLIENT });
const card = async (id: string, token = alice.token) => ((await (await app.request(`/api/v1/statuses/${id}`, { token })).json()) as { card: Record<string, unknown> | null }).card;
const runJob = () => fetchDueLinkPreviews(app.ctx, integrationTransport(app.ctx));

function assertNothingOfThePerson() {
  for (const r of rec.received) {
    const all = JSON.stringify(r.headers) + r.body;
    for (const leak of LEAKS) assert.ok(!all.includes(leak), `${r.method} ${r.path} carried ${leak}: ${all}`);
    assert.deepEqual(Object.keys(r.headers).filter((h) => /forwarded|^x-real-ip|cookie|authorization|^via$/.test(h)), [], `${r.path}: ${Object.keys(r.headers)}`);
    assert.equal(r.headers["user-agent"], `Caracol/${CARACOL_VERSION} (+http://caracol.test)`);
  }
}

test("off by default: posting links and asking for translations sends no request at all", async () => {
  const instance = await (await app.request("/api/v2/instance")).json();
  assert.equal(instance.configuration.translation.enabled, false);
  const s = await post(alice.token, `look ${rec.origin}/page/off-public`, "public");
  const remote = await remoteAccount(app, "carol", "remote.example");
  await makeStatus(app, remote, { content: `<p><a href="${rec.origin}/page/off-remote">link</a></p>` });
  assert.equal(await runJob(), 0);
  const res = await translate(s.id);
  assert.equal(res.status, 403);
  assert.match((await res.json()).error, /not enabled/);
  assert.equal(await card(s.id), null);
  assert.equal(rec.received.length, 0, JSON.stringify(rec.received.map((r) => r.path)));
  const list = await (await app.request("/api/v1/caracol/admin/integrations", { token: admin.token })).json();
  assert.deepEqual(list.map((i: { name: string; enabled: boolean }) => [i.name, i.enabled]), [["link-previews", false], ["translation", false], ["safety-check", false]]);
  assert.deepEqual(list.find((i: { name: string }) => i.name === "translation").sends.map((f: { field: string }) => f.field), ["q", "source", "target", "format", "api_key"]);
});

test("on: public posts, local or remote, get a card; other audiences never cause a request", async () => {
  let res = await app.request("/api/v1/caracol/admin/integrations/link-previews", { method: "PUT", token: admin.token, json: { enabled: true } });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).enabled, true);
  rec.received.length = 0;
  const pub = await post(alice.token, `look ${rec.origin}/page/public`, "public");
  const hidden = [
    await post(alice.token, `look ${rec.origin}/page/unlisted`, "unlisted"),
    await post(alice.token, `look ${rec.origin}/page/followers`, "private"),
    await post(alice.token, `look @bob ${rec.origin}/page/direct`, "direct"),
    await post(alice.token, `look ${rec.origin}/page/local`, "public", "local"),
    await post(alice.token, `look ${rec.origin}/page/authenticated`, "public", "authenticated"),
  ];
  const remote = await remoteAccount(app, "dave", "remote2.example");
  const remotePub = await makeStatus(app, remote, { content: `<p><a href="https://remote2.example/@x" class="u-url mention">@x</a> <a href="${rec.origin}/page/remote">link</a></p>` });
  await makeStatus(app, remote, { audience: "followers", content: `<p><a href="${rec.origin}/page/remote-followers">link</a></p>` });
  await runJob();
  assert.deepEqual(rec.received.map((r) => `${r.method} ${r.path}`).sort(), ["GET /page/public", "GET /page/remote"]);
  assertNothingOfThePerson();
  const c = await card(pub.id);
  assert.equal(c?.title, "A page & its card");
  assert.equal(c?.description, "What /page/public is about");
  assert.equal(unproxy(c?.image as string | null), `${rec.origin}/image.png`, "the card image goes through the media proxy");
  assert.equal(c?.url, `${rec.origin}/page/public`);
  assert.equal((await card(remotePub.id))?.url, `${rec.origin}/page/remote`);
  for (const s of hidden) assert.equal(await card(s.id), null, s.visibility);
  // Nothing is fetched twice, and turning it off stops it at once.
  await runJob();
  assert.equal(rec.received.length, 2);
  await app.request("/api/v1/caracol/admin/integrations/link-previews", { method: "PUT", token: admin.token, json: { enabled: false } });
  await post(alice.token, `look ${rec.origin}/page/after-off`, "public");
  await runJob();
  assert.equal(rec.received.length, 2);
});

test("translation: public posts only, through the configured endpoint, with nothing of the asker", async () => {
  const bad = await app.request("/api/v1/caracol/admin/integrations/translation", { method: "PUT", token: admin.token, json: { enabled: true } });
  assert.equal(bad.status, 422, "an endpoint is required");
  const res = await app.request("/api/v1/caracol/admin/integrations/translation", { method: "PUT", token: admin.token, json: { enabled: true, options: { endpoint: `${rec.origin}/translate`, api_key: "k-123" } } });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).option_values.api_key, "(set)");
  assert.equal((await (await app.request("/api/v2/instance")).json()).configuration.translation.enabled, true);
  rec.received.length = 0;

  const pub = await post(alice.token, "hola mundo", "public");
  let t = await translate(pub.id);
  assert.equal(t.status, 200, await t.clone().text());
  const body = await t.json();
  assert.match(body.content, /^\[translated\] <p>hola mundo<\/p>$/);
  assert.equal(body.language, "en");
  assert.equal(rec.received.length, 1);
  assert.equal(rec.received[0]!.path, "/translate");
  assert.deepEqual(Object.keys(JSON.parse(rec.received[0]!.body)).sort(), ["api_key", "format", "q", "source", "target"]);
  assertNothingOfThePerson();

  for (const [visibility, audience] of [["unlisted"], ["private"], ["public", "authenticated"], ["public", "local"]] as const) {
    const s = await post(alice.token, "secreto", visibility, audience);
    t = await translate(s.id, alice.token);
    assert.equal(t.status, 403, `${visibility}/${audience}`);
    assert.match((await t.json()).error, /Only public posts/);
  }
  const direct = await post(alice.token, "@bob secreto", "direct");
  assert.equal((await translate(direct.id)).status, 403, "bob may see it, but it is not public");
  const other = await post(alice.token, "para mis seguidores", "private");
  assert.equal((await translate(other.id)).status, 404, "bob may not see it at all");
  assert.equal(rec.received.length, 1, "no other request left");
  assert.ok(!rec.received.some((r) => r.body.includes("secreto") || r.body.includes("seguidores")));

  // A service that fails is Mastodon's 503.
  await app.request("/api/v1/caracol/admin/integrations/translation", { method: "PUT", token: admin.token, json: { options: { endpoint: `${rec.origin}/missing` } } });
  t = await translate(pub.id);
  assert.equal(t.status, 503);
});
