// Client apps under the admins' control, and under each person's: Meta's apps refused by
// default, blocking ends every token at once, allow-list mode, and revoking one's own apps
// through the API and the settings page. All through the real OAuth forms.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "./helpers/app.ts";
import { Browser } from "./helpers/browser.ts";
import { authorize, authorizeUrl, exchange, registerApp, REDIRECT, PASSWORD, tokenRequest, type RegisteredApp } from "./oauth-helpers.ts";
import { runCommand } from "../src/cli/commands.ts";

async function tokenFor(app: TestApp, client: RegisteredApp, username: string): Promise<string> {
  const { code } = await authorize(app, client, username, { scope: "read" });
  const res = await exchange(app, client, code);
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()).access_token;
}

const works = async (app: TestApp, token: string) => (await app.request("/api/v1/accounts/verify_credentials", { token })).status;

test("apps identified as Meta's are refused at registration; a look-alike name is not", async () => {
  const app = await createTestApp();
  try {
    const register = (client_name: string, redirect_uris: string) => app.request("/api/v1/apps", { method: "POST", json: { client_name, redirect_uris, scopes: "read" } });
    for (const [name, uri] of [
      ["Threads", REDIRECT],
      ["Instagram sync", REDIRECT],
      ["Friendly client", "https://www.threads.net/oauth/cb"],
      ["Friendly client", "https://login.facebook.com/cb"],
    ]) {
      const res = await register(name, uri);
      assert.equal(res.status, 422, `${name} ${uri}`);
      assert.match((await res.json()).error, /blocked on this server: identified as Meta's/);
    }
    assert.equal((await register("Metatext", REDIRECT)).status, 200, "a word inside another word is not a match");
    assert.equal((await register("Friendly client", "https://notthreads.net/cb")).status, 200);
  } finally {
    await app.close();
  }
});

test("admins see every app with its users; blocking ends all its tokens at once and refuses new ones", async () => {
  const app = await createTestApp();
  try {
    const admin = await app.user("boss", { admin: true, scopes: "read write admin:read admin:write" });
    await app.user("alice");
    await app.user("bob");
    const client = await registerApp(app, { scopes: "read write" });
    const other = await registerApp(app, { scopes: "read" });
    const aliceToken = await tokenFor(app, client, "alice");
    const aliceSecond = await tokenFor(app, client, "alice");
    const bobToken = await tokenFor(app, client, "bob");
    const otherToken = await tokenFor(app, other, "alice");

    const listed = await (await app.request("/api/v1/caracol/admin/apps", { token: admin.token })).json();
    const entry = listed.find((a: { id: string }) => a.id === client.id);
    assert.deepEqual(
      { name: entry.name, website: entry.website, redirect_uris: entry.redirect_uris, scopes: entry.scopes, people: entry.people, live_tokens: entry.live_tokens, blocked: entry.blocked },
      { name: "Test App", website: "https://app.example/", redirect_uris: [REDIRECT], scopes: ["read", "write"], people: 2, live_tokens: 3, blocked: false },
    );
    const alice = await app.user("mallory");
    assert.equal((await app.request("/api/v1/caracol/admin/apps", { token: alice.token })).status, 403, "not for people who are not admins");

    const blocked = await (await app.request(`/api/v1/caracol/admin/apps/${client.id}/block`, { method: "POST", token: admin.token })).json();
    assert.equal(blocked.revoked_tokens, 3);
    assert.equal(blocked.blocked, true);
    for (const t of [aliceToken, aliceSecond, bobToken]) assert.equal(await works(app, t), 401, "every token of the blocked app stops working");
    assert.equal(await works(app, otherToken), 200, "other apps are untouched");

    // No way back in: neither the consent page nor the token endpoint.
    const browser = new Browser(app);
    assert.equal((await browser.signIn("alice", PASSWORD)).status, 303);
    const consent = await browser.get(authorizeUrl(client, { scope: "read" }));
    assert.equal(consent.status, 400);
    assert.match(consent.html, /may not use this server: blocked by the admins/);
    const cc = await tokenRequest(app, { grant_type: "client_credentials", client_id: client.client_id, client_secret: client.client_secret, scope: "read" });
    assert.equal(cc.status, 401);
    assert.match((await cc.json()).error_description, /blocked by the admins/);

    const unblocked = await (await app.request(`/api/v1/caracol/admin/apps/${client.id}/unblock`, { method: "POST", token: admin.token })).json();
    assert.equal(unblocked.blocked, false);
    assert.equal(await works(app, aliceToken), 401, "unblocking does not bring revoked tokens back");
    assert.equal(await works(app, await tokenFor(app, client, "alice")), 200);
  } finally {
    await app.close();
  }
});

test("CLI: app block lists whom it cuts off; allow-list mode blocks apps not allowed", async () => {
  const app = await createTestApp();
  try {
    await app.user("alice");
    const client = await registerApp(app, { scopes: "read" });
    const token = await tokenFor(app, client, "alice");
    const cli = (...argv: string[]) => runCommand(app.ctx, argv, "");

    const listed = await cli("app", "list");
    assert.equal(listed.code, 0);
    assert.match(listed.out, new RegExp(`${client.id}\\tTest App\\t.*\\t1 people\\tallowed`));
    const plan = await cli("app", "block", client.id);
    assert.match(plan.out, /revoke its 1 live tokens, cutting off 1 people/);
    assert.match(plan.out, /Nothing changed yet/);
    assert.equal(await works(app, token), 200);

    const modePlan = await cli("app", "mode", "allowlist");
    assert.match(modePlan.out, /block Test App .*revoke 1 live tokens of 1 people/);
    assert.equal(await works(app, token), 200, "nothing changes without --yes");
    const applied = await cli("app", "mode", "allowlist", "--yes");
    assert.match(applied.out, /Revoked 1 tokens/);
    assert.equal(await works(app, token), 401);
    // Registering still works (an admin can only allow an app that exists); using it waits.
    const late = await registerApp(app, { scopes: "read" });
    const browser = new Browser(app);
    await browser.signIn("alice", PASSWORD);
    const refused = await browser.get(authorizeUrl(late, { scope: "read" }));
    assert.match(refused.html, /not on this server&#39;s allow-list of apps/);

    assert.match((await cli("app", "allow", late.id)).out, /is now allowed/);
    assert.equal(await works(app, await tokenFor(app, late, "alice")), 200);
    // Pattern rules: a redirect host blocks every app sending people there, new ones included.
    assert.match((await cli("app", "mode", "open", "--yes")).out, /switch the app mode from allowlist to open/);
    const third = await registerApp(app, { scopes: "read" });
    const thirdToken = await tokenFor(app, third, "alice");
    const hostPlan = await cli("app", "rule", "host", "APP.example", "block");
    assert.match(hostPlan.out, /block every app with host app\.example/);
    assert.match(hostPlan.out, new RegExp(`block Test App \\(${third.id}\\): revoke 1 live tokens of 1 people`));
    assert.doesNotMatch(hostPlan.out, new RegExp(late.id), "an app the admins allowed by id stays allowed");
    await cli("app", "rule", "host", "app.example", "block", "--yes");
    assert.equal(await works(app, thirdToken), 401);
    assert.match((await cli("app", "rules")).out, /host\tapp\.example\tblock/);
    const refusedReg = await app.request("/api/v1/apps", { method: "POST", json: { client_name: "Another", redirect_uris: "https://cb.app.example/x", scopes: "read" } });
    assert.equal(refusedReg.status, 422);
    assert.match((await refusedReg.json()).error, /redirect host app\.example/);
    await cli("app", "rule", "host", "app.example", "remove", "--yes");
    assert.equal((await app.request("/api/v1/apps", { method: "POST", json: { client_name: "Another", redirect_uris: "https://cb.app.example/x", scopes: "read" } })).status, 200);
    assert.equal((await cli("app", "rule", "host", "https://x/y", "block")).code, 1);
    assert.equal((await cli("app", "block", "999")).code, 1);
    assert.equal((await cli("app", "mode", "closed")).code, 2);
  } finally {
    await app.close();
  }
});

test("people see their authorized apps and revoke one, all its tokens at once, by API and on the web", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    const client = await registerApp(app, { scopes: "read write" });
    const other = await registerApp(app, { scopes: "read" });
    const first = await tokenFor(app, client, "alice");
    const second = await tokenFor(app, client, "alice");
    const kept = await tokenFor(app, other, "alice");
    await works(app, first);

    const apps = await (await app.request("/api/v1/caracol/authorized_apps", { token: alice.token })).json();
    assert.deepEqual(apps.map((a: { id: string }) => a.id).sort(), [client.id, other.id].sort());
    const mine = apps.find((a: { id: string }) => a.id === client.id);
    assert.deepEqual(mine.scopes, ["read"]);
    assert.deepEqual(mine.narrowed, { no_direct: false, no_others_followers_only: false });
    assert.ok(mine.last_used_at, "last use is recorded");

    const pending = await authorize(app, client, "alice", { scope: "read" });
    const del = await app.request(`/api/v1/caracol/authorized_apps/${client.id}`, { method: "DELETE", token: alice.token });
    assert.equal(del.status, 200);
    assert.equal((await exchange(app, client, pending.code)).status, 400, "a code not yet exchanged goes with the tokens");
    assert.equal(await works(app, first), 401);
    assert.equal(await works(app, second), 401);
    assert.equal(await works(app, kept), 200);

    // The settings page lists the remaining app and revokes it through a CSRF-checked form.
    const browser = new Browser(app);
    await browser.signIn("alice", PASSWORD);
    const page = await browser.get("/settings/apps");
    assert.equal(page.status, 200);
    assert.match(page.html, /Test App/);
    assert.match(page.html, /Not limited: it reads everything/);
    const forged = await browser.post(`/settings/apps/${other.id}/revoke`, { authenticity_token: "forged" });
    assert.equal(forged.status, 403);
    assert.equal(await works(app, kept), 200);
    const revoked = await browser.submit(page.html, page.url, `/settings/apps/${other.id}/revoke`);
    assert.equal(revoked.status, 303);
    assert.equal(await works(app, kept), 401);
    assert.match((await browser.get("/settings/apps")).html, /No app has access to your account/);
    const anonymous = await new Browser(app).request("/settings/apps");
    assert.equal(anonymous.status, 303);
  } finally {
    await app.close();
  }
});
