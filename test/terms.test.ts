// Terms of service and privacy policy: a protective default text, public pages and API even
// with logged-out access off, versions published from the CLI, agreement recorded at sign-up
// (web and API), and people asked again on the web when the terms change.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { createTestApp, type TestApp } from "./helpers/app.ts";
import { Browser } from "./helpers/browser.ts";
import { authorizeUrl, registerApp, tokenRequest, PASSWORD } from "./oauth-helpers.ts";
import { setSetting } from "../src/domain/instance/settings.ts";
import { userAgreements } from "../src/db/schema/index.ts";
import { runCommand } from "../src/cli/commands.ts";

const cli = (app: TestApp, argv: string[], stdin = "") => runCommand(app.ctx, argv, stdin);

test("the default terms forbid harvesting and state the federation policy; pages and API stay public", async () => {
  const app = await createTestApp();
  try {
    await setSetting(app.ctx, "loggedOutAccess", "none");
    const terms = await (await app.request("/terms")).text();
    assert.match(terms, /no scraping, crawling or bulk downloading/);
    assert.match(terms, /may not pass content or data from this server to third parties/);
    assert.match(terms, /train or evaluate artificial intelligence/);
    assert.match(terms, /every fediverse server except the ones its admins block/);
    assert.match(terms, /Meta&#39;s Threads is suspended/);
    const privacy = await app.request("/privacy");
    assert.equal(privacy.status, 200);
    assert.match(await privacy.text(), /Privacy policy/);

    const api = await app.request("/api/v1/instance/terms_of_service");
    assert.equal(api.status, 200);
    const entity = await api.json();
    assert.equal(entity.effective, true);
    assert.equal(entity.succeeded_by, null);
    assert.match(entity.content, /<h2>No harvesting<\/h2>/);

    // The text follows the federation policy as it is.
    await setSetting(app.ctx, "federationMode", "allowlist");
    assert.match(await (await app.request("/terms")).text(), /only with servers its admins have approved/);
  } finally {
    await app.close();
  }
});

test("sign-up records the agreement; a new version asks people again on the web, apps keep working", async () => {
  const app = await createTestApp({ CARACOL_REGISTRATIONS: "open" });
  try {
    // Web sign-up: the agreement box is required, and the version is recorded.
    const browser = new Browser(app);
    const form = await browser.get("/auth/sign_up");
    const refused = await browser.submit(form.html, form.url, "/auth/sign_up", { username: "pat", email: "pat@example.com", password: PASSWORD });
    assert.equal(refused.status, 422);
    const done = await browser.submit(form.html, form.url, "/auth/sign_up", { username: "pat", email: "pat@example.com", password: PASSWORD, agreement: "1" });
    assert.equal(done.status, 303);
    const rows = await app.ctx.db.select().from(userAgreements);
    assert.deepEqual(rows.map((r) => [r.kind, r.versionId]).sort(), [["privacy", null], ["terms", null]], "agreed to the default texts");

    // API sign-up records it too.
    const client = await registerApp(app, { scopes: "read write:accounts" });
    const appToken = (await (await tokenRequest(app, { grant_type: "client_credentials", client_id: client.client_id, client_secret: client.client_secret, scope: "read write:accounts" })).json()).access_token;
    const signUp = await app.request("/api/v1/accounts", { method: "POST", token: appToken, json: { username: "sam", email: "sam@example.com", password: PASSWORD, agreement: true } });
    assert.equal(signUp.status, 200);
    const samToken = (await signUp.json()).access_token;
    assert.equal((await app.ctx.db.select().from(userAgreements)).length, 4);

    // Publishing from the CLI: a plan first, then --yes.
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "caracol-terms-")), "terms.txt");
    fs.writeFileSync(file, "# New rules\n\nBe kind. No bots that collect posts.\n");
    const plan = await cli(app, ["terms", "set", file]);
    assert.match(plan.out, /ask 2 people to agree again/);
    assert.match(plan.out, /Nothing changed yet/);
    assert.doesNotMatch(await (await app.request("/terms")).text(), /Be kind/);
    const applied = await cli(app, ["terms", "set", file, "--yes"]);
    assert.equal(applied.code, 0, applied.err);
    assert.match(await (await app.request("/terms")).text(), /<h2>New rules<\/h2>\n<p>Be kind\. No bots that collect posts\.<\/p>/);
    assert.match((await cli(app, ["terms", "show"])).out, /version \d+/);
    assert.match((await cli(app, ["terms", "show", "--kind", "privacy"])).out, /the built-in default/);
    const today = new Date().toISOString().slice(0, 10);
    const dated = await (await app.request(`/api/v1/instance/terms_of_service/${today}`)).json();
    assert.match(dated.content, /Be kind/);
    assert.equal((await app.request("/api/v1/instance/terms_of_service/1999-01-01")).status, 404);

    // Apps keep working; the web asks again, after sign-in and before authorizing an app.
    assert.equal((await app.request("/api/v1/accounts/verify_credentials", { token: samToken })).status, 200);
    const again = new Browser(app);
    const signedIn = await again.signIn("pat", PASSWORD);
    assert.equal(signedIn.headers.get("location"), "/auth/agree?return_to=%2F");
    const consentUrl = authorizeUrl(client, { scope: "read" });
    const detour = await again.request(consentUrl);
    assert.equal(detour.headers.get("location"), `/auth/agree?return_to=${encodeURIComponent(consentUrl)}`);
    const ask = await again.get(detour.headers.get("location")!);
    assert.match(ask.html, /terms of service of this server changed/);
    assert.match(ask.html, /Be kind/);
    const agreed = await again.submit(ask.html, ask.url, "/auth/agree");
    assert.equal(agreed.status, 303);
    assert.equal(agreed.headers.get("location"), consentUrl);
    assert.equal((await again.request(consentUrl)).status, 200, "the consent page, now that the terms are agreed");
    const [row] = await app.ctx.db.select().from(userAgreements).where(eq(userAgreements.kind, "terms"));
    assert.ok(row);
    const third = new Browser(app);
    assert.equal((await third.signIn("pat", PASSWORD)).headers.get("location"), "/");
  } finally {
    await app.close();
  }
});
