// The ActivityPub side of the leak matrix: every object and collection path, fetched unsigned
// and signed by remote servers of every standing (a stranger, a follower's server, a circle
// member, a restricted server, a suspended one), about a person who posted in every audience.
// What each gets must be exactly what the audience table in DESIGN.md allows.
import { test } from "node:test";
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { signRequest } from "@fedify/fedify";
import { startTestServer, type TestServer } from "../helpers/app.ts";
import { createLocalAccount } from "../../src/domain/accounts/create.ts";
import { accountKeyPairs } from "../../src/federation/keys.ts";
import { accounts, circleMembers, circles, domainBlocks, follows, statuses } from "../../src/db/schema/index.ts";
import { newId } from "../../src/lib/id.ts";
import { AUDIENCES, type Audience } from "../../src/db/schema/statuses.ts";

type Kind = "unsigned" | "stranger" | "follower" | "circle" | "suspended";
/** Which audiences each remote viewer may fetch (local-only posts never leave). */
const SEES: Record<Kind, Audience[]> = {
  unsigned: [],
  stranger: ["public", "unlisted", "authenticated"],
  follower: ["public", "unlisted", "authenticated", "followers"],
  circle: ["public", "unlisted", "authenticated", "circle"],
  suspended: [],
};

test("ActivityPub answers hold exactly what each remote viewer may see", { timeout: 120_000 }, async () => {
  const env = { CARACOL_ALLOW_PRIVATE_ADDRESS: "true" };
  const hosts: Record<Exclude<Kind, "unsigned">, string> = { stranger: "127.0.0.2", follower: "127.0.0.3", circle: "127.0.0.4", suspended: "127.0.0.5" };
  const a = await startTestServer(env, "127.0.0.1");
  const remotes: Record<string, TestServer> = {};
  try {
    for (const [k, h] of Object.entries(hosts)) remotes[k] = await startTestServer(env, h);
    const { accountId: alice } = await createLocalAccount(a.app.ctx, { username: "alice", password: "alice password", approved: true });
    const circleId = newId();
    await a.app.ctx.db.insert(circles).values({ id: circleId, name: "friends" });
    await a.app.ctx.db.insert(circleMembers).values({ circleId, domain: new URL(remotes.circle.url).host });
    await a.app.ctx.db.insert(domainBlocks).values({ id: newId(), domain: hosts.suspended, severity: "suspend" });
    const words: Record<string, string> = {};
    for (const audience of [...AUDIENCES, "localonly"] as const) {
      const id = newId();
      const real: Audience = audience === "localonly" ? "public" : audience;
      words[audience] = `word${audience}`;
      await a.app.ctx.db.insert(statuses).values({
        id,
        uri: `${a.url}/users/alice/statuses/${id}`,
        accountId: alice,
        content: `<p>word${audience}</p>`,
        audience: real,
        localOnly: audience === "localonly" || audience === "local",
        circleId: audience === "circle" ? circleId : null,
      });
    }
    const signers: Partial<Record<Kind, { privateKey: CryptoKey; keyId: URL }>> = {};
    for (const kind of Object.keys(hosts) as Exclude<Kind, "unsigned">[]) {
      const r = remotes[kind];
      const { accountId } = await createLocalAccount(r.app.ctx, { username: "reader", password: "reader password", approved: true });
      const [rsa] = await accountKeyPairs(r.app.ctx, accountId);
      signers[kind] = { privateKey: rsa.privateKey, keyId: new URL(`${r.url}/users/reader#main-key`) };
      if (kind === "follower") {
        const id = newId();
        await a.app.ctx.db.insert(accounts).values({ id, username: "reader", domain: new URL(r.url).host, uri: `${r.url}/users/reader`, inboxUrl: `${r.url}/users/reader/inbox` });
        await a.app.ctx.db.insert(follows).values({ id: newId(), accountId: id, targetAccountId: alice });
      }
    }
    const ids = await a.app.ctx.db.select({ id: statuses.id }).from(statuses).where(eq(statuses.accountId, alice));
    const paths = [
      "/users/alice",
      "/users/alice/outbox",
      "/users/alice/followers",
      "/users/alice/following",
      "/users/alice/collections/featured",
      ...ids.map((s) => `/users/alice/statuses/${s.id}`),
    ];
    let checks = 0;
    for (const kind of ["unsigned", ...Object.keys(hosts)] as Kind[]) {
      let body = "";
      for (const path of paths) {
        let req = new Request(`${a.url}${path}`, { headers: { accept: "application/activity+json" } });
        const signer = signers[kind];
        if (signer) req = await signRequest(req, signer.privateKey, signer.keyId);
        const res = await fetch(req);
        body += await res.text();
        if (kind === "suspended" || (kind === "unsigned" && path !== "/users/alice")) assert.equal(res.status, 401, `${kind} ${path}`);
      }
      for (const [audience, word] of Object.entries(words)) {
        const allowed = audience !== "localonly" && SEES[kind].includes(audience as Audience);
        assert.equal(body.includes(word), allowed, `${kind} ${allowed ? "must" : "must not"} get the ${audience} post`);
        checks++;
      }
      assert.ok(!body.includes('"totalItems"'), `${kind} gets no social-graph counts`);
    }
    console.log(`activitypub leak matrix: ${paths.length} paths, 5 viewer kinds, ${checks} audience checks`);
  } finally {
    await Promise.all(Object.values(remotes).map((r) => r.close()));
    await a.close();
  }
});
