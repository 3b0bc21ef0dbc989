// What admins do with sign-ups that wait for approval.
import { and, eq, inArray, isNull } from "drizzle-orm";
import { accounts, users } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { approveAccount } from "./create.ts";

export type ApprovalResult = "done" | "not_found" | "not_pending";

async function localUser(ctx: Ctx, accountId: string) {
  const [row] = await ctx.db
    .select({ approved: users.approved })
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .where(and(eq(users.accountId, accountId), isNull(accounts.domain)));
  return row ?? null;
}

export async function approvePending(ctx: Ctx, accountId: string): Promise<ApprovalResult> {
  const u = await localUser(ctx, accountId);
  if (!u) return "not_found";
  if (u.approved) return "not_pending";
  await approveAccount(ctx, accountId);
  return "done";
}

/** Rejecting deletes the account and everything hanging off it, so the name is free again. */
export async function rejectPending(ctx: Ctx, accountId: string): Promise<ApprovalResult> {
  const u = await localUser(ctx, accountId);
  if (!u) return "not_found";
  if (u.approved) return "not_pending";
  const gone = await ctx.db
    .delete(accounts)
    .where(
      and(
        eq(accounts.id, accountId),
        isNull(accounts.domain),
        // re-checked in the statement itself, in case an approval landed in between
        inArray(accounts.id, ctx.db.select({ id: users.accountId }).from(users).where(and(eq(users.accountId, accountId), eq(users.approved, false)))),
      ),
    )
    .returning({ id: accounts.id });
  return gone.length ? "done" : "not_found";
}
