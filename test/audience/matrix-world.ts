// One world for the viewer-matrix and view-as tests: a Caracol server where Alice posts once in
// every audience (each post mentions Dave) and has a profile with every part filled in, local
// viewers of every kind (narrowed tokens among them), and a second Caracol server whose signed fetches stand for a remote
// server of each standing (switched in turn: good, in a circle, restricted, suspended).
// Accounts are few on purpose: creating one (RSA keys, argon2) is the slow part.
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { signRequest } from "@fedify/fedify";
import { startTestServer, type TestServer } from "../helpers/app.ts";
import { createLocalAccount } from "../../src/domain/accounts/create.ts";
import { issueToken } from "../../src/domain/oauth/tokens.ts";
import { accountKeyPairs } from "../../src/federation/keys.ts";
import { accounts, circleMembers, circles, domainBlocks, serverScans } from "../../src/db/schema/index.ts";
import { forgetStandings } from "../../src/domain/federation-policy/standing.ts";
import { newId } from "../../src/lib/id.ts";
import { DEFAULT_PROFILE_AUDIENCES, type ProfileAudience, type ProfilePart } from "../../src/domain/audience/profile.ts";
import type { Targets } from "./routes.ts";

export const POST_AUDIENCES = ["public", "unlisted", "authenticated", "followers", "circle", "local", "direct"] as const;
export type PostAudience = (typeof POST_AUDIENCES)[number];
/** The word each of Alice's posts carries; what the checks look for in every answer. */
export const postWord = (a: PostAudience) => `mxpost${a}`;

/** Alice's profile, one recognisable value per part. */
export const PROFILE = {
  displayName: "mxname",
  bio: "mxbio",
  field: "mxfield",
  avatar: "mxavatar.png",
  header: "mxheader.png",
} as const;

export const STANDINGS = ["good", "circle", "restricted", "suspended"] as const;
export type Standing = (typeof STANDINGS)[number];

export const PASSWORD = "matrix world password";

type Local = { id: string; token: string; username: string };

export type MatrixWorld = {
  a: TestServer;
  r: TestServer;
  alice: Local;
  follower: Local;
  stranger: Local;
  mentioned: Local;
  blocked: Local;
  /** follows Alice and is mentioned in her direct post: with a full token, sees every post */
  friend: Local;
  /** a token of the stranger's with read:accounts only */
  narrowToken: string;
  /** `read` tokens narrowed with both caracol:no_direct and caracol:no_private (the stranger's, Frank's) */
  narrowed: { stranger: string; friend: string };
  posts: Record<PostAudience, string>;
  circleId: string;
  /** what the paths of the route table (routes.ts) point at in this world */
  targets: Targets;
  /** the second server's host (with port), as the circle lists it and signatures name it */
  remoteHost: string;
  /** GET on the first server, with a bearer token or none */
  get(path: string, token?: string): Promise<Response>;
  api(token: string, method: string, path: string, json?: unknown): Promise<any>;
  /** GET signed by an account of the second server, as its fetches are */
  signedGet(path: string): Promise<Response>;
  setStanding(s: Standing): Promise<void>;
  setProfileAudiences(p: Partial<Record<ProfilePart, ProfileAudience>>): Promise<void>;
  close(): Promise<void>;
};

async function localUser(server: TestServer, username: string): Promise<Local> {
  const { accountId } = await createLocalAccount(server.app.ctx, { username, password: PASSWORD, approved: true });
  const tok = await issueToken(server.app.ctx, { appId: null, accountId, scopes: ["read", "write", "follow"] });
  return { id: accountId, token: tok.accessToken, username };
}

/** A token as an app asking for Caracol's narrowing scopes gets it (issueToken stores the narrowing). */
const narrowedToken = async (server: TestServer, accountId: string) =>
  (await issueToken(server.app.ctx, { appId: null, accountId, scopes: ["read", "caracol:no_direct", "caracol:no_private"] })).accessToken;

export async function buildMatrixWorld(hosts: { local: string; remote: string }): Promise<MatrixWorld> {
  // Rate limits off: one remote server here makes a whole matrix of fetches within seconds,
  // which is what rate limits are for; this world checks what each answer holds.
  const env = { CARACOL_ALLOW_PRIVATE_ADDRESS: "true", CARACOL_RATE_LIMITS: "off" };
  const a = await startTestServer(env, hosts.local);
  const r = await startTestServer(env, hosts.remote);
  try {
    return await populate(a, r);
  } catch (e) {
    // a half-built world would keep both servers listening and the test process alive
    await Promise.all([a.close(), r.close()]);
    throw e;
  }
}

async function populate(a: TestServer, r: TestServer): Promise<MatrixWorld> {
  const ctx = a.app.ctx;
  const get = (path: string, token?: string) => fetch(`${a.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, redirect: "manual" });
  const api = async (token: string, method: string, path: string, json?: unknown) => {
    const res = await fetch(`${a.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(json ? { "content-type": "application/json" } : {}) },
      body: json ? JSON.stringify(json) : undefined,
    });
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
    return res.json();
  };

  const alice = await localUser(a, "alice");
  const follower = await localUser(a, "bob");
  const stranger = await localUser(a, "carol");
  const mentioned = await localUser(a, "dave");
  const blocked = await localUser(a, "eve");
  const friend = await localUser(a, "frank");
  const narrowToken = (await issueToken(ctx, { appId: null, accountId: stranger.id, scopes: ["read:accounts"] })).accessToken;
  const narrowed = { stranger: await narrowedToken(a, stranger.id), friend: await narrowedToken(a, friend.id) };

  await api(alice.token, "PATCH", "/api/v1/accounts/update_credentials", {
    display_name: PROFILE.displayName,
    note: PROFILE.bio,
    fields_attributes: [{ name: "pronouns", value: PROFILE.field }],
  });
  await ctx.db.update(accounts).set({ avatarUrl: `${a.url}/system/${PROFILE.avatar}`, headerUrl: `${a.url}/system/${PROFILE.header}` }).where(eq(accounts.id, alice.id));
  // Bob and Frank follow Alice (approved: accounts are locked by default); Alice follows Dave; Alice blocks Eve.
  for (const f of [follower, friend]) {
    await api(f.token, "POST", `/api/v1/accounts/${alice.id}/follow`);
    await api(alice.token, "POST", `/api/v1/follow_requests/${f.id}/authorize`);
  }
  await api(alice.token, "POST", `/api/v1/accounts/${mentioned.id}/follow`);
  await api(mentioned.token, "POST", `/api/v1/follow_requests/${alice.id}/authorize`);
  await api(alice.token, "POST", `/api/v1/accounts/${blocked.id}/block`);

  const circleId = newId();
  await ctx.db.insert(circles).values({ id: circleId, name: "matrix circle" });
  await ctx.db.insert(circleMembers).values({ circleId, domain: "friends.example" });
  const posts = {} as Record<PostAudience, string>;
  for (const audience of POST_AUDIENCES) {
    const extra = audience === "circle" ? { caracol_circle_id: circleId } : {};
    // Frank is mentioned in the direct post only (Bob in none: he stays a plain follower).
    const to = audience === "direct" ? "@dave @frank" : "@dave";
    const s = await api(alice.token, "POST", "/api/v1/statuses", { status: `${to} ${postWord(audience)} #mxgarden`, caracol_audience: audience, ...extra });
    posts[audience] = s.id;
  }

  // Alice's own things, for the routes that take their ids: nobody else may get them.
  const list = await api(alice.token, "POST", "/api/v1/lists", { title: "mxlisttitle" });
  const filter = await api(alice.token, "POST", "/api/v2/filters", { title: "mxfiltertitle", context: ["notifications"], keywords_attributes: [{ keyword: "mxkeyword" }] });
  const filterStatus = await api(alice.token, "POST", `/api/v2/filters/${filter.id}/statuses`, { status_id: posts.followers });
  // Frank writes to Alice (a direct post: it changes nothing the matrix or view_as looks at).
  await api(friend.token, "POST", "/api/v1/statuses", { status: "@alice mxhello", visibility: "direct" });
  const [notification] = await api(alice.token, "GET", "/api/v1/notifications");
  assert.ok(notification, "Alice has a notification");
  const targets: Targets = {
    origin: a.url,
    alice: alice.id,
    posts,
    tag: "mxgarden",
    word: "mxpost",
    list: list.id,
    filter: filter.id,
    keyword: filter.keywords[0].id,
    filterStatus: filterStatus.id,
    notification: notification.id,
    circle: circleId,
  };

  const { accountId: readerId } = await createLocalAccount(r.app.ctx, { username: "reader", password: PASSWORD, approved: true });
  const [rsa] = await accountKeyPairs(r.app.ctx, readerId);
  const keyId = new URL(`${r.url}/users/reader#main-key`);
  const remoteHost = new URL(r.url).host;
  const remoteName = new URL(r.url).hostname;

  return {
    a,
    r,
    alice,
    follower,
    stranger,
    mentioned,
    blocked,
    friend,
    narrowToken,
    narrowed,
    posts,
    circleId,
    targets,
    remoteHost,
    get,
    api,
    async signedGet(path) {
      const req = new Request(`${a.url}${path}`, { headers: { accept: "application/activity+json" } });
      return fetch(await signRequest(req, rsa.privateKey, keyId));
    },
    async setStanding(s) {
      await ctx.db.delete(circleMembers).where(and(eq(circleMembers.circleId, circleId), eq(circleMembers.domain, remoteHost)));
      await ctx.db.delete(serverScans).where(eq(serverScans.domain, remoteName));
      await ctx.db.delete(domainBlocks).where(eq(domainBlocks.domain, remoteName));
      if (s === "circle") await ctx.db.insert(circleMembers).values({ circleId, domain: remoteHost });
      if (s === "restricted") {
        const evidence = [{ source: "peers", url: `${r.url}/api/v1/instance/peers`, status: 200, at: new Date().toISOString(), found: ["threads.net"] }];
        await ctx.db.insert(serverScans).values({ domain: remoteName, verdict: "federates", evidence });
      }
      if (s === "suspended") await ctx.db.insert(domainBlocks).values({ id: newId(), domain: remoteName, severity: "suspend" });
      forgetStandings(ctx);
    },
    async setProfileAudiences(p) {
      // Every part back to its default first, then the given ones, so configurations do not mix.
      await api(alice.token, "PATCH", "/api/v1/caracol/privacy", { profile_audiences: { ...DEFAULT_PROFILE_AUDIENCES, ...p } });
    },
    async close() {
      await r.close();
      await a.close();
    },
  };
}
