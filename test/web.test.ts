import { test } from "node:test";
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { createTestApp } from "./helpers/app.ts";
import { Browser, csrfToken, findForm } from "./helpers/browser.ts";
import { users, webSessions } from "../src/db/schema/index.ts";
import { sha256Hex } from "../src/lib/crypto.ts";
import { createLocalAccount } from "../src/domain/accounts/create.ts";

test("public pages name the instance, escape it, link to each other and ask not to be indexed", async () => {
  const app = await createTestApp({ CARACOL_INSTANCE_NAME: "Snail <b>&</b> Co" });
  try {
    for (const path of ["/", "/about", "/terms", "/privacy", "/auth/sign_in", "/auth/sign_up"]) {
      const res = await app.request(path);
      assert.equal(res.status, 200, path);
      const body = await res.text();
      assert.match(body, /<meta name="robots" content="noindex">/, path);
      assert.ok(body.includes("Snail &lt;b&gt;&amp;&lt;/b&gt; Co"), `${path} names the instance, escaped`);
      assert.ok(!body.includes("<b>&</b>"), path);
      for (const link of ["/about", "/terms", "/privacy"]) assert.ok(body.includes(`href="${link}"`), `${path} links ${link}`);
    }
  } finally {
    await app.close();
  }
});

test("sign-in: generic message for wrong password and unknown name; pending told to wait; disabled refused", async () => {
  const app = await createTestApp();
  try {
    await app.user("alice");
    await createLocalAccount(app.ctx, { username: "pat", password: "correct horse battery", email: "pat@example.com", approved: false });
    const dis = await app.user("dan");
    await app.ctx.db.update(users).set({ disabled: true }).where(eq(users.accountId, dis.id));

    const browser = new Browser(app);
    const wrong = await browser.signIn("alice", "wrong password!");
    assert.equal(wrong.status, 401);
    const wrongText = await wrong.text();
    const message = "The username, e-mail address or password is not right.";
    assert.ok(wrongText.includes(message));
    const unknown = await browser.signIn("nobody", "wrong password!");
    assert.equal(unknown.status, 401);
    assert.ok((await unknown.text()).includes(message), "an unknown name gets the very same message");
    assert.equal(browser.cookies.has("caracol_session"), false);

    const pending = await browser.signIn("pat", "correct horse battery");
    assert.equal(pending.status, 403);
    assert.match(await pending.text(), /waiting for approval/);
    const pendingWrong = await browser.signIn("pat", "not the password");
    assert.ok((await pendingWrong.text()).includes(message), "the pending state is told only to someone with the password");
    const disabled = await browser.signIn("dan", "correct horse battery");
    assert.equal(disabled.status, 403);
    assert.match(await disabled.text(), /cannot sign in/);
    assert.equal(browser.cookies.has("caracol_session"), false);

    // By e-mail, case-insensitive, and a return_to that leaves the site is ignored.
    const patEmail = await app.user("erin");
    await app.ctx.db.update(users).set({ email: "Erin@Example.com" }).where(eq(users.accountId, patEmail.id));
    for (const evil of ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]) {
      const b = new Browser(app);
      const res = await b.signIn("erin@example.com", "correct horse battery", evil);
      assert.equal(res.status, 303, evil);
      assert.equal(res.headers.get("location"), "/", evil);
    }
  } finally {
    await app.close();
  }
});

test("sessions: hashed, HttpOnly, SameSite=Lax; sign-out needs the CSRF token", async () => {
  const app = await createTestApp();
  try {
    await app.user("alice");
    const browser = new Browser(app);
    const res = await browser.signIn("alice", "correct horse battery", "/about");
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/about");
    const cookie = browser.setCookies.find((c) => c.startsWith("caracol_session="))!;
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.doesNotMatch(cookie, /Secure/, "plain http origin: no Secure flag");
    const id = browser.cookies.get("caracol_session")!;
    const [stored] = await app.ctx.db.select().from(webSessions).where(eq(webSessions.idHash, sha256Hex(id)));
    assert.ok(stored, "the session id is stored hashed");
    const days = (stored.expiresAt.getTime() - Date.now()) / 86400_000;
    assert.ok(days > 13.9 && days <= 14, "sessions last sessionTtlDays");

    const home = await browser.get("/");
    assert.match(home.html, /signed in as @alice/);
    const noToken = await browser.post("/auth/sign_out", {});
    assert.equal(noToken.status, 403);
    assert.match(await noToken.text(), /could not be verified/);
    assert.match((await browser.get("/")).html, /signed in as @alice/, "still signed in");

    const out = await browser.submit(home.html, home.url, "/auth/sign_out");
    assert.equal(out.status, 303);
    assert.equal(browser.cookies.has("caracol_session"), false);
    assert.equal((await app.ctx.db.select().from(webSessions)).length, 0, "the session is gone from the database");
    assert.doesNotMatch((await browser.get("/")).html, /signed in as/);

    // Sign-in itself needs the pre-session token, so another site cannot sign someone in.
    const forged = await new Browser(app).post("/auth/sign_in", { username: "alice", password: "correct horse battery" });
    assert.equal(forged.status, 403);
  } finally {
    await app.close();
  }
});

test("secure origins get Secure, __Host- cookies", async () => {
  const app = await createTestApp({ CARACOL_ORIGIN: "https://caracol.test" });
  try {
    await app.user("alice");
    const browser = new Browser(app);
    const res = await browser.signIn("alice", "correct horse battery");
    assert.equal(res.status, 303, await res.clone().text());
    const cookie = browser.setCookies.find((c) => c.startsWith("__Host-caracol_session="))!;
    assert.ok(cookie, browser.setCookies.join("\n"));
    assert.match(cookie, /Secure/);
    assert.match(cookie, /Path=\//);
  } finally {
    await app.close();
  }
});

test("sign-up through the web: open signs in, approval waits, closed refuses; errors keep what was typed, escaped", async () => {
  const open = await createTestApp({ CARACOL_REGISTRATIONS: "open" });
  try {
    const b = new Browser(open);
    const form = await b.get("/auth/sign_up");
    const ok = await b.submit(form.html, form.url, "/auth/sign_up", { username: "olive", email: "olive@example.com", password: "long enough pw", agreement: "1" });
    assert.equal(ok.status, 303);
    assert.match((await b.get("/")).html, /signed in as @olive/);
  } finally {
    await open.close();
  }

  const approval = await createTestApp();
  try {
    const b = new Browser(approval);
    const form = await b.get("/auth/sign_up");
    assert.match(form.html, /Why do you want to join/);
    const noAgreement = await b.submit(form.html, form.url, "/auth/sign_up", { username: "<i>x</i>", email: "a@example.com", password: "long enough pw" });
    assert.equal(noAgreement.status, 422);
    const text = await noAgreement.text();
    assert.match(text, /Agreement must be accepted/);
    assert.ok(text.includes('value="&lt;i&gt;x&lt;/i&gt;"'), "what was typed comes back escaped");
    assert.equal((await approval.ctx.db.select().from(users)).length, 0, "nothing was created");

    const again = await b.get("/auth/sign_up");
    const pending = await b.submit(again.html, again.url, "/auth/sign_up", { username: "pat", email: "pat@example.com", password: "long enough pw", agreement: "1", reason: "I like snails" });
    assert.equal(pending.status, 200);
    assert.match(await pending.text(), /waiting for approval/);
    const [u] = await approval.ctx.db.select().from(users);
    assert.equal(u.approved, false);
    assert.equal(u.reason, "I like snails");
    assert.equal(b.cookies.has("caracol_session"), false);

    const taken = await b.submit(again.html, again.url, "/auth/sign_up", { username: "PAT", email: "other@example.com", password: "long enough pw", agreement: "1" });
    assert.equal(taken.status, 422);
    assert.match(await taken.text(), /Username is already taken/);
    const forged = await new Browser(approval).post("/auth/sign_up", { username: "mallory", email: "m@example.com", password: "long enough pw", agreement: "1" });
    assert.equal(forged.status, 403);
  } finally {
    await approval.close();
  }

  const closed = await createTestApp({ CARACOL_REGISTRATIONS: "closed" });
  try {
    const b = new Browser(closed);
    const page = await b.get("/auth/sign_up");
    assert.equal(page.status, 403);
    assert.match(page.html, /not accepting new accounts/);
    const signIn = await b.get("/auth/sign_in");
    const token = csrfToken(signIn.html);
    const res = await b.post("/auth/sign_up", { authenticity_token: token, username: "x", email: "x@example.com", password: "long enough pw", agreement: "1" });
    assert.equal(res.status, 403);
    assert.equal((await closed.ctx.db.select().from(users)).length, 0);
    assert.doesNotMatch(signIn.html, /sign_up/, "no sign-up link when closed");
    assert.ok(findForm(signIn.html, "/auth/sign_in"));
  } finally {
    await closed.close();
  }
});
