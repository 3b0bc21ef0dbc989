// Profile parts each have an audience (DESIGN.md: "The same audiences apply to profile parts").
import type { Viewer } from "./viewer.ts";
import type { LoggedOutAccess } from "./gate.ts";

export const PROFILE_PARTS = [
  "displayName",
  "avatar",
  "header",
  "bio",
  "fields",
  "followers",
  "following",
  "followersCount",
  "followingCount",
  "statusesCount",
  "joinDate",
  "posts",
] as const;
export type ProfilePart = (typeof PROFILE_PARTS)[number];

export const PROFILE_AUDIENCES = ["self", "followers", "local", "authenticated", "public"] as const;
export type ProfileAudience = (typeof PROFILE_AUDIENCES)[number];

/** Protective defaults: the social graph and counts hidden, profile fields for signed-in viewers. */
export const DEFAULT_PROFILE_AUDIENCES: Readonly<Record<ProfilePart, ProfileAudience>> = Object.freeze({
  displayName: "public",
  avatar: "public",
  header: "public",
  bio: "public",
  fields: "authenticated",
  followers: "self",
  following: "self",
  followersCount: "self",
  followingCount: "self",
  statusesCount: "authenticated",
  joinDate: "authenticated",
  posts: "public",
});

const BASIC_PARTS = new Set<ProfilePart>(["displayName", "avatar", "header", "bio"]);

export type ProfileFacts = {
  accountIsLocal: boolean;
  audiences: Readonly<Record<ProfilePart, ProfileAudience>>;
  viewerIsOwner: boolean;
  viewerFollows: boolean;
  /** the account blocks the viewer */
  blocksViewer: boolean;
  suspended: boolean;
  loggedOutAccess: LoggedOutAccess;
};

/** Whether the profile exists at all for this viewer (handle and the public parts). */
export function canViewProfile(viewer: Viewer, f: ProfileFacts): boolean {
  if (f.viewerIsOwner && viewer.kind !== "anonymous") return true;
  if (f.suspended) return false;
  if (viewer.kind === "anonymous") return f.loggedOutAccess !== "none";
  if (viewer.kind === "remote" && (viewer.standing === "blocked" || viewer.standing === "pending")) return false;
  return true;
}

export function canViewProfilePart(viewer: Viewer, part: ProfilePart, f: ProfileFacts): boolean {
  if (!canViewProfile(viewer, f)) return false;
  if (f.viewerIsOwner && viewer.kind !== "anonymous") return true;
  // Someone blocked sees no more than the public face: name, pictures and bio.
  if (f.blocksViewer && !BASIC_PARTS.has(part)) return false;
  // A remote account's parts are what its own server chose to publish to us.
  if (!f.accountIsLocal) return true;
  const audience = f.audiences[part];
  switch (audience) {
    case "public":
      return viewer.kind !== "anonymous" || part !== "posts" || f.loggedOutAccess === "all";
    case "authenticated":
      return viewer.kind !== "anonymous" && !(viewer.kind === "remote" && viewer.standing === "restricted");
    case "local":
      return viewer.kind === "local";
    case "followers":
      if (viewer.kind === "remote" && viewer.standing === "restricted") return false;
      return viewer.kind !== "anonymous" && f.viewerFollows && !f.blocksViewer;
    case "self":
      return false;
  }
}

/** Reads stored per-person settings, falling back to the defaults for anything unset or invalid. */
export function profileAudiencesFrom(privacy: Record<string, string> | null | undefined): Record<ProfilePart, ProfileAudience> {
  const out = { ...DEFAULT_PROFILE_AUDIENCES };
  for (const part of PROFILE_PARTS) {
    const v = privacy?.[`profile.${part}`];
    if (v && (PROFILE_AUDIENCES as readonly string[]).includes(v)) out[part] = v as ProfileAudience;
  }
  return out;
}

/** Instance setting narrowed by the person's own override; the override can never widen it. */
export function effectiveLoggedOutAccess(instance: LoggedOutAccess, personal: string | undefined): LoggedOutAccess {
  const order: LoggedOutAccess[] = ["none", "profiles", "all"];
  const p = order.includes(personal as LoggedOutAccess) ? (personal as LoggedOutAccess) : "all";
  return order[Math.min(order.indexOf(instance), order.indexOf(p))];
}
