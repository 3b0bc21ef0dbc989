// Profile parts against their audiences, for every viewer kind and relationship.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_PROFILE_AUDIENCES,
  PROFILE_AUDIENCES,
  PROFILE_PARTS,
  canViewProfilePart,
  effectiveLoggedOutAccess,
  profileAudiencesFrom,
  type ProfileAudience,
  type ProfileFacts,
} from "./profile.ts";
import type { Viewer } from "./viewer.ts";

const viewers: Record<string, Viewer> = {
  anonymous: { kind: "anonymous" },
  local: { kind: "local", accountId: "2", scopes: null },
  remote: { kind: "remote", accountId: "3", domain: "peer.example", standing: "allowed" },
  restricted: { kind: "remote", accountId: "3", domain: "peer.example", standing: "restricted" },
  blockedServer: { kind: "remote", accountId: "3", domain: "peer.example", standing: "blocked" },
};

function expected(name: string, audience: ProfileAudience, follows: boolean, blocked: boolean, basic: boolean): boolean {
  if (name === "blockedServer") return false;
  if (blocked && !basic) return false;
  switch (audience) {
    case "public":
      return true;
    case "authenticated":
      return name === "local" || name === "remote";
    case "local":
      return name === "local";
    case "followers":
      // a restricted server gets nothing that is not public, followers' parts included
      return name !== "anonymous" && name !== "restricted" && follows && !blocked;
    case "self":
      return false;
  }
}

test("profile parts follow their audiences for every viewer", () => {
  let cases = 0;
  for (const [name, viewer] of Object.entries(viewers))
    for (const part of PROFILE_PARTS)
      for (const audience of PROFILE_AUDIENCES)
        for (const follows of [false, true])
          for (const blocked of [false, true]) {
            if (name === "anonymous" && (follows || blocked)) continue;
            const facts: ProfileFacts = {
              accountIsLocal: true,
              audiences: { ...DEFAULT_PROFILE_AUDIENCES, [part]: audience },
              viewerIsOwner: false,
              viewerFollows: follows,
              blocksViewer: blocked,
              suspended: false,
              loggedOutAccess: "all",
            };
            const basic = ["displayName", "avatar", "header", "bio"].includes(part);
            assert.equal(canViewProfilePart(viewer, part, facts), expected(name, audience, follows, blocked, basic), JSON.stringify({ name, part, audience, follows, blocked }));
            cases++;
          }
  console.log(`profile gate: ${cases} cases checked`);
});

test("the owner sees everything; defaults hide the social graph and fields from logged-out viewers", () => {
  const facts: ProfileFacts = {
    accountIsLocal: true,
    audiences: DEFAULT_PROFILE_AUDIENCES,
    viewerIsOwner: true,
    viewerFollows: false,
    blocksViewer: false,
    suspended: false,
    loggedOutAccess: "all",
  };
  for (const part of PROFILE_PARTS) assert.ok(canViewProfilePart(viewers.local, part, facts));
  const stranger = { ...facts, viewerIsOwner: false };
  const anonSees = PROFILE_PARTS.filter((p) => canViewProfilePart(viewers.anonymous, p, stranger));
  assert.deepEqual(anonSees, ["displayName", "avatar", "header", "bio", "posts"]);
  assert.ok(!canViewProfilePart(viewers.anonymous, "posts", { ...stranger, loggedOutAccess: "profiles" }));
  assert.ok(!canViewProfilePart(viewers.anonymous, "displayName", { ...stranger, loggedOutAccess: "none" }));
});

test("a personal logged-out setting can narrow the instance's, never widen it", () => {
  assert.equal(effectiveLoggedOutAccess("all", "none"), "none");
  assert.equal(effectiveLoggedOutAccess("profiles", "all"), "profiles");
  assert.equal(effectiveLoggedOutAccess("none", "all"), "none");
  assert.equal(effectiveLoggedOutAccess("all", undefined), "all");
  assert.equal(effectiveLoggedOutAccess("all", "bogus"), "all");
  assert.deepEqual(profileAudiencesFrom({ "profile.followers": "public", "profile.fields": "nonsense" }).followers, "public");
  assert.equal(profileAudiencesFrom({ "profile.fields": "nonsense" }).fields, "authenticated");
});
