// Relays end to end: a Fedify test peer plays the relay. Joining is planned, then a Follow of
// as:Public from our instance actor goes out through the outbox; before the relay's Accept it
// gets nothing else, after it only public posts (and their deletions), and after leaving an Undo
// and then nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { startTestServer, type TestServer } from "../helpers/app.ts";
import { startPeer, type Peer } from "../helpers/peer.ts";
import { circles, relays } from "../../src/db/schema/index.ts";
import { newId } from "../../src/lib/id.ts";
import { runCommand } from "../../src/cli/commands.ts";
import { createCtx } from "../../src/domain/context.ts";
import { newAdminToken } from "../helpers/fixtures.ts";
import { api, localUser, objectId, sleep, startWorkers } from "../federation/outbox-helpers.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
const QUIET_MS = 1500;
let server: TestServer;
let stopWorkers: () => Promise<void>;
let R: Peer;
let call: ReturnType<typeof api>;
let alice: { id: string; token: string };

before(async () => {
  server = await startTestServer({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true" }, "127.0.0.1");
  R = await startPeer({ host: "127.0.0.6", actors: ["relay"] });
  alice = await localUser(server.app.ctx, "alice");
  stopWorkers = startWorkers(server.app);
  call = api(server.url);
});

after(async () => {
  await stopWorkers?.();
  await R?.close();
  await server?.close();
});

const creates = (uri: string) => R.received.filter((a) => a.type === "Create" && objectId(a) === uri);
// The CLI's own Ctx, as with the server stopped: no event sink, only the database.
const cli = (...argv: string[]) => runCommand(createCtx(server.app.ctx.db, server.app.ctx.config), argv, "");

async function until(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

test("relays: none by default; joining is planned, then followed; only public posts go, and only after the Accept", async () => {
  const { ctx } = server.app;
  assert.match((await cli("relay", "list")).out, /No relays/);
  assert.equal((await cli("relay", "add", "ftp://relay.example/inbox")).code, 1);
  const plan = await cli("relay", "add", R.sharedInboxUrl);
  assert.equal(plan.code, 0, plan.err);
  assert.match(plan.out, /join the relay at/);
  assert.match(plan.out, /Nothing changed yet/);
  assert.equal((await ctx.db.select().from(relays)).length, 0);

  const joined = await cli("relay", "add", R.sharedInboxUrl, "--yes");
  assert.equal(joined.code, 0, joined.err);
  const follow = await R.waitFor((a) => a.type === "Follow", 10_000);
  assert.equal(objectId(follow), PUBLIC, "a Follow of the public collection, as Mastodon sends");
  assert.equal(follow.actor, `${server.url}/actor`, "from our instance actor");
  assert.ok(follow.signedBy?.startsWith(`${server.url}/actor#`), `signed by the instance actor: ${follow.signedBy}`);

  const early = await call(alice.token, "POST", "/api/v1/statuses", { status: "before the accept", visibility: "public" });
  await sleep(QUIET_MS);
  assert.equal(creates(early.uri).length, 0, "nothing before the relay accepts");

  const accept = await R.send("relay", `${server.url}/inbox`, { id: R.newId(), type: "Accept", actor: R.actorUrl("relay"), object: follow.raw });
  assert.equal(accept.status, 202, accept.body);
  await until(async () => (await ctx.db.select().from(relays))[0]?.state === "accepted", "the relay to be accepted");
  assert.match((await cli("relay", "list")).out, /accepted/);

  const circleId = newId();
  await ctx.db.insert(circles).values({ id: circleId, name: "neighbours" });
  const uri: Record<string, string> = {};
  for (const [name, body] of [
    ["public", { visibility: "public" }],
    ["unlisted", { visibility: "unlisted" }],
    ["followers", { visibility: "private" }],
    ["direct", { visibility: "direct" }],
    ["localOnly", { visibility: "public", local_only: true }],
    ["local", { caracol_audience: "local" }],
    ["circle", { caracol_audience: "circle", caracol_circle_id: circleId }],
  ] as const) {
    uri[name] = (await call(alice.token, "POST", "/api/v1/statuses", { status: `${name} post`, ...body })).uri;
  }
  const pub = await R.waitFor((a) => a.type === "Create" && objectId(a) === uri.public, 10_000);
  assert.ok(pub.to.includes(PUBLIC));
  await sleep(QUIET_MS);
  for (const name of ["unlisted", "followers", "direct", "localOnly", "local", "circle"]) assert.equal(creates(uri[name]).length, 0, `${name}: never to a relay`);
  assert.equal(creates(uri.public).length, 1);
  assert.equal(creates(early.uri).length, 0);

  // a public post's deletion follows it; leaving sends Undo, and then nothing more
  const publicId = uri.public.split("/").at(-1)!;
  await call(alice.token, "DELETE", `/api/v1/statuses/${publicId}`);
  await R.waitFor((a) => a.type === "Delete" && objectId(a) === uri.public, 10_000);
  const leavePlan = await cli("relay", "remove", R.sharedInboxUrl);
  assert.match(leavePlan.out, /leave the relay/);
  assert.equal((await ctx.db.select().from(relays)).length, 1, "planned only");
  assert.equal((await cli("relay", "remove", R.sharedInboxUrl, "--yes")).code, 0);
  const undo = await R.waitFor((a) => a.type === "Undo", 10_000);
  assert.equal(undo.raw.object.id ?? undo.raw.object, follow.id);
  const late = await call(alice.token, "POST", "/api/v1/statuses", { status: "after leaving", visibility: "public" });
  await sleep(QUIET_MS);
  assert.equal(creates(late.uri).length, 0, "nothing after leaving");
  assert.deepEqual(await ctx.db.select().from(relays).where(eq(relays.inboxUrl, R.sharedInboxUrl)), []);
});

test("relays in the admin API: admins only; join, list, leave", async () => {
  const boss = await newAdminToken(server.app, "boss");
  const req = (method: string, path: string, token: string, json?: unknown) =>
    fetch(`${server.url}/api/v1/caracol/admin/relays${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: json ? JSON.stringify(json) : undefined });
  assert.equal((await req("GET", "", alice.token)).status, 403);
  assert.equal((await req("POST", "", boss, { inbox_url: "not a url" })).status, 422);
  const added = await req("POST", "", boss, { inbox_url: R.sharedInboxUrl });
  assert.equal(added.status, 200);
  const relay = await added.json();
  assert.equal(relay.state, "pending");
  assert.equal(relay.inbox_url, R.sharedInboxUrl);
  const follows = () => R.received.filter((a) => a.type === "Follow" && a.id === `${server.url}/relay-follows/${relay.id}`);
  await until(async () => follows().length === 1, "the Follow sent through the API");
  assert.deepEqual((await (await req("GET", "", boss)).json()).map((r: { id: string }) => r.id), [relay.id]);
  assert.equal((await req("DELETE", `/${relay.id}`, boss)).status, 200);
  assert.equal((await req("DELETE", `/${relay.id}`, boss)).status, 404);
  assert.deepEqual(await (await req("GET", "", boss)).json(), []);
});
