// The logged-out web: profile and post pages show what the audience gate allows each viewer,
// unlisted posts need a sign-in, the logged-out access switch works, and pages ask not to be
// indexed unless the person opted in.
import { test } from "node:test";
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { createTestApp, type TestApp } from "./helpers/app.ts";
import { Browser } from "./helpers/browser.ts";
import { accounts } from "../src/db/schema/index.ts";
import { setSetting } from "../src/domain/instance/settings.ts";

const NOINDEX = '<meta name="robots" content="noindex, noarchive">';

async function post(app: TestApp, token: string, status: string, extra: Record<string, unknown>): Promise<string> {
  const res = await app.request("/api/v1/statuses", { method: "POST", token, json: { status, ...extra } });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { id: string }).id;
}

/** Alice posts once in each audience; returns the ids by name. */
async function seed(app: TestApp) {
  const alice = await app.user("alice");
  const bob = await app.user("bob");
  const ids = {
    public: await post(app, alice.token, "hello public world", { visibility: "public" }),
    unlisted: await post(app, alice.token, "quiet unlisted words", { visibility: "unlisted" }),
    followers: await post(app, alice.token, "for my followers", { visibility: "private" }),
    direct: await post(app, alice.token, "@bob psst secret dm", { visibility: "direct" }),
    local: await post(app, alice.token, "local only chat", { caracol_audience: "local" }),
    authenticated: await post(app, alice.token, "signed in folks only", { caracol_audience: "authenticated" }),
  };
  return { alice, bob, ids };
}

const TEXTS = {
  public: "hello public world",
  unlisted: "quiet unlisted words",
  followers: "for my followers",
  direct: "psst secret dm",
  local: "local only chat",
  authenticated: "signed in folks only",
};

test("anonymous visitors see public posts only, on the profile and by URL; noindex everywhere", async () => {
  const app = await createTestApp();
  try {
    const { ids } = await seed(app);
    const anon = new Browser(app);
    const profile = await anon.get("/@alice");
    assert.equal(profile.status, 200);
    assert.ok(profile.html.includes(TEXTS.public));
    for (const k of ["unlisted", "followers", "direct", "local", "authenticated"] as const) {
      assert.ok(!profile.html.includes(TEXTS[k]), `${k} not on the profile`);
      const one = await anon.get(`/@alice/${ids[k]}`);
      assert.equal(one.status, 404, k);
      assert.match(one.html, /<h1>Not found<\/h1>/, "a readable 404 page");
      assert.ok(!one.html.includes(TEXTS[k]));
    }
    const pub = await anon.get(`/@alice/${ids.public}`);
    assert.equal(pub.status, 200);
    assert.ok(pub.html.includes(TEXTS.public));
    for (const p of [profile, pub]) {
      assert.ok(p.html.includes(NOINDEX));
      assert.equal(p.headers.get("x-robots-tag"), "noindex, noarchive");
    }
    // Someone who does not exist, a post of someone else's under alice's name, a bad id.
    const bobPost = await post(app, (await app.user("carol")).token, "carol's post", { visibility: "public" });
    for (const path of ["/@nobody", `/@alice/${bobPost}`, "/@alice/not-an-id"]) {
      const r = await anon.get(path);
      assert.equal(r.status, 404, path);
      assert.ok(r.html.includes(NOINDEX), path);
    }
  } finally {
    await app.close();
  }
});

test("a signed-in web session sees unlisted and authenticated posts, and the profile fields", async () => {
  const app = await createTestApp();
  try {
    const { alice, ids } = await seed(app);
    const upd = await app.request("/api/v1/accounts/update_credentials", {
      method: "PATCH",
      token: alice.token,
      json: { display_name: "Alice <script>x</script>", note: "my bio", fields_attributes: [{ name: "Pronouns", value: "she/her" }] },
    });
    assert.equal(upd.status, 200);

    const anon = await new Browser(app).get("/@alice");
    assert.ok(anon.html.includes("my bio"), "the bio is public by default");
    assert.ok(anon.html.includes("Alice &lt;script&gt;x&lt;/script&gt;"), "the display name is escaped");
    assert.ok(!anon.html.includes("<script>x"));
    assert.ok(!anon.html.includes("Pronouns") && !anon.html.includes("she/her"), "fields are for signed-in viewers by default");
    assert.doesNotMatch(anon.html, /followers|following/i, "no social graph for anonymous");

    const bob = new Browser(app);
    assert.equal((await bob.signIn("bob", "correct horse battery")).status, 303);
    const seen = await bob.get("/@alice");
    assert.match(seen.html, /signed in as @bob/);
    for (const k of ["public", "unlisted", "authenticated", "local"] as const) assert.ok(seen.html.includes(TEXTS[k]), `${k} shown when signed in`);
    assert.ok(!seen.html.includes(TEXTS.followers), "followers-only not shown to a non-follower");
    assert.ok(seen.html.includes(TEXTS.direct), "bob is mentioned in the direct post");
    assert.ok(seen.html.includes("Pronouns") && seen.html.includes("she/her"));
    assert.doesNotMatch(seen.html, /\d+ followers|\d+ following/, "counts stay hidden from other people by default");
    const unlisted = await bob.get(`/@alice/${ids.unlisted}`);
    assert.equal(unlisted.status, 200);
    assert.ok(unlisted.html.includes(TEXTS.unlisted));
    assert.ok(unlisted.html.includes(NOINDEX));
    assert.equal((await bob.get(`/@alice/${ids.followers}`)).status, 404);
    assert.equal((await bob.get(`/@alice/${ids.direct}`)).status, 200, "bob is mentioned in the direct post");
    await app.user("carol");
    const c = new Browser(app);
    await c.signIn("carol", "correct horse battery");
    assert.equal((await c.get(`/@alice/${ids.direct}`)).status, 404, "not to someone not mentioned");
  } finally {
    await app.close();
  }
});

test("logged-out access: 'profiles' shows the profile without posts; 'none' asks to sign in; site pages stay public", async () => {
  const app = await createTestApp();
  try {
    const { ids } = await seed(app);
    await setSetting(app.ctx, "loggedOutAccess", "profiles");
    const anon = new Browser(app);
    const profile = await anon.get("/@alice");
    assert.equal(profile.status, 200);
    assert.match(profile.html, /@alice/);
    assert.ok(!profile.html.includes(TEXTS.public), "no posts with 'profiles'");
    assert.equal((await anon.get(`/@alice/${ids.public}`)).status, 404);

    await setSetting(app.ctx, "loggedOutAccess", "none");
    const none = await anon.get("/@alice");
    assert.equal(none.status, 403);
    assert.match(none.html, /only visible to people who are signed in/);
    assert.ok(!none.html.includes(TEXTS.public));
    assert.ok(none.html.includes(NOINDEX));
    assert.equal((await anon.get(`/@alice/${ids.public}`)).status, 404);
    for (const path of ["/", "/about", "/terms", "/privacy", "/auth/sign_in", "/auth/sign_up"]) {
      assert.equal((await anon.get(path)).status, 200, path);
    }
    const bob = new Browser(app);
    await bob.signIn("bob", "correct horse battery");
    const seen = await bob.get("/@alice");
    assert.equal(seen.status, 200);
    assert.ok(seen.html.includes(TEXTS.public), "signed-in people are not affected");
  } finally {
    await app.close();
  }
});

test("a person's own narrower logged-out setting applies to their pages", async () => {
  const app = await createTestApp();
  try {
    const { alice, ids } = await seed(app);
    const { users } = await import("../src/db/schema/index.ts");
    await app.ctx.db.update(users).set({ privacy: { loggedOutAccess: "none" } }).where(eq(users.accountId, alice.id));
    const anon = new Browser(app);
    assert.equal((await anon.get("/@alice")).status, 403);
    assert.equal((await anon.get(`/@alice/${ids.public}`)).status, 404);
    assert.equal((await anon.get("/@bob")).status, 200);
  } finally {
    await app.close();
  }
});

test("indexing: only an opted-in person's public post loses noindex, and header and tag agree", async () => {
  const app = await createTestApp();
  try {
    const { alice, ids } = await seed(app);
    await app.ctx.db.update(accounts).set({ indexable: true }).where(eq(accounts.id, alice.id));
    const anon = new Browser(app);
    const pub = await anon.get(`/@alice/${ids.public}`);
    assert.equal(pub.status, 200);
    assert.ok(!pub.html.includes("noindex"));
    assert.match(pub.html, /<meta name="robots" content="noarchive">/);
    assert.equal(pub.headers.get("x-robots-tag"), "noarchive");
    const profile = await anon.get("/@alice");
    assert.ok(profile.html.includes(NOINDEX), "the profile page lists posts of several audiences");
    const bob = new Browser(app);
    await bob.signIn("bob", "correct horse battery");
    const unlisted = await bob.get(`/@alice/${ids.unlisted}`);
    assert.ok(unlisted.html.includes(NOINDEX));
    assert.equal(unlisted.headers.get("x-robots-tag"), "noindex, noarchive");
  } finally {
    await app.close();
  }
});

test("profile posts are newest first and paginated with max_id", async () => {
  const app = await createTestApp();
  try {
    const alice = await app.user("alice");
    for (let i = 1; i <= 22; i++) await post(app, alice.token, `numbered post ${i}.`, { visibility: "public" });
    const anon = new Browser(app);
    const first = await anon.get("/@alice");
    assert.ok(first.html.indexOf("numbered post 22.") < first.html.indexOf("numbered post 21."), "newest first");
    assert.ok(first.html.includes("numbered post 3."));
    assert.ok(!first.html.includes("numbered post 2."));
    const next = first.html.match(/href="(\/@alice\?max_id=\d+)"/);
    assert.ok(next, "a link to older posts");
    const second = await anon.get(next[1]);
    assert.ok(second.html.includes("numbered post 2.") && second.html.includes("numbered post 1."));
    assert.ok(!second.html.includes("numbered post 3."));
    assert.doesNotMatch(second.html, /max_id=/, "no link past the end");
  } finally {
    await app.close();
  }
});

test("/users/:name from a browser redirects to the profile page", async () => {
  const app = await createTestApp();
  try {
    await app.user("alice");
    const res = await app.request("/users/alice", { headers: { accept: "text/html,application/xhtml+xml" } });
    assert.equal(res.status, 302);
    assert.equal(new URL(res.headers.get("location")!, app.config.origin).pathname, "/@alice");
  } finally {
    await app.close();
  }
});
