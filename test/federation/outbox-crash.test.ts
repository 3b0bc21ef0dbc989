// Nothing is lost when the process dies mid-delivery: a Caracol server in a child process (the
// real `serve` command on an on-disk PGlite) fans posts out to 30 personal inboxes on two test
// peers, is killed with SIGKILL once some but not all have arrived, and is started again. Every
// activity must then reach every inbox; a second copy of one is harmless (distinct ids counted).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../src/config/index.ts";
import { createApp } from "../../src/app.ts";
import { freePort } from "../helpers/app.ts";
import { startPeer, type Peer } from "../helpers/peer.ts";
import { api, follow, localUser, remoteAccount, sleep } from "./outbox-helpers.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PER_PEER = 15;
const POSTS = 4;
let dir: string;
let env: Record<string, string>;
let child: ChildProcess | null = null;
let peers: Peer[] = [];

function names(prefix: string) {
  return Array.from({ length: PER_PEER }, (_, i) => `${prefix}${i}`);
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "caracol-outbox-crash-"));
  const port = await freePort("127.0.0.1");
  env = {
    CARACOL_DATA_DIR: dir,
    PORT: String(port),
    HOST: "127.0.0.1",
    CARACOL_ORIGIN: `http://127.0.0.1:${port}`,
    CARACOL_ALLOW_PRIVATE_ADDRESS: "true",
    CARACOL_ADMIN_SOCKET: "false",
  };
  peers = await Promise.all([
    startPeer({ host: "127.0.0.2", actors: names("a") }),
    startPeer({ host: "127.0.0.3", actors: names("b") }),
  ]);
});

after(async () => {
  child?.kill("SIGKILL");
  await Promise.all(peers.map((p) => p.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs `serve` in a child process and resolves once it answers HTTP. */
async function startChild(): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [path.join(ROOT, "src/cli.ts"), "serve"], {
    cwd: ROOT,
    // The embedded (PGlite) server is the one under test, also when the suite runs with
    // DATABASE_URL: an inherited DATABASE_URL would point the child at another database.
    env: { ...process.env, DATABASE_URL: "", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  proc.stderr!.on("data", (d) => (stderr += d));
  // generous: a loaded two-core machine takes 10-20 s to open PGlite and start
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`serve exited with ${proc.exitCode}: ${stderr}`);
    const ok = await fetch(`${env.CARACOL_ORIGIN}/api/v1/instance`).then((r) => r.ok, () => false);
    if (ok) return proc;
    if (Date.now() > deadline) throw new Error(`serve did not start: ${stderr}`);
    await sleep(100);
  }
}

function killed(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once("exit", () => resolve());
    proc.kill("SIGKILL");
  });
}

/** Distinct Create ids that reached each personal inbox. */
function arrivals(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const p of peers) {
    for (const a of p.received) {
      if (a.type !== "Create" || !a.recipient || !a.id) continue;
      const key = `${p.host}/${a.recipient}`;
      out.set(key, (out.get(key) ?? new Set()).add(a.id));
    }
  }
  return out;
}
const distinctTotal = () => [...arrivals().values()].reduce((n, s) => n + s.size, 0);

test("deliveries resume after kill -9: every activity reaches every inbox", { timeout: 420_000 }, async () => {
  // The data: set up in this process on the data directory the child will use, then closed.
  const app = await createApp(loadConfig(env));
  const alice = await localUser(app.ctx, "alice");
  for (const [peer, prefix] of [[peers[0], "a"], [peers[1], "b"]] as const) {
    for (const name of names(prefix)) {
      // personal inboxes only: one delivery per follower, so that there is a lot to interrupt
      await follow(app.ctx.db, await remoteAccount(app.ctx.db, peer, name, { personal: true }), alice.id);
    }
  }
  await app.close();

  child = await startChild();
  const call = api(env.CARACOL_ORIGIN);
  const ids: string[] = [];
  for (let i = 0; i < POSTS; i++) {
    const s = await call(alice.token, "POST", "/api/v1/statuses", { status: `fan-out ${i}`, visibility: "public" });
    ids.push(`${s.uri}/activity`);
  }
  const expected = POSTS * PER_PEER * peers.length;
  const deadline = Date.now() + 60_000;
  while (distinctTotal() < 5 && Date.now() < deadline) await sleep(5);
  await killed(child);
  const atKill = distinctTotal();
  assert.ok(atKill > 0 && atKill < expected, `killed mid-delivery (${atKill} of ${expected} had arrived)`);

  child = await startChild();
  const done = Date.now() + 120_000;
  while (distinctTotal() < expected && Date.now() < done) await sleep(100);

  const got = arrivals();
  const missing: string[] = [];
  for (const [peer, prefix] of [[peers[0], "a"], [peers[1], "b"]] as const) {
    for (const name of names(prefix)) {
      const seen = got.get(`${peer.host}/${name}`) ?? new Set();
      for (const id of ids) if (!seen.has(id)) missing.push(`${id} -> ${peer.host}/${name}`);
    }
  }
  assert.deepEqual(missing, [], `after the restart (${atKill} of ${expected} before the kill)`);
  const extra = [...got.values()].flatMap((s) => [...s]).filter((id) => !ids.includes(id));
  assert.deepEqual(extra, [], "nothing but these activities");
  await killed(child);
  child = null;
});
