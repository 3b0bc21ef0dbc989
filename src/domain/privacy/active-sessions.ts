// What is signed in to an account right now: web sessions and access tokens, for the person's
// own sessions page, and ending one of them. Each is named to the page by a handle that cannot
// be turned back into a credential (a prefix of the stored hash, or the token's row id).
import { and, desc, eq, gt, isNull, like, or } from "drizzle-orm";
import { accessTokens, apps, webSessions } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { revokeToken } from "../oauth/tokens.ts";

export type ActiveSession = { handle: string; createdAt: Date; expiresAt: Date };
export type ActiveToken = { id: string; appName: string | null; scopes: string; createdAt: Date; lastUsedAt: Date | null };

const HANDLE_LENGTH = 16;

export async function activeWebSessions(ctx: Ctx, accountId: string, now = new Date()): Promise<ActiveSession[]> {
  const rows = await ctx.db
    .select({ idHash: webSessions.idHash, createdAt: webSessions.createdAt, expiresAt: webSessions.expiresAt })
    .from(webSessions)
    .where(and(eq(webSessions.accountId, accountId), gt(webSessions.expiresAt, now)))
    .orderBy(desc(webSessions.createdAt));
  return rows.map((r) => ({ handle: r.idHash.slice(0, HANDLE_LENGTH), createdAt: r.createdAt, expiresAt: r.expiresAt }));
}

export async function activeTokens(ctx: Ctx, accountId: string, now = new Date()): Promise<ActiveToken[]> {
  return ctx.db
    .select({ id: accessTokens.id, appName: apps.name, scopes: accessTokens.scopes, createdAt: accessTokens.createdAt, lastUsedAt: accessTokens.lastUsedAt })
    .from(accessTokens)
    .leftJoin(apps, eq(apps.id, accessTokens.appId))
    .where(and(eq(accessTokens.accountId, accountId), isNull(accessTokens.revokedAt), or(isNull(accessTokens.expiresAt), gt(accessTokens.expiresAt, now))))
    .orderBy(desc(accessTokens.createdAt));
}

/** Ends one of the person's own web sessions; false when the handle names none of theirs. */
export async function endWebSession(ctx: Ctx, accountId: string, handle: string): Promise<boolean> {
  if (!/^[0-9a-f]{16}$/.test(handle)) return false;
  const gone = await ctx.db
    .delete(webSessions)
    .where(and(eq(webSessions.accountId, accountId), like(webSessions.idHash, `${handle}%`)))
    .returning({ id: webSessions.idHash });
  return gone.length > 0;
}

/** Revokes one of the person's own tokens; false when the id names none of theirs. */
export async function endToken(ctx: Ctx, accountId: string, tokenId: string): Promise<boolean> {
  if (!/^\d{1,20}$/.test(tokenId)) return false;
  const [row] = await ctx.db.select({ id: accessTokens.id }).from(accessTokens).where(and(eq(accessTokens.id, tokenId), eq(accessTokens.accountId, accountId), isNull(accessTokens.revokedAt)));
  if (!row) return false;
  await revokeToken(ctx, row.id);
  return true;
}
