import { test } from "node:test";
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { createTestApp } from "./helpers/app.ts";
import { apps, authorizationCodes } from "../src/db/schema/index.ts";
import { sha256Hex } from "../src/lib/crypto.ts";
import { authorize, authorizeUrl, consentPage, exchange, pkce, REDIRECT, registerApp, tokenRequest } from "./oauth-helpers.ts";
import { Browser, csrfToken } from "./helpers/browser.ts";

test("authorization code with PKCE through the real forms; refresh rotates; revoke ends the token", async () => {
  const app = await createTestApp();
  try {
    await app.user("alice");
    const client = await registerApp(app);
    const { verifier, challenge } = pkce();
    const { consent } = await consentPage(app, client, "alice", { state: "xyz", code_challenge: challenge, code_challenge_method: "S256" });
    assert.match(consent.html, /Test App/);
    assert.match(consent.html, /direct messages/, "read is described in plain words");
    assert.match(consent.html, /Act as you/, "write is described in plain words");
    assert.match(consent.html, /everything these permissions allow/);
    assert.match(consent.html, /<meta name="robots" content="noindex">/);
    assert.equal(consent.headers.get("x-frame-options"), "DENY", "the consent page cannot be framed (clickjacking)");

    const { code, location } = await authorize(app, client, "alice", { state: "xyz", code_challenge: challenge, code_challenge_method: "S256" });
    assert.equal(location.searchParams.get("state"), "xyz");
    const [stored] = await app.ctx.db.select().from(authorizationCodes).where(eq(authorizationCodes.codeHash, sha256Hex(code)));
    assert.ok(stored, "codes are stored hashed");
    assert.ok(stored.expiresAt.getTime() - Date.now() <= 10 * 60_000 + 1000);

    const res = await exchange(app, client, code, verifier);
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get("cache-control"), "no-store");
    const tok = await res.json();
    assert.equal(tok.token_type, "Bearer");
    assert.equal(tok.scope, "read write");
    assert.equal(typeof tok.created_at, "number");
    assert.ok(tok.created_at < 1e11, "created_at is in seconds");
    assert.ok(tok.refresh_token);
    const verify = await app.request("/api/v1/apps/verify_credentials", { token: tok.access_token });
    assert.equal(verify.status, 200);
    assert.equal((await verify.json()).name, "Test App");
    const info = await app.request("/oauth/userinfo", { token: tok.access_token });
    assert.equal(info.status, 200);
    const me = await info.json();
    assert.equal(me.preferred_username, "alice");
    assert.equal(me.sub, "http://caracol.test/users/alice");

    // Refresh: a new pair; the old access and refresh tokens stop working.
    const refreshed = await tokenRequest(app, { grant_type: "refresh_token", refresh_token: tok.refresh_token, client_id: client.client_id, client_secret: client.client_secret });
    assert.equal(refreshed.status, 200);
    const tok2 = await refreshed.json();
    assert.notEqual(tok2.access_token, tok.access_token);
    assert.equal(tok2.scope, "read write");
    assert.equal((await app.request("/api/v1/apps/verify_credentials", { token: tok.access_token })).status, 401);
    assert.equal((await app.request("/api/v1/apps/verify_credentials", { token: tok2.access_token })).status, 200);
    const again = await tokenRequest(app, { grant_type: "refresh_token", refresh_token: tok.refresh_token, client_id: client.client_id, client_secret: client.client_secret });
    assert.equal(again.status, 400);
    assert.equal((await again.json()).error, "invalid_grant");

    // Another app cannot revoke it; its own app can.
    const other = await registerApp(app);
    const foreign = await app.request("/oauth/revoke", { method: "POST", json: { token: tok2.access_token, client_id: other.client_id, client_secret: other.client_secret } });
    assert.equal(foreign.status, 200);
    assert.equal((await app.request("/api/v1/apps/verify_credentials", { token: tok2.access_token })).status, 200, "a foreign app's revoke does nothing");
    const badClient = await app.request("/oauth/revoke", { method: "POST", json: { token: tok2.access_token, client_id: client.client_id, client_secret: "wrong" } });
    assert.equal(badClient.status, 401);
    assert.equal((await app.request("/api/v1/apps/verify_credentials", { token: tok2.access_token })).status, 200);
    const revoked = await app.request("/oauth/revoke", { method: "POST", json: { token: tok2.access_token, client_id: client.client_id, client_secret: client.client_secret } });
    assert.equal(revoked.status, 200);
    assert.equal((await app.request("/api/v1/apps/verify_credentials", { token: tok2.access_token })).status, 401);
  } finally {
    await app.close();
  }
});

test("a replayed code fails and revokes the token issued for it; expired codes fail", async () => {
  const app = await createTestApp();
  try {
    await app.user("alice");
    const client = await registerApp(app);
    const { code } = await authorize(app, client, "alice");
    const first = await exchange(app, client, code);
    assert.equal(first.status, 200);
    const tok = await first.json();
    assert.equal((await app.request("/api/v1/apps/verify_credentials", { token: tok.access_token })).status, 200);
    const replay = await exchange(app, client, code);
    assert.equal(replay.status, 400);
    assert.equal((await replay.json()).error, "invalid_grant");
    assert.equal((await app.request("/api/v1/apps/verify_credentials", { token: tok.access_token })).status, 401, "the first token is revoked");
    const refresh = await tokenRequest(app, { grant_type: "refresh_token", refresh_token: tok.refresh_token, client_id: client.client_id, client_secret: client.client_secret });
    assert.equal(refresh.status, 400, "its refresh token is dead too");

    const { code: late } = await authorize(app, client, "alice");
    await app.ctx.db.update(authorizationCodes).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(authorizationCodes.codeHash, sha256Hex(late)));
    const expired = await exchange(app, client, late);
    assert.equal(expired.status, 400);
    assert.deepEqual(Object.keys(await expired.json()).sort(), ["error", "error_description"]);
  } finally {
    await app.close();
  }
});

test("PKCE and redirect_uri are checked; a code only works for its own client", async () => {
  const app = await createTestApp();
  try {
    await app.user("alice");
    const client = await registerApp(app, { redirect: [REDIRECT, "https://app.example/other"] });
    const { verifier, challenge } = pkce();
    const { code } = await authorize(app, client, "alice", { code_challenge: challenge, code_challenge_method: "S256" });
    for (const [label, res] of [
      ["wrong verifier", await exchange(app, client, code, pkce().verifier)],
      ["no verifier", await exchange(app, client, code)],
      ["other registered redirect_uri", await exchange(app, client, code, verifier, "https://app.example/other")],
    ] as const) {
      assert.equal(res.status, 400, label);
      assert.equal((await res.json()).error, "invalid_grant", label);
    }
    const other = await registerApp(app);
    const stolen = await exchange(app, other, code, verifier);
    assert.equal(stolen.status, 400);
    const wrongSecret = await exchange(app, { ...client, client_secret: "nope" }, code, verifier);
    assert.equal(wrongSecret.status, 401);
    assert.equal((await wrongSecret.json()).error, "invalid_client");
    // None of the failures used the code up.
    const ok = await tokenRequest(
      app,
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier },
      { authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString("base64")}` },
    );
    assert.equal(ok.status, 200, "HTTP Basic client authentication works");

    // A verifier sent for a code that had no challenge is a downgrade sign: refused.
    const { code: plainCode } = await authorize(app, client, "alice");
    assert.equal((await exchange(app, client, plainCode, verifier)).status, 400);
  } finally {
    await app.close();
  }
});

test("authorize refuses bad requests: unknown client or redirect on our page, the rest back to the app", async () => {
  const app = await createTestApp();
  try {
    await app.user("alice");
    const client = await registerApp(app, { scopes: "read" });
    const browser = new Browser(app);
    await browser.signIn("alice", "correct horse battery");

    const unknownClient = await browser.request(authorizeUrl({ ...client, client_id: "nope" }, { scope: "read" }));
    assert.equal(unknownClient.status, 400);
    assert.equal(unknownClient.headers.get("location"), null);
    const badRedirect = await browser.request(authorizeUrl(client, { scope: "read", redirect_uri: "https://evil.example/cb" }));
    assert.equal(badRedirect.status, 400, "an unregistered redirect_uri is never redirected to");
    assert.equal(badRedirect.headers.get("location"), null);

    const cases: [Record<string, string>, string][] = [
      [{ scope: "read bogus" }, "invalid_scope"],
      [{ scope: "read write" }, "invalid_scope"],
      [{ scope: "read", response_type: "token" }, "unsupported_response_type"],
      [{ scope: "read", code_challenge: pkce().challenge, code_challenge_method: "plain" }, "invalid_request"],
      [{ scope: "read", code_challenge: pkce().challenge }, "invalid_request"],
    ];
    for (const [extra, error] of cases) {
      const res = await browser.request(authorizeUrl(client, { state: "s1", ...extra }));
      assert.equal(res.status, 302, JSON.stringify(extra));
      const loc = new URL(res.headers.get("location")!);
      assert.equal(loc.origin + loc.pathname, REDIRECT);
      assert.equal(loc.searchParams.get("error"), error, JSON.stringify(extra));
      assert.equal(loc.searchParams.get("state"), "s1");
    }
    // force_login sends a signed-in person back to the sign-in page, and lang is accepted.
    const forced = await browser.request(authorizeUrl(client, { scope: "read", force_login: "true", lang: "fr" }));
    assert.equal(forced.status, 302);
    const back = new URL(forced.headers.get("location")!, app.config.origin);
    assert.equal(back.pathname, "/auth/sign_in");
    assert.ok(!back.searchParams.get("return_to")!.includes("force_login"));
    const consent = await browser.get(authorizeUrl(client, { scope: "read", lang: "fr" }));
    assert.match(consent.html, /<html lang="fr">/);

    // The app's name and website are the app's words, not markup.
    const evil = await app.request("/api/v1/apps", {
      method: "POST",
      json: { client_name: '<script>alert(1)</script>', redirect_uris: REDIRECT, website: 'https://x.example/"><script>' },
    });
    const evilApp = await evil.json();
    const evilConsent = await browser.get(authorizeUrl(evilApp, { scope: "read" }));
    assert.equal(evilConsent.status, 200);
    assert.ok(!evilConsent.html.includes("<script>"), "nothing the app registered becomes markup");
    assert.ok(evilConsent.html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
  } finally {
    await app.close();
  }
});

test("a forged consent POST (no or wrong CSRF token) is refused and issues no code; deny and oob work", async () => {
  const app = await createTestApp();
  try {
    await app.user("alice");
    const client = await registerApp(app, { redirect: [REDIRECT, "urn:ietf:wg:oauth:2.0:oob"] });
    const { browser, consent } = await consentPage(app, client, "alice");
    const fields = { client_id: client.client_id, redirect_uri: REDIRECT, response_type: "code", scope: "read write", decision: "approve" };
    const missing = await browser.post("/oauth/authorize", fields);
    assert.equal(missing.status, 403);
    assert.match(await missing.text(), /could not be verified/);
    const wrong = await browser.post("/oauth/authorize", { ...fields, authenticity_token: "A".repeat(43) });
    assert.equal(wrong.status, 403);
    const crossSite = await browser.post("/oauth/authorize", { ...fields, authenticity_token: csrfToken(consent.html) }, { origin: "https://evil.example" });
    assert.equal(crossSite.status, 403, "a POST from another origin is refused even with the token");
    assert.equal((await app.ctx.db.select().from(authorizationCodes)).length, 0, "no code was issued");

    const denied = await browser.submit(consent.html, consent.url, "/oauth/authorize", {}, { name: "decision", value: "deny" });
    assert.equal(denied.status, 302);
    assert.equal(new URL(denied.headers.get("location")!).searchParams.get("error"), "access_denied");
    assert.equal((await app.ctx.db.select().from(authorizationCodes)).length, 0);

    const oob = await browser.get(authorizeUrl(client, { redirect_uri: "urn:ietf:wg:oauth:2.0:oob" }));
    const shown = await browser.submit(oob.html, oob.url, "/oauth/authorize", {}, { name: "decision", value: "approve" });
    assert.equal(shown.status, 200);
    const code = (await shown.text()).match(/<code id="code">([^<]+)<\/code>/)![1];
    assert.equal((await exchange(app, client, code, undefined, "urn:ietf:wg:oauth:2.0:oob")).status, 200);
  } finally {
    await app.close();
  }
});

test("client_credentials gives an app token without an account; password grant is not offered", async () => {
  const app = await createTestApp();
  try {
    const client = await registerApp(app, { scopes: "read write:accounts" });
    const res = await tokenRequest(app, { grant_type: "client_credentials", client_id: client.client_id, client_secret: client.client_secret, scope: "read" });
    assert.equal(res.status, 200);
    const tok = await res.json();
    assert.equal(tok.scope, "read");
    assert.equal(tok.refresh_token, undefined);
    assert.equal((await app.request("/api/v1/apps/verify_credentials", { token: tok.access_token })).status, 200);
    assert.equal((await app.request("/api/v1/admin/accounts", { token: tok.access_token })).status, 401, "an app token is nobody");
    const tooMuch = await tokenRequest(app, { grant_type: "client_credentials", client_id: client.client_id, client_secret: client.client_secret, scope: "write" });
    assert.equal(tooMuch.status, 400);
    assert.equal((await tooMuch.json()).error, "invalid_scope");
    const pw = await tokenRequest(app, { grant_type: "password", username: "a", password: "b", client_id: client.client_id, client_secret: client.client_secret });
    assert.equal(pw.status, 400);
    assert.equal((await pw.json()).error, "unsupported_grant_type");
    const noSecret = await tokenRequest(app, { grant_type: "client_credentials", client_id: client.client_id });
    assert.equal(noSecret.status, 401);
    // A token with only `read` may not sign people up (write:accounts).
    const signUp = await app.request("/api/v1/accounts", { method: "POST", token: tok.access_token, json: { username: "x", email: "x@example.com", password: "long enough pw", agreement: true, locale: "en" } });
    assert.equal(signUp.status, 403);
  } finally {
    await app.close();
  }
});

test("app registration: secrets hashed, redirect URIs and scopes checked; metadata published", async () => {
  const app = await createTestApp();
  try {
    const res = await app.request("/api/v1/apps", {
      method: "POST",
      json: { client_name: "Multi", redirect_uris: "https://a.example/cb\nmyapp://cb\nurn:ietf:wg:oauth:2.0:oob", scopes: "read write:statuses" },
    });
    assert.equal(res.status, 200);
    const created = await res.json();
    assert.deepEqual(created.redirect_uris, ["https://a.example/cb", "myapp://cb", "urn:ietf:wg:oauth:2.0:oob"]);
    assert.deepEqual(created.scopes, ["read", "write:statuses"]);
    const [row] = await app.ctx.db.select().from(apps).where(eq(apps.id, created.id));
    assert.equal(row.clientSecretHash, sha256Hex(created.client_secret));
    assert.ok(!JSON.stringify(row).includes(created.client_secret), "the secret itself is not stored");

    const form = await app.request("/api/v1/apps", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "client_name=Form&redirect_uris[]=https://b.example/cb&redirect_uris[]=com.example.app:/cb",
    });
    assert.deepEqual((await form.json()).scopes, ["read"], "scopes default to read");

    for (const bad of ["javascript:alert(1)", "data:text/html,hi", "https://a.example/cb#frag", "/relative", "https://user:pw@a.example/cb"]) {
      const r = await app.request("/api/v1/apps", { method: "POST", json: { client_name: "Bad", redirect_uris: bad } });
      assert.equal(r.status, 422, bad);
    }
    const unknownScope = await app.request("/api/v1/apps", { method: "POST", json: { client_name: "Bad", redirect_uris: REDIRECT, scopes: "read everything" } });
    assert.equal(unknownScope.status, 422);
    assert.equal((await app.request("/api/v1/apps", { method: "POST", json: { redirect_uris: REDIRECT } })).status, 422);
    assert.equal((await app.request("/api/v1/apps", { method: "POST", json: { client_name: "X", redirect_uris: REDIRECT, website: "javascript:x" } })).status, 422);
    assert.equal((await app.request("/api/v1/apps/verify_credentials")).status, 401);

    const meta = await (await app.request("/.well-known/oauth-authorization-server")).json();
    assert.equal(meta.issuer, "http://caracol.test/");
    assert.equal(meta.token_endpoint, "http://caracol.test/oauth/token");
    assert.equal(meta.authorization_endpoint, "http://caracol.test/oauth/authorize");
    assert.equal(meta.revocation_endpoint, "http://caracol.test/oauth/revoke");
    assert.equal(meta.app_registration_endpoint, "http://caracol.test/api/v1/apps");
    assert.deepEqual(meta.response_types_supported, ["code"]);
    assert.deepEqual(meta.code_challenge_methods_supported, ["S256"]);
    assert.ok(!meta.grant_types_supported.includes("password"));
    assert.ok(meta.scopes_supported.includes("write:accounts"));
  } finally {
    await app.close();
  }
});
