// The gate against DESIGN.md's audience table, over every combination of viewer kind,
// relationship and audience. The expectations are written as the table reads, independently
// of how gate.ts is structured.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AUDIENCES, type Audience } from "../../db/schema/statuses.ts";
import { canViewStatus, type LoggedOutAccess, type StatusFacts } from "./gate.ts";
import type { Narrowing, ServerStanding, Viewer } from "./viewer.ts";

type ViewerKind = "anonymous" | "local" | "remote";
const STANDINGS: ServerStanding[] = ["allowed", "pending", "limited", "restricted", "blocked"];

function expected(o: {
  kind: ViewerKind;
  standing: ServerStanding;
  inCircle: boolean;
  audience: Audience;
  localOnly: boolean;
  author: boolean;
  follows: boolean;
  mentioned: boolean;
  blocked: boolean;
  loggedOut: LoggedOutAccess;
  narrowed?: Narrowing;
}): boolean {
  // A narrowed token: no direct posts at all (own included); no followers-only, circle or local
  // posts unless they are one's own; everything else as for the same person's full token.
  if (o.narrowed?.noDirect && o.audience === "direct") return false;
  if (o.narrowed?.noOthersFollowersOnly && !o.author && ["followers", "circle", "local"].includes(o.audience)) return false;
  if (o.author && o.kind !== "anonymous") return true;
  if (o.blocked) return false;
  const remoteOk = o.kind !== "remote" || !["blocked", "pending"].includes(o.standing);
  if (!remoteOk) return false;
  if (o.kind === "remote" && o.localOnly) return false;
  const nonPublicOk = o.kind !== "remote" || o.standing !== "restricted";
  const rows: Record<Audience, () => boolean> = {
    direct: () => o.kind !== "anonymous" && o.mentioned && nonPublicOk,
    followers: () => o.kind !== "anonymous" && (o.follows || o.mentioned) && nonPublicOk,
    local: () => o.kind === "local",
    circle: () => o.kind === "local" || (o.kind === "remote" && o.inCircle && nonPublicOk),
    authenticated: () => o.kind !== "anonymous" && nonPublicOk,
    unlisted: () => o.kind !== "anonymous" && nonPublicOk,
    public: () => o.kind !== "anonymous" || o.loggedOut === "all",
  };
  return rows[o.audience]();
}

test("the status gate matches the audience table for every combination", () => {
  let cases = 0;
  const bools = [false, true];
  for (const kind of ["anonymous", "local", "remote"] as ViewerKind[])
    for (const standing of kind === "remote" ? STANDINGS : (["allowed"] as ServerStanding[]))
      for (const inCircle of kind === "remote" ? bools : [false])
        for (const audience of AUDIENCES)
          for (const localOnly of audience === "local" ? [true] : bools)
            for (const author of kind === "anonymous" ? [false] : bools)
              for (const follows of kind === "anonymous" ? [false] : bools)
                for (const mentioned of kind === "anonymous" ? [false] : bools)
                  for (const blocked of kind === "anonymous" ? [false] : bools)
                    for (const loggedOut of ["all", "profiles", "none"] as LoggedOutAccess[]) {
                      const viewer: Viewer =
                        kind === "anonymous"
                          ? { kind }
                          : kind === "local"
                            ? { kind, accountId: "2", scopes: null }
                            : { kind, accountId: "2", domain: "peer.example", standing };
                      const facts: StatusFacts = {
                        audience,
                        localOnly,
                        authorId: "1",
                        authorIsLocal: true,
                        authorSuspended: false,
                        circleDomains: inCircle ? ["peer.example"] : ["other.example"],
                        viewerIsAuthor: author,
                        viewerFollowsAuthor: follows,
                        viewerIsMentioned: mentioned,
                        authorBlocksViewer: blocked,
                        loggedOutAccess: loggedOut,
                      };
                      const want = expected({ kind, standing, inCircle, audience, localOnly, author, follows, mentioned, blocked, loggedOut });
                      assert.equal(canViewStatus(viewer, facts), want, JSON.stringify({ kind, standing, inCircle, audience, localOnly, author, follows, mentioned, blocked, loggedOut }));
                      cases++;
                    }
  console.log(`status gate: ${cases} cases checked`);
  assert.ok(cases > 5000);
});

const NARROWINGS: (Narrowing | undefined)[] = [
  undefined,
  { noDirect: false, noOthersFollowersOnly: false },
  { noDirect: true, noOthersFollowersOnly: false },
  { noDirect: false, noOthersFollowersOnly: true },
  { noDirect: true, noOthersFollowersOnly: true },
];

test("a narrowed local token (a viewer kind of its own) matches the table for every combination", () => {
  let cases = 0;
  let narrowedAway = 0;
  const bools = [false, true];
  for (const narrowed of NARROWINGS)
    for (const audience of AUDIENCES)
      for (const localOnly of audience === "local" ? [true] : bools)
        for (const author of bools)
          for (const follows of bools)
            for (const mentioned of bools)
              for (const blocked of bools)
                for (const inCircle of bools)
                  for (const loggedOut of ["all", "profiles", "none"] as LoggedOutAccess[]) {
                    const viewer: Viewer = { kind: "local", accountId: "2", scopes: new Set(["read"]), narrowed };
                    const facts: StatusFacts = {
                      audience,
                      localOnly,
                      authorId: author ? "2" : "1",
                      authorIsLocal: true,
                      authorSuspended: false,
                      circleDomains: inCircle ? ["caracol.test"] : [],
                      viewerIsAuthor: author,
                      viewerFollowsAuthor: follows,
                      viewerIsMentioned: mentioned,
                      authorBlocksViewer: blocked,
                      loggedOutAccess: loggedOut,
                    };
                    const o = { kind: "local" as const, standing: "allowed" as const, inCircle, audience, localOnly, author, follows, mentioned, blocked, loggedOut };
                    const want = expected({ ...o, narrowed });
                    assert.equal(canViewStatus(viewer, facts), want, JSON.stringify({ ...o, narrowed }));
                    if (!want && expected(o)) narrowedAway++;
                    cases++;
                  }
  console.log(`narrowed gate: ${cases} cases checked, ${narrowedAway} hidden only by the narrowing`);
  assert.ok(narrowedAway > 100, "the narrowing must hide something an un-narrowed token sees");
});

test("narrowing hides direct posts one sent and received, and others' private posts, but never one's own private posts", () => {
  const base: StatusFacts = {
    audience: "direct", localOnly: false, authorId: "2", authorIsLocal: true, authorSuspended: false,
    circleDomains: [], viewerIsAuthor: true, viewerFollowsAuthor: false, viewerIsMentioned: false,
    authorBlocksViewer: false, loggedOutAccess: "all",
  };
  const full: Viewer = { kind: "local", accountId: "2", scopes: null };
  const noDirect: Viewer = { ...full, narrowed: { noDirect: true, noOthersFollowersOnly: false } };
  const noPrivate: Viewer = { ...full, narrowed: { noDirect: false, noOthersFollowersOnly: true } };
  assert.equal(canViewStatus(full, base), true);
  assert.equal(canViewStatus(noDirect, base), false, "own direct message");
  assert.equal(canViewStatus(noDirect, { ...base, viewerIsAuthor: false, authorId: "1", viewerIsMentioned: true }), false, "received direct message");
  assert.equal(canViewStatus(noPrivate, { ...base, audience: "followers" }), true, "own followers-only post");
  assert.equal(canViewStatus(noPrivate, { ...base, audience: "followers", viewerIsAuthor: false, authorId: "1", viewerFollowsAuthor: true }), false);
  assert.equal(canViewStatus(noPrivate, { ...base, audience: "public", viewerIsAuthor: false, authorId: "1" }), true);
});

test("a suspended author's statuses are visible to nobody but the author", () => {
  const base: StatusFacts = {
    audience: "public", localOnly: false, authorId: "1", authorIsLocal: true, authorSuspended: true,
    circleDomains: [], viewerIsAuthor: false, viewerFollowsAuthor: true, viewerIsMentioned: true,
    authorBlocksViewer: false, loggedOutAccess: "all",
  };
  assert.equal(canViewStatus({ kind: "local", accountId: "2", scopes: null }, base), false);
  assert.equal(canViewStatus({ kind: "anonymous" }, base), false);
  assert.equal(canViewStatus({ kind: "local", accountId: "1", scopes: null }, { ...base, viewerIsAuthor: true }), true);
});
