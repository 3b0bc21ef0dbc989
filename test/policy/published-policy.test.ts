// What we publish of our own federation policy: NodeInfo metadata (validated against the
// NodeInfo schemas, and read back by the same reader that reads other servers), and the peers
// and domain-block lists, answered as the admin's visibility settings say.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { startTestServer, type TestServer } from "../helpers/app.ts";
import { accounts, circleMembers, circles, domainBlocks } from "../../src/db/schema/index.ts";
import { newId } from "../../src/lib/id.ts";
import { setSetting } from "../../src/domain/instance/settings.ts";
import { sha256Hex } from "../../src/domain/federation-policy/digest.ts";
import { forgetStandings } from "../../src/domain/federation-policy/standing.ts";
import { readNodeInfo } from "../../src/federation/policy-scan/nodeinfo.ts";
import { localUser } from "../federation/outbox-helpers.ts";

const require = createRequire(import.meta.url);
const SPEC = path.resolve(import.meta.dirname, "../../../shared/spec");
let server: TestServer;

before(async () => {
  server = await startTestServer({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true" }, "127.0.0.11");
});
after(() => server?.close());

async function get(p: string, token?: string) {
  const res = await fetch(`${server.url}${p}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: await res.json() };
}

async function validNodeInfo(): Promise<Record<"2.0" | "2.1", any>> {
  const Ajv = require("ajv-draft-04").default;
  const out: Record<string, any> = {};
  for (const v of ["2.0", "2.1"] as const) {
    const body = (await get(`/nodeinfo/${v}`)).body;
    const validate = new Ajv({ strict: false }).compile(JSON.parse(fs.readFileSync(path.join(SPEC, `nodeinfo-${v}.schema.json`), "utf8")));
    assert.ok(validate(body), `${v}: ${JSON.stringify(validate.errors)}`);
    out[v] = body;
  }
  return out as Record<"2.0" | "2.1", any>;
}

const skip = fs.existsSync(SPEC) ? false : "../shared/spec is absent";

test("NodeInfo on a fresh install: the policy, no rule lists (withheld, as Pleroma marks it)", { skip }, async () => {
  const ni = await validNodeInfo();
  for (const body of Object.values(ni)) {
    assert.deepEqual(body.metadata.caracol, {
      federationMode: "blocklist",
      metaPolicy: "suspended",
      transitivePolicy: "restrict",
      signedFetchRequired: true,
      approvalRequired: server.app.ctx.config.registrations === "approval",
    });
    const fed = body.metadata.federation;
    assert.equal(fed.exclusions, true);
    assert.deepEqual(fed.mrf_policies, ["SimplePolicy"]);
    assert.deepEqual(fed.mrf_simple.reject, [], "the rules stay unpublished by default");
    assert.deepEqual(body.metadata.localBubbleInstances, []);
  }
});

test("NodeInfo with the rules published is read back by our own reader with the same fields", { skip }, async () => {
  const { ctx } = server.app;
  await ctx.db.insert(domainBlocks).values([
    { id: newId(), domain: "hidden.example", severity: "suspend", obfuscate: true, publicComment: "harassment" },
    { id: newId(), domain: "loud.example", severity: "silence", rejectMedia: true },
  ]);
  const circleId = newId();
  await ctx.db.insert(circles).values([
    { id: circleId, name: "neighbours", published: true },
    { id: newId(), name: "mirror", published: true, sourceUrl: "https://elsewhere.example/circles/1" },
  ]);
  await ctx.db.insert(circleMembers).values({ circleId, domain: "friend.example" });
  await setSetting(ctx, "publishRulesInNodeinfo", true);
  await setSetting(ctx, "transitivePolicy", "block");
  await setSetting(ctx, "introduction", { text: "A small garden club.", contact: "admin@garden.example" });
  forgetStandings(ctx);

  const ni = await validNodeInfo();
  const meta = ni["2.1"].metadata;
  assert.equal(meta.caracol.transitivePolicy, "block");
  assert.deepEqual(meta.caracol.introduction, { text: "A small garden club.", contact: "admin@garden.example" });
  const hidden = meta.caracol.rules.find((r: { digest: string }) => r.digest === sha256Hex("hidden.example"));
  assert.equal(hidden.severity, "suspend");
  assert.notEqual(hidden.domain, "hidden.example", "obfuscated as asked");
  assert.deepEqual(meta.federation.mrf_simple.reject.sort(), [hidden.domain, "threads.com", "threads.net"].sort());
  assert.deepEqual(meta.federation.mrf_simple.federated_timeline_removal, ["loud.example"]);
  assert.deepEqual(meta.federation.mrf_simple.media_removal, ["loud.example"]);
  assert.equal(meta.federation.exclusions, false);
  assert.deepEqual(meta.localBubbleInstances, ["friend.example"], "only circles we publish ourselves");

  const read = await readNodeInfo(ctx, server.url);
  assert.equal(read.status, 200);
  assert.equal(read.software, "caracol");
  assert.deepEqual(read.policy!.caracol, meta.caracol, "the reader sees exactly what we publish");
  assert.deepEqual(read.blocks.sort(), ["threads.com", "threads.net", `sha256:${sha256Hex("hidden.example")}`].sort());
  assert.deepEqual(read.federatesWith, ["friend.example"]);
});

test("peers and domain_blocks: 404 by default, 401 for anonymous when for users, public when all", async () => {
  const { ctx } = server.app;
  const alice = await localUser(ctx, "alice");
  for (const [domain, uri] of [["friend.example", "https://friend.example/users/f"], ["threads.net", "https://threads.net/ap/users/z"], ["other.example:8443", "https://other.example:8443/u/o"]]) {
    await ctx.db.insert(accounts).values({ id: newId(), username: "x", domain, uri });
  }
  for (const p of ["/api/v1/instance/peers", "/api/v1/instance/domain_blocks"]) {
    assert.equal((await get(p)).status, 404, p);
    assert.equal((await get(p, alice.token)).status, 404, `${p}: not even for local users`);
  }
  await setSetting(ctx, "peersVisibility", "users");
  await setSetting(ctx, "domainBlocksVisibility", "users");
  assert.equal((await get("/api/v1/instance/peers")).status, 401);
  assert.equal((await get("/api/v1/instance/domain_blocks")).status, 401);
  const peers = await get("/api/v1/instance/peers", alice.token);
  assert.equal(peers.status, 200);
  assert.deepEqual(peers.body, ["friend.example", "other.example"], "known servers, minus the ones we block");
  const blocks = await get("/api/v1/instance/domain_blocks", alice.token);
  assert.equal(blocks.status, 200);
  assert.ok(blocks.body.some((b: { domain: string; severity: string }) => b.domain === "threads.net" && b.severity === "suspend"));
  await setSetting(ctx, "peersVisibility", "all");
  await setSetting(ctx, "domainBlocksVisibility", "all");
  assert.equal((await get("/api/v1/instance/peers")).status, 200);
  assert.equal((await get("/api/v1/instance/domain_blocks")).status, 200);
});
