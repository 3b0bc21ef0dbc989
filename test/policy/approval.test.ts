// Approval-first federation end to end: Caracol (A, 127.0.0.1) in approval mode; a peer P
// (127.0.0.2) that publishes a letter of introduction in its NodeInfo, and a peer Q
// (127.0.0.3). What an unknown server sends waits (held, not processed, not shown), is listed
// for the admin with whom it tried to reach, and is processed in order, once, after approval;
// after rejection it is gone and the server hears nothing from us.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { and, asc, eq, isNull, lte, sql } from "drizzle-orm";
import { startTestServer, type TestServer } from "../helpers/app.ts";
import { startPeer, type Peer } from "../helpers/peer.ts";
import { AS_PUBLIC, api, localUser, settled, type LocalUser } from "../federation/inbox-helpers.ts";
import { accounts, domainAllows, fedifyQueue, followRequests, follows, heldActivities, notifications, serverReviews, statuses } from "../../src/db/schema/index.ts";
import { serverStanding } from "../../src/domain/federation-policy/standing.ts";
import { runCommand } from "../../src/cli/commands.ts";
import { DrizzleKvStore } from "../../src/federation/kv.ts";
import { newAdminToken } from "../helpers/fixtures.ts";

let a: TestServer;
let p: Peer;
let q: Peer;
let alice: LocalUser; // locked (the default)
let dave: LocalUser; // unlocked: a Follow that got through would be answered with an Accept
let adminToken: string;
const ac = new AbortController();
let working: Promise<void>;

const INTRO = { text: "We are a small reading club in Lyon. Our rules: be kind.", contact: "admin@reading.example" };

before(async () => {
  [a, p, q] = await Promise.all([
    startTestServer({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true" }, "127.0.0.1"),
    startPeer({ host: "127.0.0.2", actors: ["bob"] }),
    startPeer({ host: "127.0.0.3", actors: ["carol"] }),
  ]);
  p.routes.set("/.well-known/nodeinfo", { links: [{ rel: "http://nodeinfo.diaspora.software/ns/schema/2.1", href: `${p.origin}/nodeinfo/2.1` }] });
  p.routes.set("/nodeinfo/2.1", { version: "2.1", software: { name: "peer", version: "1" }, metadata: { caracol: { introduction: INTRO } } });
  working = a.app.startWorkers(ac.signal);
  alice = await localUser(a, "alice");
  dave = await localUser(a, "dave", { locked: false });
  adminToken = await newAdminToken(a.app, "moderator_mo");
  const switched = await runCommand(a.app.ctx, ["federation", "mode", "approval", "--yes"], "");
  assert.equal(switched.code, 0, switched.err);
});

after(async () => {
  ac.abort();
  await working?.catch(() => {});
  await Promise.all([p?.close(), q?.close()]);
  await a?.close();
});

const db = () => a.app.ctx.db;
const held = (domain: string) => db().select().from(heldActivities).where(eq(heldActivities.domain, domain)).orderBy(asc(heldActivities.id));
const notes = (accountId: string) => db().select().from(notifications).where(eq(notifications.accountId, accountId)).orderBy(asc(notifications.id));

/** Sends; the inbox answers 202 whatever becomes of it, then the queue is drained. */
async function send(peer: Peer, actor: string, inbox: string, activity: Record<string, unknown>): Promise<void> {
  const res = await peer.send(actor, inbox, activity);
  assert.equal(res.status, 202, res.body);
  await settled(a);
}

/** Waits until no queue (inbox, outbox, fanout) has anything due: whatever A would send is sent. */
async function quiet(): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [{ n }] = await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(fedifyQueue)
      .where(and(isNull(fedifyQueue.failedAt), lte(fedifyQueue.deliverAfter, sql`now()`)));
    if (Number(n) === 0) break;
    if (Date.now() > deadline) throw new Error(`queues still hold ${n} message(s)`);
    await new Promise((r) => setTimeout(r, 25));
  }
  await new Promise((r) => setTimeout(r, 200)); // a delivery in flight
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined>): Promise<T> {
  const deadline = Date.now() + 15_000; // generous: the machine is shared
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test("an unknown server's activities are held, listed with its introduction, and processed in order once after approval", async () => {
  const bob = p.actorUrl("bob");
  const follow = { id: p.newId(), type: "Follow", actor: bob, object: alice.uri };
  const note = p.publish("bob", {
    type: "Note",
    content: "<p>hello @alice</p>",
    to: [AS_PUBLIC],
    cc: [alice.uri],
    tag: [{ type: "Mention", href: alice.uri, name: "@alice" }],
    published: new Date().toISOString(),
  });
  const create = { id: p.newId(), type: "Create", actor: bob, object: note, to: note.to, cc: note.cc };
  await send(p, "bob", alice.inbox, follow);
  await send(p, "bob", `${a.url}/inbox`, create);
  await send(p, "bob", alice.inbox, follow); // re-sent while pending
  // An id on another server's host is refused, not kept (it could squat that server's id).
  await send(p, "bob", `${a.url}/inbox`, { id: `${q.origin}/forged/1`, type: "Like", actor: bob, object: note.id });

  // Held: nothing processed, nothing shown, not even the sender's account.
  assert.equal(await serverStanding(a.app.ctx, "127.0.0.2"), "pending");
  assert.deepEqual(await db().select().from(followRequests), []);
  assert.deepEqual(await db().select().from(statuses).where(eq(statuses.uri, note.id)), []);
  assert.deepEqual(await notes(alice.id), []);
  assert.deepEqual(await db().select().from(accounts).where(eq(accounts.uri, bob)), []);
  const kept = await held("127.0.0.2");
  assert.deepEqual(kept.map((h) => [h.activityType, h.activityId]), [["Follow", follow.id], ["Create", create.id]]);
  assert.equal(kept[0]!.inboxAccountId, alice.id);
  assert.deepEqual(kept[1]!.localTargets, [alice.id]);
  // Fedify counts a held activity as processed: replay has to undo that, or it would be skipped.
  const marked = await new DrizzleKvStore(db()).get(["_fedify", "activityIdempotence", a.url, follow.id]);
  assert.equal(marked, true);

  // The letter of introduction is read from P's NodeInfo in the background.
  const review = await waitFor("the introduction", async () => (await db().select().from(serverReviews).where(eq(serverReviews.domain, "127.0.0.2")).then((r) => r[0]?.introductionAt && r[0])));
  assert.equal(review.introduction, INTRO.text);
  assert.equal(review.introductionContact, INTRO.contact);
  assert.equal(review.state, "pending");

  const listed = await api(a, "/api/v1/caracol/admin/pending_servers", adminToken);
  assert.equal(listed.status, 200);
  const entry = listed.body.find((s: any) => s.domain === "127.0.0.2");
  assert.equal(entry.state, "pending");
  assert.equal(entry.held_activities_count, 2);
  assert.deepEqual(entry.targets, [{ id: alice.id, username: "alice" }]);
  assert.equal(entry.introduction.text, INTRO.text);
  assert.equal(entry.introduction.contact, INTRO.contact);
  assert.ok(Date.parse(entry.introduction.fetched_at));
  assert.equal((await api(a, "/api/v1/caracol/admin/pending_servers", alice.token)).status, 403, "admins only");

  const pending = await runCommand(a.app.ctx, ["server", "pending"], "");
  assert.match(pending.out, /127\.0\.0\.2\s+pending/);
  assert.match(pending.out, /reading club in Lyon/);
  assert.match(pending.out, /tried to reach: @alice/);

  // The CLI lists what approval will process, and without --yes changes nothing.
  const plan = await runCommand(a.app.ctx, ["server", "approve", "127.0.0.2"], "");
  assert.equal(plan.code, 0, plan.err);
  assert.match(plan.out, /allow 127\.0\.0\.2/);
  assert.match(plan.out, new RegExp(`process Follow ${follow.id}[^]*process Create ${create.id}`));
  assert.match(plan.out, /Nothing changed yet/);
  assert.equal((await held("127.0.0.2")).length, 2);
  assert.deepEqual(await db().select().from(domainAllows), []);

  const approved = await api(a, "/api/v1/caracol/admin/pending_servers/127.0.0.2/approve", adminToken, { method: "POST" });
  assert.equal(approved.status, 200);
  assert.deepEqual(approved.body, { domain: "127.0.0.2", state: "approved", replayed: 2 });
  await settled(a);
  const [request] = await db().select().from(followRequests).where(eq(followRequests.targetAccountId, alice.id));
  assert.equal(request?.uri, follow.id);
  assert.equal((await db().select().from(statuses).where(eq(statuses.uri, note.id))).length, 1);
  assert.deepEqual((await notes(alice.id)).map((n) => n.type), ["follow_request", "mention"], "in the order they arrived, once each");
  assert.deepEqual(await held("127.0.0.2"), []);
  assert.deepEqual(await db().select().from(serverReviews).where(eq(serverReviews.domain, "127.0.0.2")), []);
  assert.equal(await serverStanding(a.app.ctx, "127.0.0.2"), "allowed");

  // From now on P is an ordinary peer: a repeat changes nothing, new activities are handled at once.
  await send(p, "bob", `${a.url}/inbox`, create);
  assert.equal((await db().select().from(statuses).where(eq(statuses.uri, note.id))).length, 1);
  await send(p, "bob", dave.inbox, { id: p.newId(), type: "Follow", actor: bob, object: dave.uri });
  await p.waitFor((x) => x.type === "Accept" && x.actor === dave.uri);
  assert.equal((await api(a, "/api/v1/caracol/admin/pending_servers/127.0.0.2/approve", adminToken, { method: "POST" })).status, 404);
});

test("a rejected server's held activities are dropped, later ones too, and it hears nothing from us", async () => {
  const carol = q.actorUrl("carol");
  await send(q, "carol", dave.inbox, { id: q.newId(), type: "Follow", actor: carol, object: dave.uri });
  assert.equal((await held("127.0.0.3")).length, 1);
  await waitFor("Q's review", async () => (await db().select().from(serverReviews).where(eq(serverReviews.domain, "127.0.0.3")))[0]?.introductionAt);
  const [review] = await db().select().from(serverReviews).where(eq(serverReviews.domain, "127.0.0.3"));
  assert.equal(review!.introduction, null, "Q publishes no NodeInfo: no letter");

  // The other documented way: a signed POST of the letter.
  const endpoint = `${a.url}/api/v1/caracol/introduction`;
  const letter = { text: "Q here: a one-person server.", contact: "carol@q.example" };
  assert.equal((await q.send("carol", endpoint, letter, { unsigned: true })).status, 401);
  assert.equal((await q.send("carol", endpoint, { text: 42 })).status, 422);
  assert.equal((await q.send("carol", endpoint, letter)).status, 202);
  const [introduced] = await db().select().from(serverReviews).where(eq(serverReviews.domain, "127.0.0.3"));
  assert.deepEqual([introduced!.introduction, introduced!.introductionContact], [letter.text, letter.contact]);
  // An allowed server's letter is answered the same and kept nowhere.
  assert.equal((await p.send("bob", endpoint, letter)).status, 202);
  assert.deepEqual(await db().select().from(serverReviews).where(eq(serverReviews.domain, "127.0.0.2")), []);

  const plan = await runCommand(a.app.ctx, ["server", "reject", "127.0.0.3"], "");
  assert.match(plan.out, /delete 1 held activity from 127\.0\.0\.3/);
  assert.match(plan.out, /Nothing changed yet/);
  assert.equal((await held("127.0.0.3")).length, 1);
  const done = await runCommand(a.app.ctx, ["server", "reject", "127.0.0.3", "--yes"], "");
  assert.equal(done.code, 0, done.err);
  assert.match(done.out, /1 held activity deleted/);
  assert.deepEqual(await held("127.0.0.3"), []);
  assert.equal(await serverStanding(a.app.ctx, "127.0.0.3"), "blocked");

  // Later activities are dropped, not held; nothing was stored and nothing was sent to Q.
  const note = q.publish("carol", { type: "Note", content: "<p>hi @dave</p>", to: [dave.uri], tag: [{ type: "Mention", href: dave.uri }] });
  await send(q, "carol", `${a.url}/inbox`, { id: q.newId(), type: "Create", actor: carol, object: note, to: [dave.uri] });
  await send(q, "carol", dave.inbox, { id: q.newId(), type: "Follow", actor: carol, object: dave.uri });
  assert.deepEqual(await held("127.0.0.3"), []);
  assert.deepEqual(await db().select().from(statuses).where(eq(statuses.uri, note.id)), []);
  assert.deepEqual(await db().select().from(follows).where(eq(follows.targetAccountId, dave.id)).then((r) => r.filter((f) => f.uri?.startsWith(q.origin))), []);
  await quiet();
  assert.deepEqual(q.received, []);
  const listed = await api(a, "/api/v1/caracol/admin/pending_servers", adminToken);
  assert.deepEqual(
    listed.body.map((s: any) => [s.domain, s.state, s.held_activities_count]),
    [["127.0.0.3", "rejected", 0]],
  );
});

test("a pending server cannot fill the disk: holding stops at the limit", async () => {
  const { holdActivity, HELD_PER_SERVER } = await import("../../src/domain/federation-policy/approval.ts");
  const ctx = a.app.ctx;
  const rows = Array.from({ length: HELD_PER_SERVER }, (_, i) => ({ id: String(1000 + i), domain: "flood.example", activityId: `https://flood.example/a/${i}`, activityType: "Like", activity: {} }));
  await db().insert(serverReviews).values({ domain: "flood.example" });
  await db().insert(heldActivities).values(rows);
  const r = await holdActivity(ctx, { domain: "flood.example", activity: {}, activityId: "https://flood.example/a/new", type: "Like", inboxAccountId: null, localTargets: [] });
  assert.deepEqual(r, { outcome: "full", firstContact: false });
  const [{ n }] = await db().select({ n: sql<number>`count(*)::int` }).from(heldActivities).where(eq(heldActivities.domain, "flood.example"));
  assert.equal(Number(n), HELD_PER_SERVER);
  const [first] = await held("flood.example");
  assert.equal(first!.activityId, "https://flood.example/a/0", "the oldest are kept");
  // Same id again: idempotent.
  await db().delete(heldActivities).where(eq(heldActivities.id, "1000"));
  assert.equal((await holdActivity(ctx, { domain: "flood.example", activity: {}, activityId: "https://flood.example/a/1", type: "Like", inboxAccountId: null, localTargets: [] })).outcome, "duplicate");
});
