// Pages of an account's followers and follows, keyed by the follows row id (Mastodon does the
// same, so a page is stable while people keep following). Who may see them is the gate's call.
import { and, eq } from "drizzle-orm";
import { accounts, follows } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { pageBy, finishPage, type PageParams } from "../../db/paginate.ts";
import type { AccountPageRow } from "./requests.ts";

export async function followersPage(ctx: Ctx, accountId: string, page: PageParams): Promise<AccountPageRow[]> {
  const p = pageBy(follows.id, page);
  const rows = await ctx.db
    .select({ cursor: follows.id, account: accounts })
    .from(follows)
    .innerJoin(accounts, eq(accounts.id, follows.accountId))
    .where(and(eq(follows.targetAccountId, accountId), p.where))
    .orderBy(p.orderBy)
    .limit(page.limit);
  return finishPage(rows, p.ascending);
}

export async function followingPage(ctx: Ctx, accountId: string, page: PageParams): Promise<AccountPageRow[]> {
  const p = pageBy(follows.id, page);
  const rows = await ctx.db
    .select({ cursor: follows.id, account: accounts })
    .from(follows)
    .innerJoin(accounts, eq(accounts.id, follows.targetAccountId))
    .where(and(eq(follows.accountId, accountId), p.where))
    .orderBy(p.orderBy)
    .limit(page.limit);
  return finishPage(rows, p.ascending);
}
