// Web sessions: a random id in a cookie, stored hashed, with a CSRF token of its own.
import { and, eq, lt } from "drizzle-orm";
import { accounts, users, webSessions } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { randomToken, sha256Hex } from "../../lib/crypto.ts";

export type WebSession = { accountId: string; csrfToken: string; username: string; role: "user" | "moderator" | "admin" };

export async function createSession(ctx: Ctx, accountId: string): Promise<{ id: string; csrfToken: string; expiresAt: Date }> {
  const id = randomToken(32);
  const csrfToken = randomToken(32);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + ctx.config.sessionTtlDays * 86400_000);
  // Expired sessions of this person go as a new one arrives, so the table does not grow unbounded.
  await ctx.db.delete(webSessions).where(and(eq(webSessions.accountId, accountId), lt(webSessions.expiresAt, now)));
  await ctx.db.insert(webSessions).values({ idHash: sha256Hex(id), accountId, csrfToken, createdAt: now, expiresAt });
  return { id, csrfToken, expiresAt };
}

/** The session behind a cookie value; null if unknown, expired, or its person may no longer sign in. */
export async function resolveSession(ctx: Ctx, id: string | undefined): Promise<WebSession | null> {
  if (!id || id.length > 100) return null;
  const [row] = await ctx.db
    .select({
      accountId: webSessions.accountId,
      csrfToken: webSessions.csrfToken,
      expiresAt: webSessions.expiresAt,
      username: accounts.username,
      suspendedAt: accounts.suspendedAt,
      approved: users.approved,
      disabled: users.disabled,
      role: users.role,
    })
    .from(webSessions)
    .innerJoin(accounts, eq(accounts.id, webSessions.accountId))
    .innerJoin(users, eq(users.accountId, webSessions.accountId))
    .where(eq(webSessions.idHash, sha256Hex(id)));
  if (!row || row.expiresAt.getTime() <= Date.now()) return null;
  if (!row.approved || row.disabled || row.suspendedAt) return null;
  return { accountId: row.accountId, csrfToken: row.csrfToken, username: row.username, role: row.role };
}

export async function destroySession(ctx: Ctx, id: string): Promise<void> {
  await ctx.db.delete(webSessions).where(eq(webSessions.idHash, sha256Hex(id)));
}
