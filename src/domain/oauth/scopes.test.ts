import { test } from "node:test";
import assert from "node:assert/strict";
import { hasScope, parseScopes, scopesWithin } from "./scopes.ts";

test("broad scopes include their granular ones; follow covers follows, blocks and mutes", () => {
  const g = new Set(["read", "follow"]);
  assert.ok(hasScope(g, "read:statuses"));
  assert.ok(hasScope(g, "write:follows"));
  assert.ok(hasScope(g, "write:blocks"));
  assert.ok(!hasScope(g, "write:statuses"));
  assert.ok(!hasScope(new Set(["read:accounts"]), "read:statuses"));
  assert.ok(hasScope(new Set(["admin:read"]), "admin:read:accounts"));
  assert.ok(!hasScope(new Set(["read"]), "admin:read:accounts"));
});

test("unknown scopes are refused; empty means read", () => {
  assert.equal(parseScopes("read bogus"), null);
  assert.deepEqual(parseScopes(""), ["read"]);
  assert.deepEqual(parseScopes("read+write"), ["read", "write"]);
  assert.ok(scopesWithin(["read:statuses"], ["read", "write"]));
  assert.ok(!scopesWithin(["write"], ["read"]));
});
