// The one gate (DESIGN.md, principle 2). Pure functions of (viewer, subject facts, policy):
// no I/O here. Facts are gathered by ./facts.ts; every read path calls these functions.
import type { Audience } from "../../db/schema/statuses.ts";
import type { Viewer } from "./viewer.ts";

/** What logged-out visitors may see, after combining instance setting and personal override. */
export type LoggedOutAccess = "all" | "profiles" | "none";

export type StatusFacts = {
  audience: Audience;
  localOnly: boolean;
  authorId: string;
  authorIsLocal: boolean;
  authorSuspended: boolean;
  /** domains of the circle the status is addressed to (audience "circle") */
  circleDomains: readonly string[];
  viewerIsAuthor: boolean;
  viewerFollowsAuthor: boolean;
  viewerIsMentioned: boolean;
  /** the author blocks the viewer (or the viewer's server) */
  authorBlocksViewer: boolean;
  /** effective logged-out access for this author's content */
  loggedOutAccess: LoggedOutAccess;
};

export type Decision = { allowed: true } | { allowed: false; reason: string };

const allow: Decision = { allowed: true };
const deny = (reason: string): Decision => ({ allowed: false, reason });

/** Audiences a token narrowed with noOthersFollowersOnly no longer reads, unless they are one's own. */
const NARROWED_AWAY: ReadonlySet<Audience> = new Set(["followers", "circle", "local"]);

export function decideStatus(viewer: Viewer, f: StatusFacts): Decision {
  // A narrowed token is checked before authorship: "no direct messages" covers one's own too.
  if (viewer.kind === "local" && viewer.narrowed) {
    if (viewer.narrowed.noDirect && f.audience === "direct") return deny("token narrowed: no direct messages");
    if (viewer.narrowed.noOthersFollowersOnly && !f.viewerIsAuthor && NARROWED_AWAY.has(f.audience)) return deny("token narrowed: no private posts of others");
  }
  if (viewer.kind !== "anonymous" && f.viewerIsAuthor) return allow;
  if (f.authorSuspended) return deny("author suspended");
  if (f.authorBlocksViewer) return deny("author blocks viewer");
  if (viewer.kind === "remote") {
    if (viewer.standing === "blocked" || viewer.standing === "pending") return deny("server not in good standing");
    if (f.localOnly) return deny("local-only");
  }
  switch (f.audience) {
    case "public":
      if (viewer.kind === "anonymous" && f.loggedOutAccess !== "all") return deny("logged-out access off");
      return allow;
    case "unlisted":
    case "authenticated":
      // Unlisted is login-required on the web by default (DESIGN.md, privacy defaults).
      if (viewer.kind === "anonymous") return deny("login required");
      if (viewer.kind === "remote" && viewer.standing === "restricted") return deny("server restricted");
      return allow;
    case "circle":
      if (viewer.kind === "anonymous") return deny("login required");
      if (viewer.kind === "local") return allow;
      if (!f.circleDomains.includes(viewer.domain)) return deny("not in circle");
      return remoteRestricted(viewer) ?? allow;
    case "local":
      return viewer.kind === "local" ? allow : deny("local only");
    case "followers":
      if (viewer.kind === "anonymous") return deny("followers only");
      if (f.viewerIsMentioned || f.viewerFollowsAuthor) return remoteRestricted(viewer) ?? allow;
      return deny("followers only");
    case "direct":
      if (viewer.kind === "anonymous") return deny("direct");
      return f.viewerIsMentioned ? (remoteRestricted(viewer) ?? allow) : deny("direct");
  }
}

function remoteRestricted(viewer: Viewer): Decision | null {
  return viewer.kind === "remote" && viewer.standing === "restricted" ? deny("server restricted") : null;
}

export function canViewStatus(viewer: Viewer, f: StatusFacts): boolean {
  return decideStatus(viewer, f).allowed;
}

/**
 * Whether a status is for everyone, the logged-out web and every server included: the one test
 * for what may leave to parties no audience names (relays, integrations, public caching).
 */
export function isOpenToEveryone(s: { audience: string; localOnly: boolean }): boolean {
  return s.audience === "public" && !s.localOnly;
}

/** Whether a status may appear in public timelines, tag timelines and public search at all. */
export function isListedPublicly(audience: Audience): boolean {
  return audience === "public";
}
