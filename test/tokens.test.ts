// Expired, revoked and under-scoped tokens are refused, and nothing changes when they are.
import { test } from "node:test";
import assert from "node:assert/strict";
import { count, eq } from "drizzle-orm";
import { createTestApp } from "./helpers/app.ts";
import { accessTokens, statuses } from "../src/db/schema/index.ts";
import { issueToken, revokeToken } from "../src/domain/oauth/tokens.ts";
import { sha256Hex } from "../src/lib/crypto.ts";

test("expired, revoked and under-scoped tokens get 401/403 and change nothing", async () => {
  const app = await createTestApp({ CARACOL_ACCESS_TOKEN_TTL_DAYS: "30" });
  try {
    const alice = await app.user("alice");
    const [stored] = await app.ctx.db.select().from(accessTokens).where(eq(accessTokens.tokenHash, sha256Hex(alice.token)));
    const days = (stored.expiresAt!.getTime() - Date.now()) / 86400_000;
    assert.ok(days > 29.9 && days <= 30, "tokens get the configured lifetime");
    const post = (token: string) => app.request("/api/v1/statuses", { method: "POST", token, json: { status: "hello" } });
    const n = async () => (await app.ctx.db.select({ n: count() }).from(statuses))[0].n;

    const expired = await issueToken(app.ctx, { appId: null, accountId: alice.id, scopes: ["read", "write"] });
    await app.ctx.db.update(accessTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(accessTokens.id, expired.id));
    const r1 = await post(expired.accessToken);
    assert.equal(r1.status, 401);
    assert.deepEqual(await r1.json(), { error: "The access token is invalid" });

    const revoked = await issueToken(app.ctx, { appId: null, accountId: alice.id, scopes: ["read", "write"] });
    await revokeToken(app.ctx, revoked.id);
    assert.equal((await post(revoked.accessToken)).status, 401);
    assert.equal((await app.request("/api/v1/accounts/verify_credentials", { token: revoked.accessToken })).status, 401);

    const readOnly = await issueToken(app.ctx, { appId: null, accountId: alice.id, scopes: ["read"] });
    const r3 = await post(readOnly.accessToken);
    assert.equal(r3.status, 403);
    assert.deepEqual(await r3.json(), { error: "This action is outside the authorized scopes" });
    const profileOnly = await issueToken(app.ctx, { appId: null, accountId: alice.id, scopes: ["profile"] });
    assert.equal((await app.request("/api/v1/accounts/verify_credentials", { token: profileOnly.accessToken })).status, 200);
    assert.equal((await app.request("/api/v1/timelines/home", { token: profileOnly.accessToken })).status, 403);

    assert.equal(await n(), 0, "no refused request created a status");
    assert.equal((await post(alice.token)).status, 200);
    assert.equal(await n(), 1);
  } finally {
    await app.close();
  }
});
