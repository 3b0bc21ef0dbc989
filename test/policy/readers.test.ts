// The policy-scan readers, one source at a time, on documents shaped like the ones Pleroma,
// Akkoma, Mastodon, Misskey and Lemmy serve, and over real HTTP on loopback: refusals,
// timeouts and non-JSON answers are evidence of nothing ("unknown"), never "clean".
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { blocklistEntries, blocklistSubscriptions, domainBlocks, serverScans } from "../../src/db/schema/index.ts";
import { newId } from "../../src/lib/id.ts";
import { sha256Hex } from "../../src/domain/federation-policy/digest.ts";
import { nodeInfoHref, parseNodeInfo, readNodeInfo } from "../../src/federation/policy-scan/nodeinfo.ts";
import { parseDomainBlocks, parsePeers, readPeers } from "../../src/federation/policy-scan/mastodon.ts";
import { parseMisskeyInstances } from "../../src/federation/policy-scan/misskey.ts";
import { parseLemmy } from "../../src/federation/policy-scan/lemmy.ts";
import { scanServer } from "../../src/federation/policy-scan/scan.ts";
import { reevaluateVerdicts, suspendedAmong, verdictFrom, PARTIAL_NOTE } from "../../src/domain/federation-policy/transitive.ts";
import { forgetStandings, serverStanding } from "../../src/domain/federation-policy/standing.ts";
import { eq } from "drizzle-orm";

/** A tiny server whose answers depend on method, path and JSON body; "hang" never answers. */
type Answer = { status?: number; json?: unknown; text?: string } | "hang";
async function fakeServer(host: string, answer: (method: string, path: string, body: any) => Answer | undefined) {
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer(async (req, res) => {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const a = answer(req.method ?? "GET", new URL(req.url ?? "/", "http://x").pathname, raw ? JSON.parse(raw) : undefined) ?? { status: 404, json: { error: "Not found" } };
    if (a === "hang") return void hanging.add(res);
    res.writeHead(a.status ?? 200, { "content-type": a.text !== undefined ? "text/html" : "application/json" });
    res.end(a.text ?? JSON.stringify(a.json));
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const origin = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () => new Promise<void>((r) => {
      for (const res of hanging) res.destroy();
      server.close(() => r());
      server.closeAllConnections();
    }),
  };
}

const NI = "http://nodeinfo.diaspora.software/ns/schema/";
const nodeinfoIndex = (origin: string) => ({ links: [{ rel: `${NI}2.0`, href: `${origin}/nodeinfo/2.0.json` }, { rel: `${NI}2.1`, href: `${origin}/nodeinfo/2.1.json` }] });

/** Pleroma 2.x with MRF transparency on, as /nodeinfo/2.1.json serves it. */
const PLEROMA = {
  version: "2.1",
  software: { name: "pleroma", version: "2.7.0", repository: "https://git.pleroma.social/pleroma/pleroma" },
  protocols: ["activitypub"],
  services: { inbound: [], outbound: [] },
  openRegistrations: false,
  usage: { users: { total: 12, activeMonth: 5, activeHalfyear: 8 }, localPosts: 4242 },
  metadata: {
    nodeName: "pleroma.example",
    federation: {
      enabled: true,
      exclusions: false,
      mrf_policies: ["SimplePolicy", "ObjectAgePolicy", "TagPolicy"],
      mrf_simple: {
        accept: [],
        avatar_removal: [],
        banner_removal: [],
        federated_timeline_removal: ["botsin.space"],
        followers_only: [],
        media_nsfw: [],
        media_removal: ["mstdn.jp"],
        reject: ["threads.net", "gab.com"],
        reject_deletes: [],
        report_removal: [],
      },
      mrf_simple_info: { reject: { "threads.net": { reason: "Meta" } } },
      quarantined_instances: ["quarantine.example"],
      quarantined_instances_info: { quarantined_instances: {} },
    },
    features: ["pleroma_api", "mastodon_api"],
  },
};

/** Akkoma, with an allow-list and a bubble. */
const AKKOMA = {
  version: "2.0",
  software: { name: "akkoma", version: "3.13.2" },
  protocols: ["activitypub"],
  services: { inbound: [], outbound: [] },
  openRegistrations: false,
  usage: { users: { total: 3 } },
  metadata: {
    federation: { enabled: true, exclusions: true, mrf_policies: ["SimplePolicy"], mrf_simple: { accept: ["friends.example", "threads.net"], reject: [] } },
    localBubbleInstances: ["bubble.example", "Social.Example"],
  },
};

let app: TestApp;
before(async () => {
  app = await createTestApp({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true" });
  await app.ctx.db.insert(domainBlocks).values([
    { id: newId(), domain: "bad.example", severity: "suspend" },
    { id: newId(), domain: "ok.bad.example", severity: "noop" },
    { id: newId(), domain: "loud.example", severity: "silence" },
  ]);
});
after(() => app?.close());

test("NodeInfo: Pleroma's rejects are its blocks, quarantine is recorded, usage is not read", () => {
  const r = parseNodeInfo(PLEROMA);
  assert.equal(r.software, "pleroma");
  assert.deepEqual(r.blocks, ["threads.net", "gab.com"]);
  assert.deepEqual(r.federatesWith, []);
  assert.deepEqual((r.policy!.federation as any).quarantined_instances, ["quarantine.example"]);
  assert.deepEqual((r.policy!.federation as any).mrf_policies, ["SimplePolicy", "ObjectAgePolicy", "TagPolicy"]);
});

test("NodeInfo: Akkoma's allow-list and bubble are servers it federates with; links prefer 2.1 on the same host", () => {
  const r = parseNodeInfo(AKKOMA);
  assert.deepEqual(r.federatesWith.sort(), ["bubble.example", "friends.example", "social.example", "threads.net"]);
  assert.equal((r.policy!.federation as any).exclusions, true);
  assert.equal(nodeInfoHref(nodeinfoIndex("https://a.example"), "https://a.example"), "https://a.example/nodeinfo/2.1.json");
  assert.equal(nodeInfoHref({ links: [{ rel: `${NI}2.1`, href: "https://elsewhere.example/ni" }] }, "https://a.example"), null, "never fetched from another host");
  assert.equal(nodeInfoHref({ nope: 1 }, "https://a.example"), null);
});

test("Mastodon: peers are a list of names; published blocks keep suspensions, obfuscated ones by digest", () => {
  assert.deepEqual(parsePeers(["mastodon.social", "Pixelfed.Social"]), ["mastodon.social", "pixelfed.social"]);
  assert.equal(parsePeers({ error: "This method requires an authenticated user" }), null);
  const digest = sha256Hex("threads.net");
  const blocks = parseDomainBlocks([
    { domain: "thr****.net", digest, severity: "suspend", comment: "Meta" },
    { domain: "gab.com", digest: sha256Hex("gab.com"), severity: "suspend", comment: null },
    { domain: "botsin.space", digest: sha256Hex("botsin.space"), severity: "silence", comment: "bots" },
  ]);
  assert.deepEqual(blocks, [`sha256:${digest}`, "gab.com"]);
});

test("Misskey and Lemmy: instance lists read into names", () => {
  const instances = parseMisskeyInstances([
    { id: "9a1", firstRetrievedAt: "2024-01-01T00:00:00.000Z", host: "threads.net", usersCount: 3, notesCount: 10, followingCount: 2, followersCount: 1, isNotResponding: false, isSuspended: false, isBlocked: false, softwareName: "threads", softwareVersion: "1", openRegistrations: false, name: null, description: null, maintainerName: null, maintainerEmail: null, iconUrl: null, faviconUrl: null, themeColor: null, infoUpdatedAt: null, isSilenced: false },
  ]);
  assert.equal(instances?.[0]?.host, "threads.net");
  assert.equal(parseMisskeyInstances({ error: { code: "NO_SUCH_ENDPOINT" } }), null);
  const lemmy = parseLemmy({
    federated_instances: {
      linked: [{ id: 1, domain: "lemmy.world", published: "2023-06-01T00:00:00Z", software: "lemmy", version: "0.19.3" }, { id: 2, domain: "threads.net", published: "2023-12-01T00:00:00Z" }],
      allowed: [],
      blocked: [{ id: 3, domain: "exploding-heads.com", published: "2023-06-01T00:00:00Z" }],
    },
  });
  assert.deepEqual(lemmy, { linked: ["lemmy.world", "threads.net"], blocked: ["exploding-heads.com"] });
  assert.equal(parseLemmy({ federated_instances: null }), null);
});

test("which listed servers we suspend: subdomains count, a milder rule on a subdomain wins, lists by digest", async () => {
  const subId = newId();
  await app.ctx.db.insert(blocklistSubscriptions).values({ id: subId, name: "shared", source: "/tmp/list.csv" });
  await app.ctx.db.insert(blocklistEntries).values({ id: newId(), subscriptionId: subId, digest: sha256Hex("listed.example"), severity: "suspend" });
  const found = await suspendedAmong(app.ctx, ["a.threads.net", "ok.bad.example", "x.bad.example", "loud.example", "fine.example", "LISTED.example"]);
  assert.deepEqual(found, ["a.threads.net", "listed.example", "x.bad.example"]);
});

test("verdicts: found -> federates; a complete list read -> clean; refusals or partial lists -> unknown", () => {
  const e = (source: string, status: number | null, found: string[] = [], note?: string) => ({ source, url: "u", status, at: "t", found, ...(note ? { note } : {}) });
  assert.equal(verdictFrom([e("peers", 200, ["threads.net"])]), "federates");
  assert.equal(verdictFrom([e("nodeinfo", 200), e("peers", 200)]), "clean");
  assert.equal(verdictFrom([e("nodeinfo", 200), e("peers", 401), e("domain_blocks", 200)]), "unknown");
  assert.equal(verdictFrom([e("misskey", 200, [], `${PARTIAL_NOTE} stopped after 3000 servers`)]), "unknown");
  assert.equal(verdictFrom([]), "unknown");
});

test("401, 404, a timeout and an HTML page are unknown, never clean", async () => {
  const srv = await fakeServer("127.0.0.5", (_m, path) => {
    if (path === "/.well-known/nodeinfo") return { text: "<html>hello</html>" };
    if (path === "/api/v1/instance/peers") return { status: 401, json: { error: "This method requires an authenticated user" } };
    return undefined;
  });
  try {
    const r = await scanServer(app.ctx, "127.0.0.5", { origin: srv.origin });
    assert.equal(r.verdict, "unknown");
    const by = Object.fromEntries(r.evidence.map((e) => [e.source, e]));
    assert.equal(by.nodeinfo.status, 200);
    assert.equal(by.nodeinfo.note, "not JSON");
    assert.equal(by.peers.status, 401);
    assert.equal(by.domain_blocks.status, 404);
  } finally {
    await srv.close();
  }
  const slow = await fakeServer("127.0.0.6", () => "hang");
  try {
    const started = Date.now();
    const peers = await readPeers(app.ctx, slow.origin, { timeoutMs: 300 });
    assert.ok(Date.now() - started < 3000);
    assert.equal(peers.status, null);
    assert.match(peers.note!, /^timeout/);
    const r = await scanServer(app.ctx, "127.0.0.6", { origin: slow.origin, timeoutMs: 300 });
    assert.equal(r.verdict, "unknown");
    assert.ok(r.evidence.every((e) => e.status === null));
  } finally {
    await slow.close();
  }
});

test("a server that lists a suspended domain among its own blocks does not federate with it; a clean peers list is clean", async () => {
  const srv = await fakeServer("127.0.0.7", (_m, path) => {
    if (path === "/.well-known/nodeinfo") return { json: nodeinfoIndex(srv.origin) };
    if (path === "/nodeinfo/2.1.json") return { json: { ...PLEROMA, metadata: { federation: { ...PLEROMA.metadata.federation, mrf_simple: { reject: ["bad.example"] } } } } };
    // Pleroma's peers list holds every server it knows, blocked ones included
    if (path === "/api/v1/instance/peers") return { json: ["mastodon.social", "bad.example", "sub.bad.example"] };
    if (path === "/api/v1/instance/domain_blocks") return { json: [{ domain: "thr****.net", digest: sha256Hex("threads.net"), severity: "suspend", comment: null }] };
    return undefined;
  });
  try {
    const r = await scanServer(app.ctx, "127.0.0.7", { origin: srv.origin });
    assert.deepEqual(r.publishedBlocks, ["bad.example", `sha256:${sha256Hex("threads.net")}`]);
    assert.equal(r.verdict, "clean");
    assert.deepEqual(r.evidence.find((e) => e.source === "peers")!.found, []);
  } finally {
    await srv.close();
  }
});

test("Misskey is asked through its instance API and Lemmy through federated_instances, by NodeInfo's software name", async () => {
  const calls: string[] = [];
  const srv = await fakeServer("127.0.0.8", (method, path, body) => {
    calls.push(`${method} ${path}`);
    if (path === "/.well-known/nodeinfo") return { json: nodeinfoIndex(srv.origin) };
    if (path === "/nodeinfo/2.1.json") return { json: { ...PLEROMA, software: { name: "sharkey", version: "2024.11.0" }, metadata: {} } };
    if (path === "/api/federation/instances" && method === "POST") {
      if (body?.blocked === true) return { json: [{ host: "gab.com", isBlocked: true, isSuspended: false }] };
      if (body?.federating === true && body.offset === 0) {
        return { json: [{ host: "misskey.io", isBlocked: false, isSuspended: false }, { host: "x.bad.example", isBlocked: false, isSuspended: false }, { host: "threads.net", isBlocked: false, isSuspended: true }] };
      }
      return { json: [] };
    }
    return undefined;
  });
  try {
    const r = await scanServer(app.ctx, "127.0.0.8", { origin: srv.origin });
    assert.equal(r.verdict, "federates");
    const mk = r.evidence.find((e) => e.source === "misskey")!;
    assert.deepEqual(mk.found, ["x.bad.example"], "a server Misskey stopped delivering to is not counted");
    assert.deepEqual(r.publishedBlocks, ["gab.com"]);
    assert.ok(!calls.some((c) => c.includes("/api/v1/instance/peers")), "Mastodon's API is not asked of Misskey");
  } finally {
    await srv.close();
  }
  const lemmy = await fakeServer("127.0.0.9", (_m, path) => {
    if (path === "/.well-known/nodeinfo") return { json: nodeinfoIndex(lemmy.origin) };
    if (path === "/nodeinfo/2.1.json") return { json: { ...AKKOMA, software: { name: "lemmy", version: "0.19.5" }, metadata: {} } };
    if (path === "/api/v3/federated_instances") return { json: { federated_instances: { linked: [{ id: 1, domain: "lemmy.world" }], allowed: [], blocked: [{ id: 2, domain: "threads.net" }] } } };
    return undefined;
  });
  try {
    const r = await scanServer(app.ctx, "127.0.0.9", { origin: lemmy.origin });
    assert.equal(r.verdict, "clean");
    assert.deepEqual(r.publishedBlocks, ["threads.net"]);
  } finally {
    await lemmy.close();
  }
});

test("after a rule is lifted, stored verdicts are judged again without fetching", async () => {
  await app.ctx.db.insert(serverScans).values({
    domain: "friend.example",
    verdict: "federates",
    evidence: [
      { source: "nodeinfo", url: "https://friend.example/nodeinfo/2.1", status: 200, at: new Date().toISOString(), found: [] },
      { source: "peers", url: "https://friend.example/api/v1/instance/peers", status: 200, at: new Date().toISOString(), found: ["gone.example"] },
    ],
    scannedAt: new Date(),
  });
  const ruleId = newId();
  await app.ctx.db.insert(domainBlocks).values({ id: ruleId, domain: "gone.example", severity: "suspend" });
  forgetStandings(app.ctx);
  assert.equal(await serverStanding(app.ctx, "friend.example"), "restricted");
  assert.deepEqual(await reevaluateVerdicts(app.ctx), [], "nothing changed while the rule stands");
  await app.ctx.db.delete(domainBlocks).where(eq(domainBlocks.id, ruleId));
  assert.deepEqual(await reevaluateVerdicts(app.ctx), [{ domain: "friend.example", from: "federates", to: "clean" }]);
  const [row] = await app.ctx.db.select().from(serverScans).where(eq(serverScans.domain, "friend.example"));
  assert.deepEqual(row!.evidence[1]!.found, []);
  assert.equal(await serverStanding(app.ctx, "friend.example"), "allowed");
});

test("our own NodeInfo reader handles an unreachable server", async () => {
  const r = await readNodeInfo(app.ctx, "http://127.0.0.10:9", { timeoutMs: 500 });
  assert.equal(r.status, null);
  assert.ok(r.note);
});
