// A suspension from a subscribed list, or from one of our circles' shared rules, does what an
// admin's own suspension does: follows severed, cached posts purged, accounts suspended; when
// the list retracts it, the accounts it suspended come back (purged posts do not).
import { test } from "node:test";
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { createTestApp } from "../helpers/app.ts";
import { follow, makeStatus, remoteAccount } from "../helpers/fixtures.ts";
import { startListServer } from "./list-server.ts";
import { accounts, follows, statuses } from "../../src/db/schema/index.ts";
import { createSubscription } from "../../src/domain/federation-policy/subscriptions.ts";
import { syncSubscription } from "../../src/federation/policy-lists/sync-subscription.ts";
import { createCircle, removeRule, setRule } from "../../src/domain/federation-policy/circles.ts";
import { saveRule, ruleForDomain, deleteRule } from "../../src/domain/federation-policy/domain-rules.ts";

const csv = (...rows: string[]) => "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n" + rows.map((r) => r + "\n").join("");

test("a list's suspension severs and purges; its retraction unsuspends what it suspended", async () => {
  const app = await createTestApp({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true" });
  const lists = await startListServer();
  try {
    const ctx = app.ctx;
    const alice = await app.user("alice");
    const bad = await remoteAccount(app, "troll", "social.bad.example");
    const good = await remoteAccount(app, "friend", "good.example");
    await follow(app, bad, alice.id);
    await follow(app, alice.id, bad);
    await follow(app, good, alice.id);
    const badPost = await makeStatus(app, bad, { text: "cached from bad" });
    const goodPost = await makeStatus(app, good, { text: "cached from good" });
    const followsOf = async (id: string) => (await ctx.db.select().from(follows).where(eq(follows.accountId, id))).length + (await ctx.db.select().from(follows).where(eq(follows.targetAccountId, id))).length;
    const suspendedAt = async (id: string) => (await ctx.db.select({ s: accounts.suspendedAt }).from(accounts).where(eq(accounts.id, id)))[0]!.s;
    const postExists = async (id: string) => (await ctx.db.select().from(statuses).where(eq(statuses.id, id))).length === 1;

    lists.set("/l.csv", csv("bad.example,suspend,false,false,,false"));
    const sub = await createSubscription(ctx, { name: "l", source: lists.url("/l.csv") });
    const synced = await syncSubscription(ctx, sub.id, { apply: true });
    assert.equal(synced.outcome, "applied", synced.error ?? "");
    assert.equal(await followsOf(bad), 0, "follows both ways severed");
    assert.equal(await postExists(badPost.id), false, "cached post purged");
    assert.ok(await suspendedAt(bad), "account suspended");
    assert.equal(await followsOf(good), 1, "others untouched");
    assert.equal(await postExists(goodPost.id), true);
    assert.equal(await suspendedAt(good), null);

    // An admin rule on top, then lifted: the list still suspends, so the account stays suspended.
    await saveRule(ctx, { domain: "bad.example", severity: "suspend" });
    await deleteRule(ctx, (await ruleForDomain(ctx, "bad.example"))!);
    assert.ok(await suspendedAt(bad), "still suspended by the list");

    lists.set("/l.csv", csv("other.example,suspend,false,false,,false"));
    await syncSubscription(ctx, sub.id, { apply: true });
    assert.equal(await suspendedAt(bad), null, "retracted upstream: unsuspended");
    assert.equal(await postExists(badPost.id), false, "purged posts stay gone");
  } finally {
    await lists.close();
    await app.close();
  }
});

test("a circle's shared suspend rule severs and purges here too, and removing it lifts it", async () => {
  const app = await createTestApp();
  try {
    const ctx = app.ctx;
    const alice = await app.user("alice");
    const bad = await remoteAccount(app, "troll", "harasser.example");
    await follow(app, bad, alice.id);
    const post = await makeStatus(app, bad, { text: "cached" });
    const circle = await createCircle(ctx, { name: "neighbours" });
    await setRule(ctx, circle.id, { domain: "harasser.example", severity: "suspend" });
    assert.equal((await ctx.db.select().from(follows).where(eq(follows.accountId, bad))).length, 0);
    assert.equal((await ctx.db.select().from(statuses).where(eq(statuses.id, post.id))).length, 0);
    assert.ok((await ctx.db.select({ s: accounts.suspendedAt }).from(accounts).where(eq(accounts.id, bad)))[0]!.s);
    await removeRule(ctx, circle.id, "harasser.example");
    assert.equal((await ctx.db.select({ s: accounts.suspendedAt }).from(accounts).where(eq(accounts.id, bad)))[0]!.s, null);
  } finally {
    await app.close();
  }
});
