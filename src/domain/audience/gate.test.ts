// The gate against DESIGN.md's audience table, over every combination of viewer kind,
// relationship and audience. The expectations are written as the table reads, independently
// of how gate.ts is structured.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AUDIENCES, type Audience } from "../../db/schema/statuses.ts";
import { canViewStatus, type LoggedOutAccess, type StatusFacts } from "./gate.ts";
import type { ServerStanding, Viewer } from "./viewer.ts";

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
}): boolean {
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
