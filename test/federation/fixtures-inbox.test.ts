// Every real activity in ../shared/fixtures/activitypub, re-homed onto a test peer (its actor
// and ids moved to the peer's origin so that the peer can sign it), is delivered to Caracol's
// shared inbox. Each must be handled or refused with a logged reason: no handler may throw, and
// the inbox must keep working afterwards.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { configure, reset, type LogRecord } from "@logtape/logtape";
import { startTestServer } from "../helpers/app.ts";
import { startPeer } from "../helpers/peer.ts";
import { localUser, sleep } from "./outbox-helpers.ts";
import { follows } from "../../src/db/schema/index.ts";
import { eq } from "drizzle-orm";

const DIR = path.resolve(import.meta.dirname, "../../../shared/fixtures/activitypub");
const TYPES = new Set(["Create", "Update", "Delete", "Announce", "Like", "Follow", "Accept", "Reject", "Undo", "Block"]);
const AS = "https://www.w3.org/ns/activitystreams";

function activities(): { file: string; json: Record<string, unknown> }[] {
  const out: { file: string; json: Record<string, unknown> }[] = [];
  for (const f of fs.readdirSync(DIR, { recursive: true }).map(String)) {
    if (!f.endsWith(".json")) continue;
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(path.join(DIR, f), "utf8"));
    } catch {
      continue;
    }
    const o = json as Record<string, unknown>;
    if (o && typeof o === "object" && TYPES.has(String(o.type)) && typeof o.actor === "string" && o.actor.startsWith("http")) {
      out.push({ file: f, json: o });
    }
  }
  return out;
}

test("real activities from other servers are handled or refused, never crash the inbox", { skip: fs.existsSync(DIR) ? false : "../shared/fixtures is absent", timeout: 300_000 }, async () => {
  const records: LogRecord[] = [];
  await configure({
    reset: true,
    sinks: { capture: (r: LogRecord) => void records.push(r) },
    loggers: [
      { category: ["caracol"], lowestLevel: "info", sinks: ["capture"] },
      { category: ["fedify"], lowestLevel: process.env.FIXTURES_DEBUG ? "warning" : "error", sinks: ["capture"] },
      { category: ["logtape", "meta"], lowestLevel: "error", sinks: ["capture"] },
    ],
  });
  const server = await startTestServer({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true" }, "127.0.0.1");
  const peer = await startPeer({ host: "127.0.0.2", actors: ["fixture", "probe"] });
  const workers = new AbortController();
  const running = server.app.startWorkers(workers.signal);
  try {
    await localUser(server.app.ctx, "admin");
    const list = activities();
    const statuses: Record<number, number> = {};
    for (const { json } of list) {
      const actor = json.actor as string;
      const origin = new URL(actor).origin;
      // Move the document onto the peer: its actor becomes the peer's actor, its host the peer's.
      const text = JSON.stringify(json).replaceAll(actor, peer.actorUrl("fixture")).replaceAll(origin, peer.origin);
      const moved = JSON.parse(text) as Record<string, unknown>;
      if (!moved["@context"]) moved["@context"] = AS;
      // Their Linked Data signatures no longer match once moved; the peer signs the request.
      delete moved.signature;
      delete moved.proof;
      const res = await peer.send("fixture", `${server.url}/inbox`, moved);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (process.env.FIXTURES_DEBUG && res.status >= 400) console.log(res.status, res.body.slice(0, 200), JSON.stringify(moved).slice(0, 300));
    }
    // A known-good Follow afterwards must still be processed: the inbox is not wedged.
    const admin = `${server.url}/users/admin`;
    await peer.send("probe", `${server.url}/inbox`, { id: peer.newId(), type: "Follow", actor: peer.actorUrl("probe"), object: admin });
    const deadline = Date.now() + 60_000;
    let followed = false;
    while (!followed && Date.now() < deadline) {
      followed = (await server.app.ctx.db.select().from(follows).where(eq(follows.targetAccountId, (await server.app.ctx.db.query.accounts.findFirst({ where: (a, { eq }) => eq(a.uri, admin) }))!.id))).length > 0;
      if (!followed) {
        const fr = await server.app.ctx.db.query.followRequests.findFirst();
        followed = !!fr;
      }
      if (!followed) await sleep(200);
    }
    assert.ok(followed, "the inbox still processes activities after all the fixtures");
    // Our own errors: a handler that threw, or a request that ended in a server error. (Fedify's
    // own error-level logs about documents it refused, such as "Missing actor.", are refusals.)
    const failures = records.filter((r) => r.category[0] === "caracol" && (r.level === "error" || r.level === "fatal"));
    const ignored = records.filter((r) => String(r.message.join("")).startsWith("Ignored"));
    console.log(`fixtures through the inbox: ${list.length} activities, answers ${JSON.stringify(statuses)}, ${ignored.length} refused with a reason, ${failures.length} handler errors`);
    assert.ok(list.length > 50, `found ${list.length} activities`);
    assert.equal(statuses[500] ?? 0, 0, "no server error");
    assert.deepEqual(
      failures.map((r) => r.message.map(String).join("")).slice(0, 5),
      [],
      "no inbox handler threw",
    );
  } finally {
    workers.abort();
    await running.catch(() => {});
    await peer.close();
    await server.close();
    await reset();
  }
});
