// The choke point's guarantees on their own: every audience but public is refused before any
// request, so are undeclared fields and destinations, and the headers are ours alone. Also the
// admin CLI (`integration list|enable|disable`) and the page and link readers.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { AUDIENCES } from "../../src/db/schema/statuses.ts";
import { sendToIntegration, type TransportRequest } from "../../src/domain/integrations/send.ts";
import { IntegrationError, integrationState, setIntegration } from "../../src/domain/integrations/state.ts";
import { INTEGRATIONS } from "../../src/domain/integrations/registry.ts";
import { firstLink, readPageMeta } from "../../src/domain/integrations/page-meta.ts";
import { runCommand } from "../../src/cli/commands.ts";

let app: TestApp;
const sent: TransportRequest[] = [];
const transport = async (r: TransportRequest) => {
  sent.push(r);
  return { status: 200, url: r.url, contentType: "application/json", body: "{}" };
};
const refusal = (kind: IntegrationError["kind"]) => (e: unknown) => e instanceof IntegrationError && e.kind === kind;
const PUBLIC = { audience: "public", localOnly: false } as const;
const ENDPOINT = "https://translate.example/translate";

before(async () => {
  app = await createTestApp();
});
after(async () => {
  await app.close();
});

test("every integration is off on a fresh install, and off sends nothing", async () => {
  for (const name of Object.keys(INTEGRATIONS) as (keyof typeof INTEGRATIONS)[]) {
    assert.equal((await integrationState(app.ctx, name)).enabled, false, name);
  }
  await assert.rejects(sendToIntegration(app.ctx, transport, "link-previews", PUBLIC, { url: "https://a.example/", accept: "text/html" }), refusal("off"));
  assert.equal(sent.length, 0);
});

test("only public, federating posts pass; the rest is refused before any request", async () => {
  await setIntegration(app.ctx, "translation", true, { endpoint: ENDPOINT });
  const call = { url: ENDPOINT, body: { q: "hola", source: "es", target: "en", format: "html" }, accept: "application/json" };
  for (const audience of AUDIENCES.filter((a) => a !== "public")) {
    await assert.rejects(sendToIntegration(app.ctx, transport, "translation", { audience, localOnly: false }, call), refusal("refused"), audience);
  }
  await assert.rejects(sendToIntegration(app.ctx, transport, "translation", { audience: "public", localOnly: true }, call), refusal("refused"));
  assert.equal(sent.length, 0);
  await sendToIntegration(app.ctx, transport, "translation", PUBLIC, call);
  assert.equal(sent.length, 1);
  assert.deepEqual(Object.keys(sent[0]!.headers).sort(), ["accept", "content-type", "user-agent"]);
  assert.match(sent[0]!.headers["user-agent"]!, /^Caracol\/[\d.]+ \(\+http:\/\/caracol\.test\)$/);
  assert.deepEqual(JSON.parse(sent[0]!.body!), call.body);
});

test("undeclared fields, other destinations and bodies on GETs are refused", async () => {
  sent.length = 0;
  const body = { q: "hola", source: "es", target: "en", format: "html" };
  await assert.rejects(sendToIntegration(app.ctx, transport, "translation", PUBLIC, { url: ENDPOINT, body: { ...body, ip: "203.0.113.5" }, accept: "application/json" }), refusal("refused"));
  await assert.rejects(sendToIntegration(app.ctx, transport, "translation", PUBLIC, { url: "https://elsewhere.example/translate", body, accept: "application/json" }), refusal("refused"));
  await setIntegration(app.ctx, "link-previews", true);
  await assert.rejects(sendToIntegration(app.ctx, transport, "link-previews", PUBLIC, { url: "https://a.example/", body: { url: "x" }, accept: "text/html" }), refusal("refused"));
  for (const url of ["file:///etc/passwd", "https://user:pw@a.example/", "not a url"]) {
    await assert.rejects(sendToIntegration(app.ctx, transport, "link-previews", PUBLIC, { url, accept: "text/html" }), refusal("refused"), url);
  }
  assert.equal(sent.length, 0);
  await setIntegration(app.ctx, "link-previews", false);
  await setIntegration(app.ctx, "translation", false);
});

test("the CLI lists what each integration sends, enables only with --yes, disables", async () => {
  const cli = (...argv: string[]) => runCommand(app.ctx, argv, "");
  const list = await cli("integration", "list");
  assert.equal(list.code, 0);
  assert.match(list.out, /^link-previews\toff\t/m);
  assert.match(list.out, /^translation\toff\t/m);
  assert.match(list.out, /^safety-check\toff \(declared only, not built\)/m);
  assert.match(list.out, /sends q: the post's content warning or text/);
  assert.match(list.out, /never sends IP addresses or user agents of anyone/);

  const plan = await cli("integration", "enable", "translation", "--option", "endpoint=https://lt.example/translate");
  assert.equal(plan.code, 0);
  assert.match(plan.out, /POST to https:\/\/lt\.example\/translate:/);
  assert.match(plan.out, /Nothing changed yet/);
  assert.equal((await integrationState(app.ctx, "translation")).enabled, false);
  const bad = await cli("integration", "enable", "translation", "--option", "endpoint=ftp://x.example/", "--yes");
  assert.equal(bad.code, 1);
  assert.equal((await integrationState(app.ctx, "translation")).enabled, false);
  const done = await cli("integration", "enable", "translation", "--option", "endpoint=https://lt.example/translate", "--yes");
  assert.match(done.out, /translation is on/);
  assert.deepEqual((await integrationState(app.ctx, "translation")).options, { endpoint: "https://lt.example/translate" });
  assert.match((await cli("integration", "list")).out, /^translation\ton\t/m);
  assert.match((await cli("integration", "disable", "translation")).out, /translation is off/);
  assert.equal((await integrationState(app.ctx, "translation")).enabled, false);
  assert.equal((await cli("integration", "enable", "safety-check", "--yes")).code, 1, "declared only");
  assert.equal((await cli("integration", "enable", "nope")).code, 1);
});

test("the first link skips mentions and hashtags; the page's card comes from OpenGraph, then <title>", () => {
  const html = '<p><a href="https://x.example/@a" class="u-url mention">@a</a> <a href="https://x.example/tags/t" class="mention hashtag" rel="tag">#t</a> <a href="javascript:alert(1)">no</a> <a href="https://news.example/story?a=1&amp;b=2">story</a></p>';
  assert.equal(firstLink(html), "https://news.example/story?a=1&b=2");
  assert.equal(firstLink("<p>no links</p>"), null);
  const og = readPageMeta('<meta property="og:title" content="T &#38; U"><meta name="description" content="D"><meta property="og:image" content="/i.png">', "https://p.example/a/b");
  assert.deepEqual([og.title, og.description, og.image], ["T & U", "D", "https://p.example/i.png"]);
  assert.equal(readPageMeta("<title>\n Plain  title </title>", "https://p.example/").title, "Plain title");
});
