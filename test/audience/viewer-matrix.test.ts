// The generated viewer matrix, for the viewer kinds the other leak tests lack: an account
// mentioned in every post, an account Alice blocks, a token holding only read:accounts, tokens
// narrowed with caracol:no_direct and caracol:no_private (a stranger's, and a follower's whom
// Alice's direct post mentions), and remote servers in good standing, in a circle, restricted (transitive policy) and suspended.
// Part one: every GET route x those viewers x posts in every audience. The routes come from the
// one route table, test/audience/routes.ts: a new GET route gets its entry there (and only
// there), or this test and route-leaks.test.ts fail.
// Part two: each profile part set in turn to each audience it can take, checked through the
// Mastodon account entity, the web profile page and the ActivityPub actor and collections.
// Expectations come from the tables below, written from DESIGN.md's audience model, not from
// the gate's code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Browser } from "../helpers/browser.ts";
import { setSetting } from "../../src/domain/instance/settings.ts";
import { PROFILE_AUDIENCES, PROFILE_PARTS, type ProfileAudience, type ProfilePart } from "../../src/domain/audience/profile.ts";
import { buildMatrixWorld, PASSWORD, POST_AUDIENCES, postWord, PROFILE, STANDINGS, type MatrixWorld, type PostAudience, type Standing } from "./matrix-world.ts";
import { isAdmin, ROUTES, STALE, UNLISTED, unlistedRoutes, type RouteEntry } from "./routes.ts";
import { activityPubShows, apiShows, WEB_RENDERS, webShows } from "./profile-probes.ts";

type LocalKind = "anonymous" | "stranger" | "follower" | "mentioned" | "blocked" | "read_accounts" | NarrowedKind;
type NarrowedKind = "narrowed_stranger" | "narrowed_follower";
type Kind = LocalKind | Standing;

/** Which of Alice's posts each viewer may get (the one mentioned is mentioned in all of them). */
const SEES: Record<Kind, readonly PostAudience[]> = {
  anonymous: ["public"],
  stranger: ["public", "unlisted", "authenticated", "circle", "local"],
  follower: ["public", "unlisted", "authenticated", "circle", "local", "followers"],
  mentioned: POST_AUDIENCES,
  blocked: [],
  // read:accounts grants no reading of posts (routes answering everyone alike aside)
  read_accounts: [],
  // A narrowed token reads no direct post and none of others' followers-only, circle or local
  // posts, whatever its account could read otherwise (ISSUE: abuse resistance, narrowed tokens).
  narrowed_stranger: ["public", "unlisted", "authenticated"],
  narrowed_follower: ["public", "unlisted", "authenticated"],
  good: ["public", "unlisted", "authenticated"],
  circle: ["public", "unlisted", "authenticated", "circle"],
  restricted: ["public"],
  suspended: [],
};

const BASIC_PARTS: ReadonlySet<ProfilePart> = new Set(["displayName", "avatar", "header", "bio"]);
const LOCAL_KINDS: ReadonlySet<Kind> = new Set(["stranger", "follower", "mentioned", "blocked", "read_accounts", "narrowed_stranger", "narrowed_follower"]);

/**
 * What the same accounts get with a full `read` token: narrowing must take something away, or
 * its rows could not fail. Carol is a stranger; Frank follows Alice and her direct post mentions him.
 */
const UNNARROWED: Record<NarrowedKind, readonly PostAudience[]> = {
  narrowed_stranger: SEES.stranger,
  narrowed_follower: POST_AUDIENCES,
};

/** Whether a viewer gets a profile part of a local account, per its audience. */
function partVisible(kind: Kind, part: ProfilePart, audience: ProfileAudience): boolean {
  if (kind === "suspended") return false;
  if (kind === "blocked" && !BASIC_PARTS.has(part)) return false;
  // a token without read:statuses cannot list posts at all
  if (kind === "read_accounts" && part === "posts") return false;
  const rule: Record<ProfileAudience, boolean> = {
    public: true,
    authenticated: kind !== "anonymous" && kind !== "restricted",
    local: LOCAL_KINDS.has(kind),
    // narrowing is about posts: the profile a follower gets stays
    followers: kind === "follower" || kind === "narrowed_follower",
    self: false,
  };
  return rule[audience];
}

/** Words that must not reach this viewer with the default profile audiences. */
function forbiddenWords(kind: Kind): string[] {
  const posts = POST_AUDIENCES.filter((a) => !SEES[kind].includes(a)).map(postWord);
  const profile = [
    ...(partVisible(kind, "displayName", "public") ? [] : [PROFILE.displayName]),
    ...(partVisible(kind, "bio", "public") ? [] : [PROFILE.bio]),
    ...(partVisible(kind, "fields", "authenticated") ? [] : [PROFILE.field]),
  ];
  return [...posts, ...profile];
}

/** The post a path is about, for the routes that answer one post and nothing else. */
function singlePost(w: MatrixWorld, path: string): PostAudience | null {
  const m = path.match(/^(?:\/api\/v1\/statuses|\/@alice|\/users\/alice\/statuses)\/(\d+)$/);
  if (!m) return null;
  return (Object.entries(w.posts).find(([, id]) => id === m[1])?.[0] as PostAudience) ?? null;
}

/** Outbox pages that listed posts although the profile's "list of posts" part hides them. */
let outboxMismatches: string[] = [];

test("the viewer matrix: every route, every viewer kind, every audience of posts and profile parts", { timeout: 170_000 }, async (t) => {
  const w = await buildMatrixWorld({ local: "127.0.0.1", remote: "127.0.0.8" });
  try {
    await setSetting(w.a.app.ctx, "feedsEnabled", true);
    await w.api(w.alice.token, "PATCH", "/api/v1/caracol/privacy", { feeds: "on" });
    const tokens: Partial<Record<Kind, string>> = { stranger: w.stranger.token, follower: w.follower.token, mentioned: w.mentioned.token, blocked: w.blocked.token, read_accounts: w.narrowToken, narrowed_stranger: w.narrowed.stranger, narrowed_follower: w.narrowed.friend };
    const browsers: Partial<Record<Kind, Browser>> = { anonymous: new Browser(w.a.url) };
    for (const [kind, user] of [["stranger", w.stranger], ["follower", w.follower], ["mentioned", w.mentioned], ["blocked", w.blocked]] as const) {
      const b = new Browser(w.a.url);
      assert.equal((await b.signIn(user.username, PASSWORD)).status, 303);
      browsers[kind] = b;
    }
    /** Asks `path` as `kind` through the channel the surface listens to. */
    const ask = async (kind: Kind, surface: RouteEntry["surface"], path: string): Promise<Response> => {
      if ((STANDINGS as readonly string[]).includes(kind)) return w.signedGet(path);
      if (surface === "web") return browsers[kind]!.request(path);
      return w.get(path, tokens[kind]);
    };

    await t.test("every GET route has an entry", () => {
      const { missing, stale } = unlistedRoutes(w.a.app.hono);
      assert.deepEqual(missing, [], UNLISTED);
      assert.deepEqual(stale, [], STALE);
    });

    await t.test("routes x viewers x post audiences", async () => {
      let cases = 0;
      const kindsFor: Record<RouteEntry["surface"], Kind[]> = {
        api: ["mentioned", "blocked", "read_accounts", "narrowed_stranger", "narrowed_follower"],
        web: ["mentioned", "blocked"],
        public: ["mentioned", "blocked", "read_accounts", "narrowed_stranger", "narrowed_follower", ...STANDINGS],
        ap: [...STANDINGS],
      };
      const routes = Object.entries(ROUTES).filter(([route]) => !isAdmin(route));
      const admin = Object.entries(ROUTES).filter(([route]) => isAdmin(route));
      for (const standing of STANDINGS) {
        await w.setStanding(standing);
        for (const [route, entry] of routes) {
          const jobs = [
            ...entry.paths(w.targets).map((path) => ({ path, surface: entry.surface })),
            ...(entry.publicPaths?.(w.targets) ?? []).map((path) => ({ path, surface: "public" as const })),
          ];
          for (const { path, surface } of jobs) {
            // Local viewers are asked once; remote ones in their own standing only.
            const kinds = kindsFor[surface].filter((k) => (k === standing) || (!(STANDINGS as readonly string[]).includes(k) && standing === "good"));
            for (const kind of kinds) {
              const res = await ask(kind, surface, path);
              const body = await res.text();
              // Routes that answer everyone alike give a viewer what a logged-out one gets.
              const effective: Kind = surface === "public" ? "anonymous" : kind;
              for (const word of forbiddenWords(effective)) {
                assert.ok(!body.includes(word), `${kind} got "${word}" from ${route}: ${path} (${res.status})`);
                cases++;
              }
              const one = singlePost(w, path);
              if (one) {
                assert.equal(body.includes(postWord(one)), SEES[effective].includes(one), `${kind}, ${path}: the ${one} post (${res.status})`);
                cases++;
              }
              if (path === `/api/v1/accounts/${w.alice.id}/statuses` || path === "/@alice" || path === "/users/alice/outbox") {
                const got = POST_AUDIENCES.filter((a) => body.includes(postWord(a)));
                // A list of posts needs the "posts" part (and, for an app, the read:statuses scope).
                const listed = partVisible(effective, "posts", "public") ? SEES[effective] : [];
                assert.deepEqual(got, POST_AUDIENCES.filter((a) => listed.includes(a)), `${kind}: every post it may see, and only those, at ${path} (${res.status})`);
                cases++;
              }
              // The social graph is hidden by default: no list entries, no counts.
              if (/\/followers$/.test(path)) assert.ok(![w.follower.id, w.friend.id, "/users/bob", "/users/frank"].some((s) => body.includes(s)), `${kind} sees Alice's followers at ${path}`);
              if (/\/following$/.test(path)) assert.ok(!body.includes(w.mentioned.id) && !body.includes("/users/dave"), `${kind} sees whom Alice follows at ${path}`);
              if (surface === "ap") assert.ok(!body.includes('"totalItems"'), `${kind} gets a count at ${path}`);
              if (kind === "suspended" && surface === "ap" && !path.startsWith("/.well-known/")) assert.equal(res.status, 401, path);
            }
          }
        }
        // No viewer of the matrix is an admin: every admin route refuses each of them.
        for (const [route, entry] of admin) {
          for (const path of entry.paths(w.targets)) {
            for (const kind of ["mentioned", "blocked", "read_accounts", "narrowed_stranger", "narrowed_follower"] as const) {
              if (standing !== "good") continue;
              const res = await w.get(path, tokens[kind]);
              assert.ok([401, 403, 404].includes(res.status), `${kind} got ${res.status} from admin route ${route}: ${path}`);
              cases++;
            }
          }
        }
      }
      await w.setStanding("good");
      const kinds = new Set(Object.values(kindsFor).flat()).size;
      console.log(`viewer matrix, routes: ${routes.length} routes + ${admin.length} admin routes, ${kinds} viewer kinds, ${cases} cases checked`);
    });

    await t.test("the narrowed tokens' accounts read more with a full token", async () => {
      const full: Record<NarrowedKind, string> = { narrowed_stranger: w.stranger.token, narrowed_follower: w.friend.token };
      for (const kind of Object.keys(full) as NarrowedKind[]) {
        assert.ok(UNNARROWED[kind].some((a) => !SEES[kind].includes(a)), `${kind}: narrowing takes nothing away`);
        for (const [audience, id] of Object.entries(w.posts)) {
          const res = await w.get(`/api/v1/statuses/${id}`, full[kind]);
          assert.equal(res.status === 200, UNNARROWED[kind].includes(audience as PostAudience), `${kind}, full token: the ${audience} post (${res.status})`);
        }
        const listed = await (await w.get(`/api/v1/accounts/${w.alice.id}/statuses`, full[kind])).text();
        assert.deepEqual(POST_AUDIENCES.filter((a) => listed.includes(postWord(a))), UNNARROWED[kind], `${kind}, full token: Alice's posts`);
      }
    });

    await t.test("profile parts x audiences x viewers, through the API, the web page and ActivityPub", async () => {
      const result = await checkProfileParts(w, tokens, browsers);
      outboxMismatches = result.outbox;
      console.log(`viewer matrix, profile parts: ${PROFILE_PARTS.length} parts x ${PROFILE_AUDIENCES.length} audiences, ${result.cases} cases checked`);
    });

    await t.test("the ActivityPub outbox follows the \"list of posts\" part", () => {
      assert.deepEqual(outboxMismatches, []);
    });
  } finally {
    await w.close();
  }
});

async function checkProfileParts(w: MatrixWorld, tokens: Partial<Record<Kind, string>>, browsers: Partial<Record<Kind, Browser>>): Promise<{ cases: number; outbox: string[] }> {
  let cases = 0;
  const outbox: string[] = [];
  const apiKinds: LocalKind[] = ["anonymous", "stranger", "follower", "mentioned", "blocked", "read_accounts"];
  const webKinds: LocalKind[] = ["anonymous", "stranger", "follower", "mentioned", "blocked"];
  for (const part of PROFILE_PARTS) {
    for (const audience of PROFILE_AUDIENCES) {
      await w.setProfileAudiences({ [part]: audience });
      const label = `${part}=${audience}`;
      for (const kind of apiKinds) {
        assert.equal(await apiShows(w, part, tokens[kind]), partVisible(kind, part, audience), `API, ${kind}: ${label}`);
        cases++;
      }
      for (const kind of webKinds) {
        const html = await (await browsers[kind]!.request("/@alice")).text();
        assert.equal(webShows(html, part), WEB_RENDERS.has(part) && partVisible(kind, part, audience), `web, ${kind}: ${label}`);
        cases++;
      }
      // A circle gives a server no profile part a good standing does not (parts have no circle
      // audience; the routes matrix above covers circle servers), so it is left out here.
      for (const standing of ["good", "restricted", "suspended"] as const) {
        await w.setStanding(standing);
        const shown = await activityPubShows(w, part);
        if (shown !== null) {
          assert.equal(shown, partVisible(standing, part, audience), `ActivityPub, ${standing} server: ${label}`);
          cases++;
        }
        if (part === "posts") {
          const res = await w.signedGet("/users/alice/outbox");
          const listed = res.status === 200 && (await res.text()).includes(postWord("public"));
          if (listed !== partVisible(standing, part, audience)) outbox.push(`${standing} server, ${label}: outbox ${listed ? "lists" : "hides"} the public post`);
        }
      }
      await w.setStanding("good");
    }
  }
  await w.setProfileAudiences({});
  return { cases, outbox };
}
