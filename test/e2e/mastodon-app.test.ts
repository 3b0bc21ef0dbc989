// A Mastodon app's life on Caracol, driven with masto.js against the real server on loopback:
// register an app, sign in through the authorization-code flow with PKCE (submitting the real
// sign-in and consent forms), post in every audience, follow a locked account, read the home
// timeline and notifications, and check that outsiders cannot read what is not theirs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { createOAuthAPIClient, createRestAPIClient, type mastodon } from "masto";
import { startTestServer, type TestServer } from "../helpers/app.ts";
import { Browser } from "../helpers/browser.ts";
import { createLocalAccount } from "../../src/domain/accounts/create.ts";

const REDIRECT = "http://127.0.0.1:1/callback";

/** Goes through /oauth/authorize as a person in a browser would and returns an access token. */
async function signInWithApp(server: TestServer, username: string, password: string): Promise<string> {
  const anon = createRestAPIClient({ url: server.url });
  const app = await anon.v1.apps.create({ clientName: "Test App", redirectUris: REDIRECT, scopes: "read write follow", website: "https://app.example" });
  assert.ok(app.clientId && app.clientSecret);
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const state = randomBytes(8).toString("hex");
  const browser = new Browser(server.url);
  const authorize = `/oauth/authorize?${new URLSearchParams({
    client_id: app.clientId!,
    redirect_uri: REDIRECT,
    response_type: "code",
    scope: "read write follow",
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  })}`;
  const signIn = await browser.get(authorize);
  assert.match(signIn.url, /\/auth\/sign_in/);
  const afterSignIn = await browser.submit(signIn.html, signIn.url, "sign_in", { username, password });
  assert.equal(afterSignIn.status, 303, await afterSignIn.clone().text());
  const consent = await browser.get(afterSignIn.headers.get("location")!);
  assert.match(consent.html, /Test App/);
  assert.match(consent.html, /direct messages/i, "the consent page says in plain words what read gives");
  const decided = await browser.submit(consent.html, consent.url, "/oauth/authorize", {}, { name: "decision", value: "approve" });
  const location = new URL(decided.headers.get("location")!);
  assert.equal(location.origin + location.pathname, REDIRECT);
  assert.equal(location.searchParams.get("state"), state);
  const code = location.searchParams.get("code")!;
  const oauth = createOAuthAPIClient({ url: server.url });
  const token = await oauth.token.create({
    grantType: "authorization_code",
    clientId: app.clientId!,
    clientSecret: app.clientSecret!,
    redirectUri: REDIRECT,
    code,
    codeVerifier: verifier,
  } as Parameters<typeof oauth.token.create>[0]);
  return token.accessToken;
}

async function ids(p: Promise<{ id: string }[]> | AsyncIterable<{ id: string }[]>): Promise<string[]> {
  const list = await (p as Promise<{ id: string }[]>);
  return list.map((x) => x.id);
}

test("a Mastodon app on Caracol: sign-in, audiences, follow approval, timelines, and no leaks", async () => {
  const server = await startTestServer();
  try {
    for (const name of ["alice", "bob", "carol"]) {
      await createLocalAccount(server.app.ctx, { username: name, password: `${name}'s password`, approved: true });
    }
    const alice = createRestAPIClient({ url: server.url, accessToken: await signInWithApp(server, "alice", "alice's password") });
    const bob = createRestAPIClient({ url: server.url, accessToken: await signInWithApp(server, "bob", "bob's password") });
    const carol = createRestAPIClient({ url: server.url, accessToken: await signInWithApp(server, "carol", "carol's password") });
    const anon = createRestAPIClient({ url: server.url });

    const me = await alice.v1.accounts.verifyCredentials();
    assert.equal(me.username, "alice");
    assert.equal(me.locked, true, "new accounts are locked");
    assert.equal(me.source.privacy, "private", "the default audience is followers");
    const bobAccount = await bob.v1.accounts.verifyCredentials();

    // Bob asks to follow Alice; Alice approves.
    const rel = await bob.v1.accounts.$select(me.id).follow();
    assert.equal(rel.requested, true);
    assert.equal(rel.following, false);
    const requests = await alice.v1.followRequests.list();
    assert.deepEqual(requests.map((a) => a.id), [bobAccount.id]);
    const aliceNotes = await alice.v1.notifications.list();
    assert.ok(aliceNotes.some((n) => n.type === "follow_request" && n.account.id === bobAccount.id));
    await alice.v1.followRequests.$select(bobAccount.id).authorize();
    const [after] = await bob.v1.accounts.relationships.fetch({ id: [me.id] });
    assert.equal(after.following, true);

    // Alice posts in every audience.
    const byDefault = await alice.v1.statuses.create({ status: "default audience #garden" });
    assert.equal(byDefault.visibility, "private");
    const pub = await alice.v1.statuses.create({ status: "hello world #garden", visibility: "public" });
    const unlisted = await alice.v1.statuses.create({ status: "quietly #garden", visibility: "unlisted" });
    const followers = await alice.v1.statuses.create({ status: "friends only #garden", visibility: "private" });
    const direct = await alice.v1.statuses.create({ status: "@bob a secret #garden", visibility: "direct" });
    const localOnly = await alice.v1.statuses.create({ status: "just us here #garden", visibility: "public", localOnly: true } as mastodon.rest.v1.CreateStatusParams);
    assert.equal((localOnly as { localOnly?: boolean }).localOnly ?? (localOnly as unknown as { local_only: boolean }).local_only, true);

    // Bob's home timeline has the followers-only and direct posts; his notifications the mention.
    const home = await ids(bob.v1.timelines.home.list({ limit: 40 }));
    for (const s of [byDefault, pub, unlisted, followers, direct, localOnly]) assert.ok(home.includes(s.id), `bob's home has ${s.content}`);
    const notes = await bob.v1.notifications.list();
    assert.ok(notes.some((n) => n.type === "mention" && n.status?.id === direct.id));

    // Nobody outside the audience can read the non-public posts through any endpoint.
    const hidden = [byDefault, followers, direct, localOnly];
    const hiddenFromAnon = [...hidden, unlisted];
    for (const [who, client, secret] of [
      ["anonymous", anon, hiddenFromAnon],
      ["carol", carol, hidden.filter((s) => s !== localOnly)],
    ] as const) {
      for (const s of secret) {
        await assert.rejects(client.v1.statuses.$select(s.id).fetch(), (e: { statusCode?: number }) => e.statusCode === 404, `${who} fetches ${s.content}`);
        await assert.rejects(client.v1.statuses.$select(s.id).context.fetch(), (e: { statusCode?: number }) => e.statusCode === 404);
      }
      const visible = [
        ...(await ids(client.v1.accounts.$select(me.id).statuses.list({ limit: 40 }))),
        ...(await ids(client.v1.timelines.public.list({ limit: 40 }))),
        ...(await ids(client.v1.timelines.tag.$select("garden").list({ limit: 40 }))),
      ];
      for (const s of secret) assert.ok(!visible.includes(s.id), `${who} must not see ${s.content}`);
      assert.ok(visible.includes(pub.id) || who === "anonymous", `${who} sees the public post`);
    }
    // Carol, signed in here, may read the local-only post: it is for this instance's people.
    assert.equal((await carol.v1.statuses.$select(localOnly.id).fetch()).id, localOnly.id);
    const carolSearch = await carol.v2.search.list({ q: "garden", type: "statuses" });
    for (const s of hidden.filter((s) => s !== localOnly)) assert.ok(!carolSearch.statuses.some((x) => x.id === s.id));
  } finally {
    await server.close();
  }
});
