// All of one person's privacy settings as one object (GET/PATCH /api/v1/caracol/privacy).
// Where each setting lives:
//   profile_audiences  users.privacy["profile.<part>"]      (read by the gate, audience/profile.ts)
//   logged_out_access  users.privacy.loggedOutAccess          (narrows the instance setting only)
//   default_audience   users.privacy.defaultAudience (+ defaultCircleId), and users.default_visibility
//                      set to its Mastodon equivalent so Mastodon apps show a matching default
//   feeds              users.privacy.feeds ("on" | "off"; the feeds code reads it)
//   locked, discoverable, indexable   accounts columns, as update_credentials writes them
// Everything is validated before anything is written, and written in one transaction.
import { eq } from "drizzle-orm";
import { z } from "zod";
import { accounts, circles, users, AUDIENCES, type Audience } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { getSetting } from "../instance/settings.ts";
import type { LoggedOutAccess } from "../audience/gate.ts";
import { effectiveLoggedOutAccess, PROFILE_AUDIENCES, PROFILE_PARTS, profileAudiencesFrom, type ProfileAudience, type ProfilePart } from "../audience/profile.ts";
import { audienceFromRequest, audienceToVisibility } from "../statuses/visibility.ts";
import { AccountError } from "./create.ts";

const LOGGED_OUT = ["all", "profiles", "none"] as const;

export type PrivacySettings = {
  profile_audiences: Record<ProfilePart, ProfileAudience>;
  /** the person's own choice; it can only narrow the instance setting */
  logged_out_access: LoggedOutAccess;
  /** what logged-out visitors actually get: the narrower of the instance setting and the choice above */
  effective_logged_out_access: LoggedOutAccess;
  default_audience: Audience;
  default_circle_id: string | null;
  locked: boolean;
  discoverable: boolean;
  indexable: boolean;
  feeds: "on" | "off";
};

const bool = z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean());

/** The PATCH body; every key optional, unknown keys refused so a typo cannot pass silently. */
export const privacyUpdateSchema = z
  .object({
    profile_audiences: z.partialRecord(z.enum(PROFILE_PARTS), z.enum(PROFILE_AUDIENCES)).optional(),
    private_profile: bool.optional(),
    logged_out_access: z.enum(LOGGED_OUT).optional(),
    default_audience: z.enum(AUDIENCES).optional(),
    default_circle_id: z.string().regex(/^\d{1,19}$/, "is not a valid id").nullable().optional(),
    locked: bool.optional(),
    discoverable: bool.optional(),
    indexable: bool.optional(),
    feeds: z.enum(["on", "off"]).optional(),
  })
  .strict();
export type PrivacyUpdate = z.output<typeof privacyUpdateSchema>;

/** Narrow to wide; "private profile" brings every part down to followers but never widens one. */
const NARROWER_THAN_FOLLOWERS = new Set<ProfileAudience>(["self", "followers"]);

export async function getPrivacySettings(ctx: Ctx, accountId: string): Promise<PrivacySettings | null> {
  const [row] = await ctx.db
    .select({ privacy: users.privacy, defaultVisibility: users.defaultVisibility, locked: accounts.locked, discoverable: accounts.discoverable, indexable: accounts.indexable })
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .where(eq(users.accountId, accountId));
  if (!row) return null;
  const p = row.privacy;
  const personal = (LOGGED_OUT as readonly string[]).includes(p.loggedOutAccess) ? (p.loggedOutAccess as LoggedOutAccess) : "all";
  const stored = storedDefaultAudience(p, row.defaultVisibility);
  return {
    profile_audiences: profileAudiencesFrom(p),
    logged_out_access: personal,
    effective_logged_out_access: effectiveLoggedOutAccess(await getSetting(ctx, "loggedOutAccess"), personal),
    default_audience: stored ?? audienceFromRequest(row.defaultVisibility, false).audience,
    default_circle_id: stored === "circle" ? (p.defaultCircleId ?? null) : null,
    locked: row.locked,
    discoverable: row.discoverable ?? false,
    indexable: row.indexable,
    feeds: p.feeds === "on" ? "on" : "off",
  };
}

/**
 * The stored Caracol default audience, if it still agrees with the Mastodon default visibility.
 * A Mastodon app that later changes `source[privacy]` changes default_visibility only; the stale
 * Caracol value then no longer matches it and is ignored, so the latest choice always wins.
 */
export function storedDefaultAudience(privacy: Record<string, string>, defaultVisibility: string): Audience | null {
  const a = privacy.defaultAudience as Audience | undefined;
  if (!a || !(AUDIENCES as readonly string[]).includes(a)) return null;
  return audienceToVisibility(a) === defaultVisibility ? a : null;
}

export async function updatePrivacySettings(ctx: Ctx, accountId: string, u: PrivacyUpdate): Promise<void> {
  const [user] = await ctx.db.select({ privacy: users.privacy }).from(users).where(eq(users.accountId, accountId));
  if (!user) throw new AccountError("account", "not found");
  const changes: Record<string, string> = {};

  const audiences = profileAudiencesFrom(user.privacy);
  if (u.private_profile === true) {
    for (const part of PROFILE_PARTS) if (!NARROWER_THAN_FOLLOWERS.has(audiences[part])) changes[`profile.${part}`] = "followers";
  }
  // Explicit per-part choices in the same request win over the convenience switch.
  for (const [part, audience] of Object.entries(u.profile_audiences ?? {})) if (audience) changes[`profile.${part}`] = audience;
  if (u.logged_out_access !== undefined) changes.loggedOutAccess = u.logged_out_access;
  if (u.feeds !== undefined) changes.feeds = u.feeds;

  const userSet: Partial<typeof users.$inferInsert> = {};
  if (u.default_audience !== undefined) {
    if (u.default_audience === "circle") {
      const circleId = u.default_circle_id ?? user.privacy.defaultCircleId;
      if (!circleId) throw new AccountError("default_circle_id", "is required for the circle audience");
      const [circle] = await ctx.db.select({ id: circles.id }).from(circles).where(eq(circles.id, circleId));
      if (!circle) throw new AccountError("default_circle_id", "does not name a known circle");
      changes.defaultCircleId = circle.id;
    }
    changes.defaultAudience = u.default_audience;
    userSet.defaultVisibility = audienceToVisibility(u.default_audience);
  } else if (u.default_circle_id !== undefined) {
    throw new AccountError("default_circle_id", "is only accepted with default_audience=circle");
  }

  const accountSet: Partial<typeof accounts.$inferInsert> = {};
  if (u.locked !== undefined) accountSet.locked = u.locked;
  if (u.discoverable !== undefined) accountSet.discoverable = u.discoverable;
  if (u.indexable !== undefined) accountSet.indexable = u.indexable;
  if (Object.keys(changes).length === 0 && Object.keys(userSet).length === 0 && Object.keys(accountSet).length === 0) return;

  await ctx.db.transaction(async (tx) => {
    if (Object.keys(accountSet).length) await tx.update(accounts).set({ ...accountSet, updatedAt: new Date() }).where(eq(accounts.id, accountId));
    if (Object.keys(changes).length) {
      // Re-read inside the transaction so a concurrent update_credentials is not overwritten.
      const [row] = await tx.select({ privacy: users.privacy }).from(users).where(eq(users.accountId, accountId));
      userSet.privacy = { ...(row?.privacy ?? {}), ...changes };
    }
    if (Object.keys(userSet).length) await tx.update(users).set(userSet).where(eq(users.accountId, accountId));
  });
  // Remote servers get the new actor (what it shows depends on the audiences just changed).
  await ctx.events.emit({ type: "account.updated", accountId });
}
