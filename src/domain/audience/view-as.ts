// "View as": builds the Viewer of each kind of visitor for one person's own profile, so that the
// same serializers and the same gate can render what that visitor would receive. Nothing here
// decides visibility; it only chooses who is asking.
import { and, asc, eq, isNull } from "drizzle-orm";
import { TransactionRollbackError } from "drizzle-orm";
import { accounts, circleMembers, circles, follows } from "../../db/schema/index.ts";
import type { Db } from "../../db/client.ts";
import type { Ctx } from "../context.ts";
import { newId } from "../../lib/id.ts";
import { serverStanding } from "../federation-policy/standing.ts";
import { ANONYMOUS, type Viewer } from "./viewer.ts";

export const VIEW_AS_KINDS = ["anonymous", "local", "follower", "remote", "circle", "blocked"] as const;
export type ViewAsKind = (typeof VIEW_AS_KINDS)[number];

/** An id no account has (snowflakes start far above it): a signed-in stranger who follows no one. */
const STRANGER_ID = "0";

export class ViewAsError extends Error {}

/**
 * Calls `render` with a context and the Viewer of that kind. For "follower" without any real
 * local follower, a stand-in local account and its follow are written inside a transaction that
 * is always rolled back: the gate then reads "follows" from the database exactly as for a real
 * follower, with no special case in the gate or its facts, and nothing is kept.
 */
export async function renderAs<T>(
  ctx: Ctx,
  ownerId: string,
  kind: ViewAsKind,
  opts: { circleId?: string },
  render: (ctx: Ctx, viewer: Viewer) => Promise<T>,
): Promise<T> {
  switch (kind) {
    case "anonymous":
      return render(ctx, ANONYMOUS);
    case "local":
      return render(ctx, { kind: "local", accountId: STRANGER_ID, scopes: null });
    case "remote":
      return render(ctx, { kind: "remote", accountId: null, domain: "remote.example", standing: "allowed" });
    case "blocked":
      return render(ctx, { kind: "remote", accountId: null, domain: "blocked.example", standing: "blocked" });
    case "circle": {
      const domain = await circleDomain(ctx, opts.circleId);
      return render(ctx, { kind: "remote", accountId: null, domain, standing: await serverStanding(ctx, domain) });
    }
    case "follower": {
      const real = await localFollower(ctx, ownerId);
      if (real) return render(ctx, { kind: "local", accountId: real, scopes: null });
      return withStandInFollower(ctx, ownerId, render);
    }
  }
}

/** The oldest local follower, whose view is the same as any other local follower's. */
async function localFollower(ctx: Ctx, ownerId: string): Promise<string | null> {
  const [row] = await ctx.db
    .select({ id: follows.accountId })
    .from(follows)
    .innerJoin(accounts, eq(accounts.id, follows.accountId))
    .where(and(eq(follows.targetAccountId, ownerId), isNull(accounts.domain), isNull(accounts.suspendedAt)))
    .orderBy(asc(follows.id))
    .limit(1);
  return row?.id ?? null;
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

async function withStandInFollower<T>(ctx: Ctx, ownerId: string, render: (ctx: Ctx, viewer: Viewer) => Promise<T>): Promise<T> {
  let result: { value: T } | null = null;
  try {
    await ctx.db.transaction(async (tx) => {
      const db = tx as unknown as Db;
      const id = newId();
      const username = `view-as-${id}`;
      await db.insert(accounts).values({ id, username, domain: null, uri: `${ctx.config.origin}/view-as/${id}` });
      await db.insert(follows).values({ id: newId(), accountId: id, targetAccountId: ownerId });
      result = { value: await render({ ...ctx, db }, { kind: "local", accountId: id, scopes: null }) };
      tx.rollback();
    });
  } catch (e) {
    if (!(e instanceof TransactionRollbackError)) throw e;
  }
  if (!result) throw new Error("view-as render did not complete");
  return (result as { value: T }).value;
}
