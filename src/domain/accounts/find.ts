// Finding accounts that exist as far as the API is concerned: a local sign-up still waiting for
// approval is nobody yet (Mastodon hides unapproved accounts the same way).
import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { accounts, users } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { isId } from "../../lib/id.ts";

export type AccountRow = typeof accounts.$inferSelect;

const existing = or(sql`${accounts.domain} is not null`, eq(users.approved, true));

export async function findAccounts(ctx: Ctx, ids: readonly string[]): Promise<AccountRow[]> {
  const valid = [...new Set(ids.filter(isId))];
  if (valid.length === 0) return [];
  const rows = await ctx.db
    .select({ account: accounts })
    .from(accounts)
    .leftJoin(users, eq(users.accountId, accounts.id))
    .where(and(inArray(accounts.id, valid), existing));
  return rows.map((r) => r.account);
}

export async function findAccount(ctx: Ctx, id: string): Promise<AccountRow | null> {
  return (await findAccounts(ctx, [id]))[0] ?? null;
}

export async function findLocalAccountByUsername(ctx: Ctx, username: string): Promise<AccountRow | null> {
  const [row] = await ctx.db
    .select({ account: accounts })
    .from(accounts)
    .innerJoin(users, eq(users.accountId, accounts.id))
    .where(and(sql`lower(${accounts.username}) = lower(${username})`, isNull(accounts.domain), eq(users.approved, true)));
  return row?.account ?? null;
}
