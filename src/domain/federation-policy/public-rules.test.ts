import { test } from "node:test";
import assert from "node:assert/strict";
import { obfuscateDomain } from "./public-rules.ts";
import { sha256Hex } from "./digest.ts";

test("obfuscated domains keep dots, length and both ends", () => {
  const o = obfuscateDomain("threads.example.com");
  assert.equal(o.length, "threads.example.com".length);
  assert.equal(o.replace(/\*/g, "").length < "threads.example.com".length, true);
  assert.match(o, /^thre.*\*.*com$/);
  for (const [i, ch] of [..."threads.example.com"].entries()) if (ch === ".") assert.equal(o[i], ".");
});

test("digests are the SHA-256 hex Mastodon publishes", () => {
  assert.equal(sha256Hex("example.com"), "a379a6f6eeafb9a55e378c118034e2751e682fab9f2d30ab13d2125586ce1947");
});
