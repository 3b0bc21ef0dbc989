// WebFinger, host-meta and NodeInfo (validated against the NodeInfo JSON schemas).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { createTestApp } from "../helpers/app.ts";

const require = createRequire(import.meta.url);
const SPEC = path.resolve(import.meta.dirname, "../../../shared/spec");

test("WebFinger finds local accounts and the instance actor; unknown ones are 404", async () => {
  const app = await createTestApp();
  try {
    await app.user("alice");
    const res = await app.request("/.well-known/webfinger?resource=acct:alice@caracol.test");
    assert.equal(res.status, 200);
    const jrd = await res.json();
    assert.equal(jrd.subject, "acct:alice@caracol.test");
    assert.ok(jrd.links.some((l: { rel: string; href: string }) => l.rel === "self" && l.href === "http://caracol.test/users/alice"));
    const byUrl = await app.request("/.well-known/webfinger?resource=http://caracol.test/users/alice");
    assert.equal(byUrl.status, 200);
    assert.equal((await app.request("/.well-known/webfinger?resource=acct:nobody@caracol.test")).status, 404);
    assert.equal((await app.request("/.well-known/webfinger?resource=acct:caracol.test@caracol.test")).status, 200, "the instance actor");
    const hostMeta = await app.request("/.well-known/host-meta");
    assert.match(await hostMeta.text(), /webfinger\?resource=\{uri\}/);
  } finally {
    await app.close();
  }
});

test("NodeInfo 2.0 and 2.1 validate against their schemas and withhold usage numbers", { skip: fs.existsSync(SPEC) ? false : "../shared/spec is absent" }, async () => {
  const Ajv = require("ajv-draft-04").default;
  const app = await createTestApp();
  try {
    await app.user("alice");
    const index = await (await app.request("/.well-known/nodeinfo")).json();
    assert.equal(index.links.length, 2);
    for (const v of ["2.0", "2.1"]) {
      const href = index.links.find((l: { rel: string }) => l.rel.endsWith(`/${v}`)).href;
      const body = await (await app.request(new URL(href).pathname)).json();
      const schema = JSON.parse(fs.readFileSync(path.join(SPEC, `nodeinfo-${v}.schema.json`), "utf8"));
      const validate = new Ajv({ strict: false }).compile(schema);
      assert.ok(validate(body), `${v}: ${JSON.stringify(validate.errors)}`);
      assert.equal(body.software.name, "caracol");
      assert.deepEqual(body.usage, { users: {} });
      assert.equal(body.metadata.caracol.signedFetchRequired, true);
    }
  } finally {
    await app.close();
  }
});
