import { test } from "node:test";
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { createTestApp, type TestApp } from "./helpers/app.ts";
import { entityValidator } from "./helpers/openapi.ts";
import { accounts, notifications, users } from "../src/db/schema/index.ts";
import { runCommand } from "../src/cli/commands.ts";
import { registerApp, tokenRequest } from "./oauth-helpers.ts";

async function appToken(app: TestApp, scope = "read write:accounts") {
  const client = await registerApp(app, { scopes: "read write:accounts" });
  const res = await tokenRequest(app, { grant_type: "client_credentials", client_id: client.client_id, client_secret: client.client_secret, scope });
  return (await res.json()).access_token as string;
}

const signUp = (app: TestApp, token: string, over: Record<string, unknown> = {}) =>
  app.request("/api/v1/accounts", {
    method: "POST",
    token,
    json: { username: "pat", email: "pat@example.com", password: "long enough pw", agreement: true, locale: "fr", reason: "I like snails", ...over },
  });

test("API sign-up with approval: an unusable token, admins notified, approved through the admin API", async () => {
  const app = await createTestApp();
  const validAdminAccount = entityValidator("AdminAccount");
  try {
    const admin = await app.user("boss", { admin: true, scopes: "read admin:read admin:write" });
    const plain = await app.user("alice", { scopes: "read write admin:read admin:write" });
    const token = await appToken(app);
    const res = await signUp(app, token);
    assert.equal(res.status, 200, await res.clone().text());
    const tok = await res.json();
    assert.equal(tok.token_type, "Bearer");
    assert.equal((await app.request("/api/v1/apps/verify_credentials", { token: tok.access_token })).status, 401, "not usable before approval");

    const [pat] = await app.ctx.db.select().from(accounts).where(eq(accounts.username, "pat"));
    const note = await app.ctx.db.select().from(notifications).where(and(eq(notifications.accountId, admin.id), eq(notifications.fromAccountId, pat.id)));
    assert.equal(note.length, 1);
    assert.equal(note[0].type, "admin.sign_up");

    // Not for people without the admin role, nor for tokens without the admin scope.
    assert.equal((await app.request("/api/v1/admin/accounts?status=pending", { token: plain.token })).status, 403);
    const readOnly = await app.user("boss2", { admin: true, scopes: "read" });
    assert.equal((await app.request("/api/v1/admin/accounts?status=pending", { token: readOnly.token })).status, 403);
    assert.equal((await app.request(`/api/v1/admin/accounts/${pat.id}/approve`, { method: "POST", token: plain.token })).status, 403);
    assert.equal((await app.request("/api/v1/admin/accounts")).status, 401);

    const list = await app.request("/api/v1/admin/accounts?status=pending", { token: admin.token });
    assert.equal(list.status, 200);
    const pending = await list.json();
    assert.deepEqual(pending.map((a: { id: string }) => a.id), [pat.id]);
    assert.equal(validAdminAccount(pending[0]), null);
    assert.equal(pending[0].invite_request, "I like snails");
    assert.equal(pending[0].approved, false);
    assert.equal(pending[0].email, "pat@example.com");
    assert.equal(pending[0].locale, "fr");
    const v1 = await (await app.request("/api/v1/admin/accounts?pending=true", { token: admin.token })).json();
    assert.deepEqual(v1.map((a: { id: string }) => a.id), [pat.id]);

    assert.equal((await app.request("/api/v1/admin/accounts/999/approve", { method: "POST", token: admin.token })).status, 404);
    assert.equal((await app.request("/api/v1/admin/accounts/nope/approve", { method: "POST", token: admin.token })).status, 404);
    const approved = await app.request(`/api/v1/admin/accounts/${pat.id}/approve`, { method: "POST", token: admin.token });
    assert.equal(approved.status, 200);
    const entity = await approved.json();
    assert.equal(entity.approved, true);
    assert.equal(validAdminAccount(entity), null);
    assert.equal((await app.request("/api/v1/apps/verify_credentials", { token: tok.access_token })).status, 200, "usable once approved");
    assert.equal((await app.request(`/api/v1/admin/accounts/${pat.id}/approve`, { method: "POST", token: admin.token })).status, 403, "not pending any more");
    assert.equal((await app.request(`/api/v1/admin/accounts/${pat.id}/reject`, { method: "POST", token: admin.token })).status, 403, "an approved account is not rejected");
    assert.deepEqual(await (await app.request("/api/v1/admin/accounts?status=pending", { token: admin.token })).json(), []);
  } finally {
    await app.close();
  }
});

test("rejecting deletes the pending account; approval through the CLI works too", async () => {
  const app = await createTestApp();
  try {
    const admin = await app.user("boss", { admin: true, scopes: "admin:read admin:write" });
    const token = await appToken(app);
    assert.equal((await signUp(app, token, { username: "spam", email: "spam@example.com" })).status, 200);
    const [spam] = await app.ctx.db.select().from(accounts).where(eq(accounts.username, "spam"));
    const rejected = await app.request(`/api/v1/admin/accounts/${spam.id}/reject`, { method: "POST", token: admin.token });
    assert.equal(rejected.status, 200);
    assert.equal((await app.ctx.db.select().from(accounts).where(eq(accounts.id, spam.id))).length, 0);
    assert.equal((await app.ctx.db.select().from(notifications)).length, 0, "its sign-up notification went with it");
    assert.equal((await signUp(app, token, { username: "spam", email: "spam@example.com" })).status, 200, "name and e-mail are free again");

    const res = await signUp(app, token, { username: "carl", email: "carl@example.com" });
    const tok = await res.json();
    const out = await runCommand(app.ctx, ["account", "approve", "carl"], "");
    assert.equal(out.code, 0, out.err);
    assert.equal((await app.request("/api/v1/apps/verify_credentials", { token: tok.access_token })).status, 200);
  } finally {
    await app.close();
  }
});

test("API sign-up: closed registrations, open registrations, validation errors and user tokens", async () => {
  const closed = await createTestApp({ CARACOL_REGISTRATIONS: "closed" });
  try {
    const res = await signUp(closed, await appToken(closed));
    assert.equal(res.status, 403);
    assert.equal((await closed.ctx.db.select().from(users)).length, 0);
  } finally {
    await closed.close();
  }

  const open = await createTestApp({ CARACOL_REGISTRATIONS: "open" });
  try {
    const token = await appToken(open);
    const res = await signUp(open, token);
    assert.equal(res.status, 200);
    const tok = await res.json();
    assert.equal((await open.request("/api/v1/apps/verify_credentials", { token: tok.access_token })).status, 200, "open: usable at once");

    const taken = await signUp(open, token, { email: "other@example.com" });
    assert.equal(taken.status, 422);
    const body = await taken.json();
    assert.equal(body.details.username[0].error, "ERR_TAKEN");
    const noAgreement = await signUp(open, token, { username: "newbie", email: "n@example.com", agreement: false });
    assert.equal(noAgreement.status, 422);
    assert.equal((await noAgreement.json()).details.agreement[0].error, "ERR_ACCEPTED");
    for (const bad of [{ username: "bad name!" }, { password: "short" }, { email: "not-an-email" }, { username: "" }]) {
      const r = await signUp(open, token, { username: "valid_name", email: "v@example.com", ...bad });
      assert.equal(r.status, 422, JSON.stringify(bad));
    }
    assert.equal((await open.ctx.db.select().from(users)).length, 1, "nothing was created by bad input");

    const person = await open.user("alice", { scopes: "read write" });
    assert.equal((await signUp(open, person.token, { username: "sock", email: "sock@example.com" })).status, 403, "a person's token is not an app token");
    assert.equal((await signUp(open, "bogus")).status, 401);
  } finally {
    await open.close();
  }
});
