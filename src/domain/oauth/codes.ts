// Authorization codes: single use, ten minutes, stored hashed. A code presented twice means it
// leaked, so the token issued for it is revoked as well (RFC 6749 4.1.2).
import { and, eq, isNull } from "drizzle-orm";
import { authorizationCodes } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { randomToken, safeEqual, sha256Base64Url, sha256Hex } from "../../lib/crypto.ts";
import { issueToken, revokeToken, type IssuedToken } from "./tokens.ts";
import type { AppRow } from "./apps.ts";
import type { Narrowing } from "../audience/viewer.ts";

export const CODE_TTL_MS = 10 * 60_000;

/** RFC 7636 4.1: 43 to 128 unreserved characters; a challenge is their SHA-256, base64url. */
const VERIFIER_RE = /^[A-Za-z0-9._~-]{43,128}$/;
const CHALLENGE_RE = /^[A-Za-z0-9_-]{43}$/;

export const isCodeChallenge = (s: string) => CHALLENGE_RE.test(s);

export async function createAuthorizationCode(
  ctx: Ctx,
  input: {
    appId: string;
    accountId: string;
    scopes: readonly string[];
    redirectUri: string;
    codeChallenge: string | null;
    narrowed?: Narrowing;
    /** the token lifetime the person chose, in days; null or absent: as long as the instance allows */
    grantTtlDays?: number | null;
  },
): Promise<string> {
  const code = randomToken(32);
  const now = new Date();
  await ctx.db.insert(authorizationCodes).values({
    codeHash: sha256Hex(code),
    appId: input.appId,
    accountId: input.accountId,
    scopes: input.scopes.join(" "),
    redirectUri: input.redirectUri,
    codeChallenge: input.codeChallenge,
    codeChallengeMethod: input.codeChallenge ? "S256" : null,
    narrowNoDirect: input.narrowed?.noDirect ?? false,
    narrowNoOthersPrivate: input.narrowed?.noOthersFollowersOnly ?? false,
    grantTtlDays: input.grantTtlDays ?? null,
    expiresAt: new Date(now.getTime() + CODE_TTL_MS),
    createdAt: now,
  });
  return code;
}

export class GrantError extends Error {}

/**
 * Exchanges a code for a token. Any failure is a GrantError whose message is the
 * error_description; the caller answers `invalid_grant`.
 */
export async function exchangeCode(
  ctx: Ctx,
  app: AppRow,
  input: { code: string; redirectUri: string; codeVerifier: string | undefined },
): Promise<IssuedToken> {
  if (!input.code || input.code.length > 200) throw new GrantError("The authorization code is invalid");
  const hash = sha256Hex(input.code);
  const [row] = await ctx.db.select().from(authorizationCodes).where(eq(authorizationCodes.codeHash, hash));
  // A code of another client is treated as unknown: it says nothing and revokes nothing.
  if (!row || row.appId !== app.id) throw new GrantError("The authorization code is invalid");
  if (row.usedAt) {
    if (row.tokenId) await revokeToken(ctx, row.tokenId);
    throw new GrantError("The authorization code has already been used; the token issued for it is revoked");
  }
  if (row.expiresAt.getTime() <= Date.now()) throw new GrantError("The authorization code has expired");
  if (row.redirectUri !== input.redirectUri) throw new GrantError("The redirect_uri does not match the one of the authorization request");
  if (row.codeChallenge) {
    const v = input.codeVerifier ?? "";
    if (!VERIFIER_RE.test(v) || !safeEqual(sha256Base64Url(v), row.codeChallenge)) throw new GrantError("The code_verifier does not match the code_challenge");
  } else if (input.codeVerifier) {
    // A verifier without a challenge suggests a downgrade: the request it came from had PKCE stripped.
    throw new GrantError("A code_verifier was given but the authorization request had no code_challenge");
  }
  const claimed = await ctx.db
    .update(authorizationCodes)
    .set({ usedAt: new Date() })
    .where(and(eq(authorizationCodes.codeHash, hash), isNull(authorizationCodes.usedAt)))
    .returning({ hash: authorizationCodes.codeHash });
  if (claimed.length === 0) throw new GrantError("The authorization code has already been used");
  const token = await issueToken(ctx, {
    appId: app.id,
    accountId: row.accountId,
    scopes: row.scopes.split(" "),
    withRefresh: true,
    narrowed: { noDirect: row.narrowNoDirect, noOthersFollowersOnly: row.narrowNoOthersPrivate },
    grantExpiresAt: row.grantTtlDays ? new Date(Date.now() + row.grantTtlDays * 86400_000) : null,
  });
  // A replay arriving between the claim and this update finds no token to revoke yet: that
  // window is a few milliseconds, and the replay itself still fails.
  await ctx.db.update(authorizationCodes).set({ tokenId: token.id }).where(eq(authorizationCodes.codeHash, hash));
  return token;
}
