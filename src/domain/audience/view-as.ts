// "View as": builds the Viewer of each kind of visitor for one person's own profile, so that the
// same serializers, the same ActivityPub converters and the same gate can render what that
// visitor would receive. Nothing here decides visibility; it only chooses who is asking.
//
// Relationships the owner's visitors have with them (following, being mentioned) are not
// written anywhere: the stand-in viewer is marked for the facts loader (assumingRelations), so
// the gate reads "follows" or "is mentioned" exactly as it would for a real person.
import { asc, eq } from "drizzle-orm";
import { circleMembers, circles } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { serverStanding } from "../federation-policy/standing.ts";
import type { Scope } from "../oauth/scopes.ts";
import { assumingRelations } from "./facts.ts";
import { ANONYMOUS, type Viewer } from "./viewer.ts";

export const VIEW_AS_KINDS = [
  "anonymous",
  "local",
  "follower",
  "mentioned",
  "read_accounts",
  "remote",
  "circle",
  "restricted",
  "blocked",
] as const;
export type ViewAsKind = (typeof VIEW_AS_KINDS)[number];

/** Kinds that are remote servers: they also get the ActivityPub documents a signed fetch gets. */
export const REMOTE_VIEW_AS_KINDS: ReadonlySet<ViewAsKind> = new Set(["remote", "circle", "restricted", "blocked"]);

/** What each kind stands for, in words for the settings page. */
export const VIEW_AS_LABELS: Readonly<Record<ViewAsKind, string>> = {
  anonymous: "Logged-out web",
  local: "A signed-in stranger on this server",
  follower: "An approved follower on this server",
  mentioned: "Someone you mention",
  read_accounts: "An app holding only the read:accounts scope",
  remote: "A server in good standing",
  circle: "A server in one of your circles",
  restricted: "A server restricted for federating with a suspended one",
  blocked: "A suspended server",
};

/**
 * An id no account has (snowflakes start far above it): a signed-in stranger who follows no one,
 * is mentioned nowhere and has favourited nothing, so nothing of a real person shows through.
 */
const STRANGER_ID = "0";

/** Example domains (RFC 2606) that no circle or domain rule names, for the fixed standings. */
const GOOD_SERVER = "good-standing.example";
const RESTRICTED_SERVER = "restricted.example";
const BLOCKED_SERVER = "suspended.example";

const READ_ACCOUNTS: ReadonlySet<Scope> = new Set<Scope>(["read:accounts"]);

export class ViewAsError extends Error {}

/** The viewer that stands for `kind` when looking at `ownerId`'s profile and posts. */
export async function viewAsViewer(ctx: Ctx, ownerId: string, kind: ViewAsKind, opts: { circleId?: string } = {}): Promise<Viewer> {
  const stranger = (scopes: ReadonlySet<Scope> | null): Viewer => ({ kind: "local", accountId: STRANGER_ID, scopes });
  switch (kind) {
    case "anonymous":
      return ANONYMOUS;
    case "local":
      return stranger(null);
    case "read_accounts":
      return stranger(READ_ACCOUNTS);
    case "follower":
      return assumingRelations(stranger(null), { follows: [ownerId] });
    case "mentioned":
      // Someone the owner mentions in every post: what the people one addresses get.
      return assumingRelations(stranger(null), { mentionedBy: [ownerId] });
    case "remote":
      return { kind: "remote", accountId: null, domain: GOOD_SERVER, standing: "allowed" };
    case "restricted":
      return { kind: "remote", accountId: null, domain: RESTRICTED_SERVER, standing: "restricted" };
    case "blocked":
      return { kind: "remote", accountId: null, domain: BLOCKED_SERVER, standing: "blocked" };
    case "circle": {
      // A real member server, with the standing it really has (a circle member can be restricted too).
      const domain = await circleDomain(ctx, opts.circleId);
      return { kind: "remote", accountId: null, domain, standing: await serverStanding(ctx, domain) };
    }
  }
}

/** A member domain of the given circle, or of the first circle when none is given. */
async function circleDomain(ctx: Ctx, circleId: string | undefined): Promise<string> {
  const [row] = await ctx.db
    .select({ domain: circleMembers.domain })
    .from(circleMembers)
    .innerJoin(circles, eq(circles.id, circleMembers.circleId))
    .where(circleId ? eq(circleMembers.circleId, circleId) : undefined)
    .orderBy(asc(circles.id), asc(circleMembers.domain))
    .limit(1);
  if (!row) throw new ViewAsError(circleId ? "no such circle, or it has no member servers" : "this instance has no circle with member servers");
  return row.domain;
}
