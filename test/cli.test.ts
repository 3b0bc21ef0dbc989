// The admin CLI against a real data directory: with the server running (through its admin
// socket) and without it (opening PGlite itself); data survives a restart.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./helpers/app.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const CLI = path.join(ROOT, "src/cli.ts");

function cli(env: Record<string, string>, args: string[], input = "") {
  const r = spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, input, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function startServe(env: Record<string, string>) {
  const child = spawn(process.execPath, [CLI, "serve"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const deadline = Date.now() + 60_000;
  while (!out.includes("Caracol is running")) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    out: () => out,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}

test("CLI: account create/token work with the server running and stopped; data persists", { skip: process.env.DATABASE_URL ? "PGlite data-dir behaviour; PostgreSQL mode opens the database directly" : false }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "caracol-cli-"));
  const port = await freePort();
  const env = { CARACOL_DATA_DIR: dir, PORT: String(port), HOST: "127.0.0.1", CARACOL_ORIGIN: `http://127.0.0.1:${port}` };
  try {
    const server = await startServe(env);
    try {
      const created = cli(env, ["account", "create", "alice", "--admin", "--password-stdin"], "a long password\n");
      assert.equal(created.code, 0, created.err);
      assert.match(created.out, /Created admin account @alice/);
      assert.doesNotMatch(created.out, /Password:/);
      const dup = cli(env, ["account", "create", "alice"]);
      assert.equal(dup.code, 1);
      assert.match(dup.err, /username is already taken/);
      const tok = cli(env, ["account", "token", "alice", "--scopes", "read"]);
      assert.equal(tok.code, 0, tok.err);
      const token = tok.out.trim();
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/instance`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal((await res.json()).stats.user_count, 1);
      assert.equal(cli(env, ["account", "token", "alice", "--scopes", "read nonsense"]).code, 1);
    } finally {
      await server.stop();
    }
    // Server stopped: the CLI opens the database itself.
    const bob = cli(env, ["account", "create", "bob"]);
    assert.equal(bob.code, 0, bob.err);
    assert.match(bob.out, /Password: \S{20,}/);
    assert.equal(cli(env, ["account", "create", "bad name!"]).code, 1);
    assert.equal(cli(env, ["frobnicate"]).code, 2);
    // Restart: both accounts are still there.
    // Restarted with signed fetch off: the admin is told what that exposes.
    const again = await startServe({ ...env, CARACOL_REQUIRE_SIGNED_FETCH: "false" });
    try {
      for (let i = 0; i < 50 && !again.out().includes("SIGNED_FETCH is off"); i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(again.out(), /CARACOL_REQUIRE_SIGNED_FETCH is off/);
      const tok = cli(env, ["account", "token", "bob"]);
      assert.equal(tok.code, 0, tok.err);
      const me = await fetch(`http://127.0.0.1:${port}/api/v1/instance`, { headers: { authorization: `Bearer ${tok.out.trim()}` } });
      assert.equal((await me.json()).stats.user_count, 2);
    } finally {
      await again.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a bad setting stops start-up with a message naming it", () => {
  const r = cli({ PORT: "not-a-port", CARACOL_DATA_DIR: path.join(os.tmpdir(), "never-made") }, ["serve"]);
  assert.equal(r.code, 78);
  assert.match(r.err, /PORT/);
});
