import { test } from "node:test";
import assert from "node:assert/strict";
import { fromPairs } from "./params.ts";

test("Rails-style keys become arrays and nested objects", () => {
  const t = fromPairs([
    ["media_ids[]", "1"],
    ["media_ids[]", "2"],
    ["fields_attributes[0][name]", "pronouns"],
    ["fields_attributes[0][value]", "they/them"],
    ["status", "hi"],
    ["__proto__[polluted]", "x"],
  ]);
  assert.deepEqual(t.media_ids, ["1", "2"]);
  assert.deepEqual(t.fields_attributes, { "0": { name: "pronouns", value: "they/them" } });
  assert.equal(t.status, "hi");
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
