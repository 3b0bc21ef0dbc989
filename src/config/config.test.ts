import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "./index.ts";

test("defaults are the protective ones", () => {
  const c = loadConfig({});
  assert.equal(c.port, 3000);
  assert.equal(c.origin, "http://localhost:3000");
  assert.equal(c.domain, "localhost:3000");
  assert.equal(c.registrations, "approval");
  assert.equal(c.allowPrivateAddress, false);
  assert.equal(c.maxStatusChars, 5000);
  assert.equal(c.databaseUrl, undefined);
  assert.ok(Object.isFrozen(c));
});

test("a bad value stops start-up with a message naming the setting", () => {
  for (const [key, value] of [
    ["PORT", "seventy"],
    ["CARACOL_ORIGIN", "ftp://x"],
    ["CARACOL_REGISTRATIONS", "maybe"],
    ["DATABASE_URL", "mysql://x"],
    ["CARACOL_ALLOW_PRIVATE_ADDRESS", "perhaps"],
    ["CARACOL_MAX_STATUS_CHARS", "0"],
  ]) {
    assert.throws(() => loadConfig({ [key]: value }), (e: Error) => e instanceof ConfigError && e.message.includes(key), key);
  }
});

test("origin is normalised and https origins get secure cookies", () => {
  const c = loadConfig({ CARACOL_ORIGIN: "https://Social.Example/some/path" });
  assert.equal(c.origin, "https://social.example");
  assert.equal(c.secureCookies, true);
});
