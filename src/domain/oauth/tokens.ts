// Access tokens are stored as SHA-256 hashes: a database leak does not hand out sessions.
import { and, eq, isNull, or } from "drizzle-orm";
import { accessTokens, users } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { newId } from "../../lib/id.ts";
import { randomToken, sha256Hex } from "../../lib/crypto.ts";
import { narrowingOfScopes, scopesWithin, type Scope } from "./scopes.ts";
import type { Narrowing } from "../audience/viewer.ts";

export type TokenInfo = {
  tokenId: string;
  appId: string | null;
  /** null for client_credentials tokens */
  accountId: string | null;
  scopes: ReadonlySet<Scope>;
  createdAt: Date;
  /** null when the token reads everything its scopes allow */
  narrowed: Narrowing | null;
};

/** How often last_used_at is written: an hour is enough to tell a person when an app last acted. */
const LAST_USED_RESOLUTION_MS = 3600_000;

export type IssuedToken = { id: string; accessToken: string; refreshToken: string | null; scopes: string; createdAt: Date; expiresAt: Date | null };

export async function issueToken(
  ctx: Ctx,
  opts: {
    appId: string | null;
    accountId: string | null;
    scopes: readonly string[];
    withRefresh?: boolean;
    /** the person's choice on the consent page; the app's narrowing scopes are added to it */
    narrowed?: Narrowing;
    /** the end the person chose; the instance's CARACOL_ACCESS_TOKEN_TTL_DAYS still caps it */
    grantExpiresAt?: Date | null;
  },
): Promise<IssuedToken> {
  const accessToken = randomToken(32);
  const refreshToken = opts.withRefresh ? randomToken(32) : null;
  const now = new Date();
  const ttl = ctx.config.accessTokenTtlDays;
  const byInstance = ttl > 0 ? now.getTime() + ttl * 86400_000 : Infinity;
  const end = Math.min(byInstance, opts.grantExpiresAt?.getTime() ?? Infinity);
  const expiresAt = Number.isFinite(end) ? new Date(end) : null;
  const asked = narrowingOfScopes(opts.scopes);
  const id = newId(now);
  const scopes = opts.scopes.join(" ");
  await ctx.db.insert(accessTokens).values({
    id,
    tokenHash: sha256Hex(accessToken),
    refreshTokenHash: refreshToken ? sha256Hex(refreshToken) : null,
    appId: opts.appId,
    accountId: opts.accountId,
    scopes,
    createdAt: now,
    expiresAt,
    narrowNoDirect: asked.noDirect || (opts.narrowed?.noDirect ?? false),
    narrowNoOthersPrivate: asked.noOthersFollowersOnly || (opts.narrowed?.noOthersFollowersOnly ?? false),
    grantExpiresAt: opts.grantExpiresAt ?? null,
  });
  return { id, accessToken, refreshToken, scopes, createdAt: now, expiresAt };
}

/** Resolves a bearer token to what it may do; null if unknown, revoked, expired, or its user may not sign in. */
export async function resolveToken(ctx: Ctx, token: string): Promise<TokenInfo | null> {
  if (!token || token.length > 200) return null;
  const [row] = await ctx.db
    .select({
      id: accessTokens.id,
      appId: accessTokens.appId,
      accountId: accessTokens.accountId,
      scopes: accessTokens.scopes,
      createdAt: accessTokens.createdAt,
      expiresAt: accessTokens.expiresAt,
      lastUsedAt: accessTokens.lastUsedAt,
      narrowNoDirect: accessTokens.narrowNoDirect,
      narrowNoOthersPrivate: accessTokens.narrowNoOthersPrivate,
      approved: users.approved,
      disabled: users.disabled,
    })
    .from(accessTokens)
    .leftJoin(users, eq(users.accountId, accessTokens.accountId))
    .where(and(eq(accessTokens.tokenHash, sha256Hex(token)), isNull(accessTokens.revokedAt)));
  if (!row) return null;
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return null;
  if (row.accountId && (!row.approved || row.disabled)) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await ctx.db.update(accessTokens).set({ lastUsedAt: new Date() }).where(eq(accessTokens.id, row.id));
  }
  const narrowed = row.narrowNoDirect || row.narrowNoOthersPrivate ? { noDirect: row.narrowNoDirect, noOthersFollowersOnly: row.narrowNoOthersPrivate } : null;
  return {
    tokenId: row.id,
    appId: row.appId,
    accountId: row.accountId,
    scopes: new Set(row.scopes.split(" ").filter(Boolean) as Scope[]),
    createdAt: row.createdAt,
    narrowed,
  };
}

export async function revokeToken(ctx: Ctx, tokenId: string): Promise<void> {
  await ctx.db.update(accessTokens).set({ revokedAt: new Date() }).where(and(eq(accessTokens.id, tokenId), isNull(accessTokens.revokedAt)));
}

/**
 * Trades a refresh token for a new token pair. The old access and refresh tokens stop working
 * in the same statement that finds them, so a refresh token can be used once.
 */
export async function rotateRefreshToken(
  ctx: Ctx,
  appId: string,
  refreshToken: string,
  narrowTo?: readonly string[],
): Promise<IssuedToken | "invalid" | "invalid_scope"> {
  if (!refreshToken || refreshToken.length > 200) return "invalid";
  const hash = sha256Hex(refreshToken);
  const [current] = await ctx.db
    .select({
      scopes: accessTokens.scopes,
      noDirect: accessTokens.narrowNoDirect,
      noOthersFollowersOnly: accessTokens.narrowNoOthersPrivate,
      grantExpiresAt: accessTokens.grantExpiresAt,
    })
    .from(accessTokens)
    .where(and(eq(accessTokens.refreshTokenHash, hash), eq(accessTokens.appId, appId), isNull(accessTokens.revokedAt)));
  if (!current) return "invalid";
  // The end the person chose covers the refresh token too.
  if (current.grantExpiresAt && current.grantExpiresAt.getTime() <= Date.now()) return "invalid";
  const granted = current.scopes.split(" ").filter(Boolean);
  if (narrowTo?.length && !scopesWithin(narrowTo, granted)) return "invalid_scope";
  const [old] = await ctx.db
    .update(accessTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(accessTokens.refreshTokenHash, hash), eq(accessTokens.appId, appId), isNull(accessTokens.revokedAt)))
    .returning({ accountId: accessTokens.accountId });
  if (!old) return "invalid";
  return issueToken(ctx, {
    appId,
    accountId: old.accountId,
    scopes: narrowTo?.length ? narrowTo : granted,
    withRefresh: true,
    narrowed: { noDirect: current.noDirect, noOthersFollowersOnly: current.noOthersFollowersOnly },
    grantExpiresAt: current.grantExpiresAt,
  });
}

/**
 * Revokes an access or refresh token if it was issued to this app (RFC 7009). A token of
 * another app, or an unknown one, is left alone without saying so.
 */
export async function revokeTokenOfApp(ctx: Ctx, appId: string, token: string): Promise<boolean> {
  if (!token || token.length > 200) return false;
  const hash = sha256Hex(token);
  const r = await ctx.db
    .update(accessTokens)
    .set({ revokedAt: new Date() })
    .where(and(or(eq(accessTokens.tokenHash, hash), eq(accessTokens.refreshTokenHash, hash)), eq(accessTokens.appId, appId), isNull(accessTokens.revokedAt)))
    .returning({ id: accessTokens.id });
  return r.length > 0;
}
