// Shared steps of the OAuth tests: register an app, run the authorization-code flow through
// the real sign-in and consent forms.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import type { TestApp } from "./helpers/app.ts";
import { Browser } from "./helpers/browser.ts";

export const REDIRECT = "https://app.example/callback";
export const PASSWORD = "correct horse battery";

export type RegisteredApp = { id: string; client_id: string; client_secret: string };

export async function registerApp(app: TestApp, opts: { scopes?: string; redirect?: string | string[] } = {}): Promise<RegisteredApp> {
  const res = await app.request("/api/v1/apps", {
    method: "POST",
    json: { client_name: "Test App", redirect_uris: opts.redirect ?? REDIRECT, scopes: opts.scopes ?? "read write", website: "https://app.example" },
  });
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

export function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export function authorizeUrl(client: RegisteredApp, extra: Record<string, string> = {}) {
  return `/oauth/authorize?${new URLSearchParams({ client_id: client.client_id, redirect_uri: REDIRECT, response_type: "code", scope: "read write", ...extra })}`;
}

/** Signs in with the real forms and returns the consent page, ready to submit. */
export async function consentPage(app: TestApp, client: RegisteredApp, username: string, extra: Record<string, string> = {}) {
  const browser = new Browser(app);
  const url = authorizeUrl(client, extra);
  const first = await browser.request(url);
  assert.equal(first.status, 302);
  const signInUrl = new URL(first.headers.get("location")!, app.config.origin);
  assert.equal(signInUrl.pathname, "/auth/sign_in");
  assert.equal(signInUrl.searchParams.get("return_to"), url);
  const signIn = await browser.get(signInUrl.toString());
  const after = await browser.submit(signIn.html, signIn.url, "/auth/sign_in", { username, password: PASSWORD });
  assert.equal(after.status, 303, await after.clone().text());
  assert.equal(after.headers.get("location"), url);
  const consent = await browser.get(after.headers.get("location")!);
  assert.equal(consent.status, 200);
  return { browser, consent };
}

/** The full flow up to the code: sign in, approve, read the code from the redirect. */
export async function authorize(app: TestApp, client: RegisteredApp, username: string, extra: Record<string, string> = {}) {
  const { browser, consent } = await consentPage(app, client, username, extra);
  const decided = await browser.submit(consent.html, consent.url, "/oauth/authorize", {}, { name: "decision", value: "approve" });
  assert.equal(decided.status, 302, await decided.clone().text());
  const location = new URL(decided.headers.get("location")!);
  assert.equal(location.origin + location.pathname, REDIRECT);
  return { code: location.searchParams.get("code")!, location, browser };
}

export async function tokenRequest(app: TestApp, body: Record<string, string>, headers: Record<string, string> = {}) {
  return app.request("/oauth/token", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(body).toString(),
  });
}

export async function exchange(app: TestApp, client: RegisteredApp, code: string, verifier?: string, redirect = REDIRECT) {
  const body: Record<string, string> = { grant_type: "authorization_code", code, redirect_uri: redirect, client_id: client.client_id, client_secret: client.client_secret };
  if (verifier) body.code_verifier = verifier;
  return tokenRequest(app, body);
}
