// Gathers, in a few batched queries, the facts the gate needs about statuses and profiles for
// one viewer. The decisions themselves stay in gate.ts and profile.ts.
import { and, eq, inArray } from "drizzle-orm";
import { accounts, blocks, circleMembers, follows, mentions, users } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { getSetting } from "../instance/settings.ts";
import { canViewStatus, type StatusFacts } from "./gate.ts";
import { canViewProfile, canViewProfilePart, effectiveLoggedOutAccess, profileAudiencesFrom, type ProfileFacts, type ProfilePart } from "./profile.ts";
import { viewerAccountId, type Viewer } from "./viewer.ts";
import type { Audience } from "../../db/schema/statuses.ts";

/** The columns of a status row the gate needs. */
export type GateStatus = {
  id: string;
  accountId: string;
  audience: Audience;
  localOnly: boolean;
  circleId: string | null;
};

type AuthorInfo = { local: boolean; suspended: boolean; privacy: Record<string, string> };

async function loadAuthors(ctx: Ctx, ids: string[]): Promise<Map<string, AuthorInfo>> {
  const out = new Map<string, AuthorInfo>();
  if (ids.length === 0) return out;
  const rows = await ctx.db
    .select({ id: accounts.id, domain: accounts.domain, suspendedAt: accounts.suspendedAt, privacy: users.privacy })
    .from(accounts)
    .leftJoin(users, eq(users.accountId, accounts.id))
    .where(inArray(accounts.id, ids));
  for (const r of rows) out.set(r.id, { local: r.domain === null, suspended: r.suspendedAt !== null, privacy: r.privacy ?? {} });
  return out;
}

/**
 * Relationships a stand-in viewer is to be treated as having ("view as a follower", "view as
 * someone mentioned"), so that "view as" needs no database writes: the facts read as they would
 * for a real follower or mentioned person, and the gate itself knows nothing of it.
 */
export type AssumedRelations = {
  /** accounts the viewer is treated as an approved follower of */
  follows?: readonly string[];
  /** authors whose statuses the viewer is treated as mentioned in */
  mentionedBy?: readonly string[];
};

const assumed = new WeakMap<Viewer, AssumedRelations>();

/** Marks this viewer object (only this object) as having the given relationships. */
export function assumingRelations<V extends Viewer>(viewer: V, relations: AssumedRelations): V {
  assumed.set(viewer, relations);
  return viewer;
}

async function followedAmong(ctx: Ctx, viewerId: string | null, targetIds: string[]): Promise<Set<string>> {
  if (!viewerId || targetIds.length === 0) return new Set();
  const rows = await ctx.db
    .select({ t: follows.targetAccountId })
    .from(follows)
    .where(and(eq(follows.accountId, viewerId), inArray(follows.targetAccountId, targetIds)));
  return new Set(rows.map((r) => r.t));
}

/**
 * Accounts among `accountIds` that block the viewer. For a remote viewer a block in the other
 * direction counts too: a remote person who blocked a local one has asked not to receive
 * their posts, and their server is told nothing more of them.
 */
async function blockersAmong(ctx: Ctx, viewer: Viewer, accountIds: string[]): Promise<Set<string>> {
  const viewerId = viewerAccountId(viewer);
  if (!viewerId || accountIds.length === 0) return new Set();
  const rows = await ctx.db
    .select({ a: blocks.accountId })
    .from(blocks)
    .where(and(eq(blocks.targetAccountId, viewerId), inArray(blocks.accountId, accountIds)));
  const out = new Set(rows.map((r) => r.a));
  if (viewer.kind === "remote") {
    const theirs = await ctx.db
      .select({ t: blocks.targetAccountId })
      .from(blocks)
      .where(and(eq(blocks.accountId, viewerId), inArray(blocks.targetAccountId, accountIds)));
    for (const r of theirs) out.add(r.t);
  }
  return out;
}

export async function statusFacts(ctx: Ctx, viewer: Viewer, list: readonly GateStatus[]): Promise<Map<string, StatusFacts>> {
  const out = new Map<string, StatusFacts>();
  if (list.length === 0) return out;
  const viewerId = viewerAccountId(viewer);
  const authorIds = [...new Set(list.map((s) => s.accountId))];
  const statusIds = list.map((s) => s.id);
  const circleIds = [...new Set(list.map((s) => s.circleId).filter((c): c is string => c !== null))];
  const [authors, followed, blockers, mentioned, circles, instanceAccess] = await Promise.all([
    loadAuthors(ctx, authorIds),
    followedAmong(ctx, viewerId, authorIds),
    blockersAmong(ctx, viewer, authorIds),
    viewerId
      ? ctx.db
          .select({ s: mentions.statusId })
          .from(mentions)
          .where(and(eq(mentions.accountId, viewerId), inArray(mentions.statusId, statusIds)))
          .then((rows) => new Set(rows.map((r) => r.s)))
      : Promise.resolve(new Set<string>()),
    circleIds.length
      ? ctx.db
          .select()
          .from(circleMembers)
          .where(inArray(circleMembers.circleId, circleIds))
          .then((rows) => {
            const m = new Map<string, string[]>();
            for (const r of rows) m.set(r.circleId, [...(m.get(r.circleId) ?? []), r.domain]);
            return m;
          })
      : Promise.resolve(new Map<string, string[]>()),
    getSetting(ctx, "loggedOutAccess"),
  ]);
  const rel = assumed.get(viewer);
  for (const s of list) {
    const author = authors.get(s.accountId) ?? { local: false, suspended: true, privacy: {} };
    out.set(s.id, {
      audience: s.audience,
      localOnly: s.localOnly,
      authorId: s.accountId,
      authorIsLocal: author.local,
      authorSuspended: author.suspended,
      circleDomains: s.circleId ? (circles.get(s.circleId) ?? []) : [],
      viewerIsAuthor: viewerId === s.accountId,
      viewerFollowsAuthor: followed.has(s.accountId) || (rel?.follows?.includes(s.accountId) ?? false),
      viewerIsMentioned: mentioned.has(s.id) || (rel?.mentionedBy?.includes(s.accountId) ?? false),
      authorBlocksViewer: blockers.has(s.accountId),
      loggedOutAccess: effectiveLoggedOutAccess(instanceAccess, author.privacy.loggedOutAccess),
    });
  }
  return out;
}

/** Keeps the statuses the viewer may see, in their original order. */
export async function filterVisibleStatuses<T extends GateStatus>(ctx: Ctx, viewer: Viewer, list: readonly T[]): Promise<T[]> {
  const facts = await statusFacts(ctx, viewer, list);
  return list.filter((s) => canViewStatus(viewer, facts.get(s.id)!));
}

export async function canViewStatusRow(ctx: Ctx, viewer: Viewer, s: GateStatus): Promise<boolean> {
  return (await filterVisibleStatuses(ctx, viewer, [s])).length === 1;
}

export async function profileFacts(ctx: Ctx, viewer: Viewer, accountIds: readonly string[]): Promise<Map<string, ProfileFacts>> {
  const out = new Map<string, ProfileFacts>();
  if (accountIds.length === 0) return out;
  const ids = [...new Set(accountIds)];
  const viewerId = viewerAccountId(viewer);
  const [authors, followed, blockers, instanceAccess] = await Promise.all([
    loadAuthors(ctx, ids),
    followedAmong(ctx, viewerId, ids),
    blockersAmong(ctx, viewer, ids),
    getSetting(ctx, "loggedOutAccess"),
  ]);
  const rel = assumed.get(viewer);
  for (const id of ids) {
    const a = authors.get(id) ?? { local: false, suspended: true, privacy: {} };
    out.set(id, {
      accountIsLocal: a.local,
      audiences: profileAudiencesFrom(a.privacy),
      viewerIsOwner: viewerId === id,
      viewerFollows: followed.has(id) || (rel?.follows?.includes(id) ?? false),
      blocksViewer: blockers.has(id),
      suspended: a.suspended,
      loggedOutAccess: effectiveLoggedOutAccess(instanceAccess, a.privacy.loggedOutAccess),
    });
  }
  return out;
}

export type ProfileView = { visible: boolean; parts: Record<ProfilePart, boolean> };

export function profileView(viewer: Viewer, f: ProfileFacts): ProfileView {
  const visible = canViewProfile(viewer, f);
  const parts = {} as Record<ProfilePart, boolean>;
  for (const p of Object.keys(f.audiences) as ProfilePart[]) parts[p] = visible && canViewProfilePart(viewer, p, f);
  return { visible, parts };
}
