// Domain rules and what each severity does to what we hold and show: suspend (follows severed
// both ways, cached content purged, accounts suspended; lifting unsuspends), silence (public
// timelines and strangers' notifications), reject_media (links only, default avatars),
// subdomains; the CLI plans before it changes anything.
import { test } from "node:test";
import assert from "node:assert/strict";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { favourite, bookmark, follow, makeStatus, notification, remoteAccount, setAccount } from "../helpers/fixtures.ts";
import { accounts, domainBlocks, followRequests, follows, homeFeed, mediaAttachments, notifications, statuses } from "../../src/db/schema/index.ts";
import { runCommand } from "../../src/cli/commands.ts";
import { newId } from "../../src/lib/id.ts";
import { serverPolicy } from "../../src/domain/federation-policy/standing.ts";
import { saveRule, ruleForDomain, deleteRule } from "../../src/domain/federation-policy/domain-rules.ts";
import { AS_PUBLIC, deliver, startWorld } from "../federation/inbox-helpers.ts";
import { revealProxied, unproxy } from "../helpers/proxy.ts";
import { createCircle, setRule } from "../../src/domain/federation-policy/circles.ts";

async function count(app: TestApp, table: typeof follows | typeof statuses | typeof notifications | typeof mediaAttachments | typeof followRequests, where?: any) {
  return (await app.ctx.db.select().from(table as typeof follows).where(where)).length;
}

async function media(app: TestApp, statusId: string, accountId: string, url: string) {
  await app.ctx.db.insert(mediaAttachments).values({ id: newId(), statusId, accountId, type: "image", remoteUrl: url, position: 0 });
}

test("suspend: the CLI plans first; applied, it severs follows both ways and purges cached content, subdomains included; lifting unsuspends", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await remoteAccount(app, "bob", "evil.example");
    const carl = await remoteAccount(app, "carl", "sub.evil.example");
    const dan = await remoteAccount(app, "dan", "good.example");
    // deleted earlier by its own server: suspended for another reason, it must stay suspended
    const gone = await remoteAccount(app, "gone", "evil.example");
    await setAccount(app, gone, { suspendedAt: new Date("2020-01-01T00:00:00Z") });
    await follow(app, bob, alice.id);
    await follow(app, alice.id, bob);
    await follow(app, carl, alice.id);
    await follow(app, dan, alice.id);
    await app.ctx.db.insert(followRequests).values({ id: newId(), accountId: alice.id, targetAccountId: carl });
    const bobPost = await makeStatus(app, bob, { text: "bob's post", mentions: [alice.id] });
    await media(app, bobPost.id, bob, "https://evil.example/cat.png");
    await favourite(app, alice.id, bobPost.id);
    await bookmark(app, alice.id, bobPost.id);
    await notification(app, alice.id, bob, "mention", bobPost.id);
    const aliceBoost = await makeStatus(app, alice.id, { reblogOfId: bobPost.id });
    const alicePost = await makeStatus(app, alice.id, { text: "alice's post" });
    await favourite(app, carl, alicePost.id);
    await app.ctx.db.update(statuses).set({ favouritesCount: 1 }).where(eq(statuses.id, alicePost.id));
    const danPost = await makeStatus(app, dan, { text: "dan's post" });

    // Without --yes: the plan with its counts, and nothing changed.
    const plan = await runCommand(app.ctx, ["domain", "block", "evil.example", "--severity", "suspend"], "");
    assert.equal(plan.code, 0, plan.err);
    assert.match(plan.out, /add a rule for evil\.example and its subdomains: suspend/);
    assert.match(plan.out, /sever 2 follow\(s\) of local accounts by accounts on evil\.example and 1 follow\(s\) of theirs by local accounts, and drop 1 follow request/);
    assert.match(plan.out, /purge 1 cached post\(s\) with 1 media attachment\(s\), 1 boost\(s\) of them and 1 notification\(s\)/);
    assert.match(plan.out, /mark 2 account\(s\) there suspended/);
    assert.match(plan.out, /Nothing changed yet/);
    assert.equal(await ruleForDomain(app.ctx, "evil.example"), null);
    assert.equal(await count(app, follows), 4);
    assert.equal(await count(app, statuses, eq(statuses.id, bobPost.id)), 1);

    const applied = await runCommand(app.ctx, ["domain", "block", "evil.example", "--severity", "suspend", "--public-comment", "spam", "--yes"], "");
    assert.equal(applied.code, 0, applied.err);
    assert.match(applied.out, /Applied:/);
    assert.equal((await serverPolicy(app.ctx, "deep.sub.evil.example")).standing, "blocked");
    assert.equal((await serverPolicy(app.ctx, "good.example")).standing, "allowed");
    // follows: only dan's remains; requests gone; counts follow
    const left = await app.ctx.db.select().from(follows);
    assert.deepEqual(left.map((f) => f.accountId), [dan]);
    assert.equal(await count(app, followRequests), 0);
    const [a] = await app.ctx.db.select().from(accounts).where(eq(accounts.id, alice.id));
    assert.equal(a.followingCount, 0);
    // content: their post, its media, notification, favourite/bookmark, home entries and alice's boost of it
    assert.equal(await count(app, statuses, inArray(statuses.id, [bobPost.id, aliceBoost.id])), 0);
    assert.equal(await count(app, mediaAttachments), 0);
    assert.equal(await count(app, notifications, eq(notifications.fromAccountId, bob)), 0);
    assert.equal((await app.ctx.db.select().from(homeFeed).where(eq(homeFeed.statusId, bobPost.id))).length, 0);
    const [ap] = await app.ctx.db.select().from(statuses).where(eq(statuses.id, alicePost.id));
    assert.equal(ap.favouritesCount, 0, "carl's favourite went with the suspension");
    assert.equal(await count(app, statuses, eq(statuses.id, danPost.id)), 1, "other servers' posts stay");
    const suspended = await app.ctx.db.select({ id: accounts.id }).from(accounts).where(and(isNull(accounts.suspendedAt), inArray(accounts.id, [bob, carl, dan])));
    assert.deepEqual(suspended.map((r) => r.id), [dan]);
    const list = await runCommand(app.ctx, ["domain", "list"], "");
    assert.match(list.out, /evil\.example\tsuspend\t-\tspam/);
    assert.match(list.out, /threads\.net\tsuspend/, "the fresh-install default is listed");
    const shown = await runCommand(app.ctx, ["domain", "show", "sub.evil.example"], "");
    assert.match(shown.out, /rule: suspend \(from the rule for evil\.example\)/);
    assert.match(shown.out, /standing: blocked/);
    assert.match(shown.out, /because: domain rule for evil\.example: suspend/);

    // Lifting: planned first; applied, it unsuspends what it suspended, and nothing comes back.
    const liftPlan = await runCommand(app.ctx, ["domain", "unblock", "evil.example"], "");
    assert.match(liftPlan.out, /unsuspend 2 account\(s\)/);
    assert.match(liftPlan.out, /purged posts and severed follows are not restored/);
    assert.ok(await ruleForDomain(app.ctx, "evil.example"));
    const lifted = await runCommand(app.ctx, ["domain", "unblock", "evil.example", "--yes"], "");
    assert.equal(lifted.code, 0, lifted.err);
    assert.equal(await ruleForDomain(app.ctx, "evil.example"), null);
    const rows = await app.ctx.db.select({ id: accounts.id, s: accounts.suspendedAt }).from(accounts).where(inArray(accounts.id, [bob, carl, gone]));
    const byId = new Map(rows.map((r) => [r.id, r.s]));
    assert.equal(byId.get(bob), null);
    assert.equal(byId.get(carl), null);
    assert.ok(byId.get(gone), "an account suspended for another reason stays suspended");
    assert.equal(await count(app, statuses, eq(statuses.id, bobPost.id)), 0);
    assert.equal((await serverPolicy(app.ctx, "evil.example")).standing, "allowed");
  } finally {
    await app.close();
  }
});

test("domain rules refuse bad input, our own domain, and unknown flags", async () => {
  const app = await createTestApp();
  try {
    for (const [args, re] of [
      [["domain", "block", "caracol.test", "--severity", "suspend", "--yes"], /own domain/],
      [["domain", "block", "not a domain", "--severity", "suspend", "--yes"], /not a domain name/],
      [["domain", "block", "https://x.example/", "--severity", "suspend"], /not a domain name/],
      [["domain", "block", "x.example", "--severity", "bogus"], /severity must be one of/],
      [["domain", "unblock", "nothing.example"], /no rule for nothing\.example/],
    ] as const) {
      const r = await runCommand(app.ctx, [...args], "");
      assert.equal(r.code, 1, `${args.join(" ")}: ${r.out}`);
      assert.match(r.err, re);
    }
    assert.equal((await runCommand(app.ctx, ["domain", "block", "x.example"], "")).code, 2, "--severity is required");
    assert.equal((await runCommand(app.ctx, ["domain", "block", "x.example", "--severity", "suspend", "--nope"], "")).code, 2);
    assert.equal((await app.ctx.db.select().from(domainBlocks).where(eq(domainBlocks.domain, "x.example"))).length, 0);
    // an existing rule changes in place
    await runCommand(app.ctx, ["domain", "block", "x.example", "--severity", "silence", "--yes"], "");
    const r = await runCommand(app.ctx, ["domain", "block", "X.Example.", "--severity", "silence", "--reject-media", "--yes"], "");
    assert.match(r.out, /change the rule for x\.example from silence to silence, reject media/);
    const rows = await app.ctx.db.select().from(domainBlocks).where(eq(domainBlocks.domain, "x.example"));
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.rejectMedia, true);
    // a milder rule for a subdomain would weaken the parent's there: refused; a stricter one is fine
    const milder = await runCommand(app.ctx, ["domain", "block", "www.threads.net", "--severity", "noop", "--yes"], "");
    assert.equal(milder.code, 1);
    assert.match(milder.err, /threads\.net already has a rule/);
    assert.equal(await ruleForDomain(app.ctx, "www.threads.net"), null);
    assert.equal((await runCommand(app.ctx, ["domain", "block", "a.x.example", "--severity", "suspend", "--yes"], "")).code, 0);
  } finally {
    await app.close();
  }
});

test("silence: out of public timelines and hashtags, still at home for followers; strangers' notifications hidden", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const bob = await app.user("bob");
    const sil = await remoteAccount(app, "sil", "quiet.example");
    const other = await remoteAccount(app, "ok", "fine.example");
    await follow(app, alice.id, sil);
    const post = await makeStatus(app, sil, { text: "a quiet post", tags: ["quiet"] });
    const control = await makeStatus(app, other, { text: "a loud post", tags: ["quiet"] });
    for (const a of [sil, other]) await setAccount(app, a, { indexable: true });
    const found = async () => ((await (await app.request("/api/v2/search?q=post&type=statuses", { token: bob.token })).json()) as { statuses: { id: string }[] }).statuses.map((s) => s.id);
    assert.ok((await found()).includes(post.id), "searchable before the rule");
    await notification(app, alice.id, sil, "mention", post.id);
    await notification(app, bob.id, sil, "mention", post.id);
    const ids = async (path: string, token: string) => {
      const body = await (await app.request(path, { token })).json();
      assert.ok(Array.isArray(body), `${path}: ${JSON.stringify(body)}`);
      return (body as { id: string }[]).map((s) => s.id);
    };
    assert.ok((await ids("/api/v1/timelines/public", bob.token)).includes(post.id));

    await saveRule(app.ctx, { domain: "quiet.example", severity: "silence" });
    for (const path of ["/api/v1/timelines/public", "/api/v1/timelines/public?remote=true", "/api/v1/timelines/tag/quiet"]) {
      const seen = await ids(path, bob.token);
      assert.ok(!seen.includes(post.id), `${path} leaves the silenced post out`);
      assert.ok(seen.includes(control.id), `${path} still lists others`);
    }
    assert.ok((await ids("/api/v1/timelines/home", alice.token)).includes(post.id), "a follower still sees it at home");
    assert.deepEqual(await found(), [control.id], "search leaves it out");
    const notes = async (u: { token: string }) => ((await (await app.request("/api/v1/notifications", { token: u.token })).json()) as { account: { id: string } }[]).map((n) => n.account.id);
    assert.deepEqual(await notes(alice), [sil], "from someone one follows: shown");
    assert.deepEqual(await notes(bob), [], "from a stranger on a silenced server: hidden");
    assert.equal((await serverPolicy(app.ctx, "quiet.example")).standing, "limited");

    const rule = (await ruleForDomain(app.ctx, "quiet.example"))!;
    await deleteRule(app.ctx, rule);
    assert.ok((await ids("/api/v1/timelines/public", bob.token)).includes(post.id), "lifted: back in public timelines");
  } finally {
    await app.close();
  }
});

test("reject_media: their attachments become links and their avatars our default; others unchanged", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const pic = await remoteAccount(app, "pic", "media.example");
    await setAccount(app, pic, { avatarUrl: "https://media.example/avatar.png", headerUrl: "https://media.example/header.png" });
    const post = await makeStatus(app, pic, { text: "look" });
    await media(app, post.id, pic, "https://media.example/photo.png");
    const get = async () => (await (await app.request(`/api/v1/statuses/${post.id}`, { token: alice.token })).json()) as any;
    const before = await get();
    assert.equal(unproxy(before.media_attachments[0].url), "https://media.example/photo.png");
    assert.equal(unproxy(before.account.avatar), "https://media.example/avatar.png");

    await saveRule(app.ctx, { domain: "media.example", severity: "noop", rejectMedia: true });
    const after = await get();
    const m = after.media_attachments[0];
    assert.equal(m.type, "unknown");
    assert.equal(m.url, null);
    assert.equal(m.preview_url, null);
    assert.equal(m.remote_url, "https://media.example/photo.png", "kept as a link the reader may choose to follow");
    assert.doesNotMatch(revealProxied(after.account.avatar), /media\.example/);
    assert.doesNotMatch(revealProxied(after.account.header), /media\.example/);
    assert.doesNotMatch(revealProxied(JSON.stringify(after).replace(m.remote_url, "")), /media\.example\/(photo|avatar|header)/);
  } finally {
    await app.close();
  }
});

test("followers_only: public posts from that server arrive and are stored as followers-only; others' stay public", async () => {
  const w = await startWorld(["bob"], ["carol"]);
  try {
    const ctx = w.server.app.ctx;
    await saveRule(ctx, { domain: w.peer.host, severity: "noop", followersOnly: true });
    assert.equal((await serverPolicy(ctx, w.peer.host)).standing, "restricted", "our non-public posts are kept from them too");
    const sendPublic = async (peer: typeof w.peer, actor: string) => {
      const uri = peer.actorUrl(actor);
      const note = peer.publish(actor, { type: "Note", content: "<p>hello everyone</p>", to: [AS_PUBLIC], cc: [`${uri}/followers`], published: new Date().toISOString() });
      await deliver(w, peer, actor, `${w.server.url}/inbox`, { id: peer.newId(), type: "Create", actor: uri, object: note, to: note.to, cc: note.cc });
      const [row] = await ctx.db.select().from(statuses).where(eq(statuses.uri, note.id));
      assert.ok(row, "stored");
      return row!;
    };
    assert.equal((await sendPublic(w.peer, "bob")).audience, "followers");
    assert.equal((await sendPublic(w.other, "carol")).audience, "public");
  } finally {
    await w.close();
  }
});

test("a circle we maintain that silences a server keeps its posts out of public timelines here too", async () => {
  const app = await createTestApp();
  try {
    const bob = await app.user("bob");
    const sil = await remoteAccount(app, "sil", "hushed.example");
    const post = await makeStatus(app, sil, { text: "a hushed post" });
    const publicIds = async () => ((await (await app.request("/api/v1/timelines/public", { token: bob.token })).json()) as { id: string }[]).map((s) => s.id);
    assert.ok((await publicIds()).includes(post.id));
    const circle = await createCircle(app.ctx, { name: "neighbours" });
    await setRule(app.ctx, circle.id, { domain: "hushed.example", severity: "silence" });
    assert.equal((await serverPolicy(app.ctx, "hushed.example")).standing, "limited");
    assert.ok(!(await publicIds()).includes(post.id), "the circle's silence applies to public timelines");
  } finally {
    await app.close();
  }
});
