// OAuth client applications. The client secret is shown once, at registration, and stored only
// as a SHA-256 hash, like access tokens.
import { eq } from "drizzle-orm";
import { apps } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { newId } from "../../lib/id.ts";
import { randomToken, safeEqual, sha256Hex } from "../../lib/crypto.ts";

export type AppRow = typeof apps.$inferSelect;

export const OOB_REDIRECT = "urn:ietf:wg:oauth:2.0:oob";

/** Schemes that run code or embed content in the browser: never a place to send a code to. */
const DANGEROUS_SCHEMES = new Set(["javascript:", "data:", "vbscript:", "file:", "blob:", "about:", "filesystem:"]);

/**
 * Why a redirect URI is refused, or null if it is acceptable. Allowed: the out-of-band URN,
 * http(s) URLs with a host, and private-use schemes of native apps (`myapp://cb`,
 * `com.example.app:/cb`, RFC 8252). Fragments are refused (RFC 6749 3.1.2).
 */
export function redirectUriProblem(uri: string): string | null {
  if (uri === OOB_REDIRECT) return null;
  if (uri.length > 2000) return "is too long";
  if (!/^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/.test(uri)) return "contains characters a URI may not have (RFC 3986)";
  if (uri.includes("#")) return "must not contain a fragment";
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "must be an absolute URI";
  }
  const scheme = url.protocol.toLowerCase();
  if (DANGEROUS_SCHEMES.has(scheme)) return "uses a forbidden scheme";
  if (!/^[a-z][a-z0-9+.-]*:$/.test(scheme)) return "must be an absolute URI";
  if ((scheme === "http:" || scheme === "https:") && !url.hostname) return "must name a host";
  if (url.username || url.password) return "must not contain credentials";
  return null;
}

/** Splits redirect_uris given as an array, or as one string separated by newlines or spaces. */
export function splitRedirectUris(input: string | string[]): string[] {
  const list = Array.isArray(input) ? input : [input];
  return [...new Set(list.flatMap((s) => s.split(/\s+/)).filter(Boolean))];
}

export async function registerApp(
  ctx: Ctx,
  input: { name: string; redirectUris: string[]; scopes: string[]; website: string | null; ownerAccountId: string | null },
): Promise<{ app: AppRow; clientSecret: string }> {
  const clientSecret = randomToken(32);
  const [app] = await ctx.db
    .insert(apps)
    .values({
      id: newId(),
      name: input.name,
      website: input.website,
      redirectUris: input.redirectUris.join("\n"),
      scopes: input.scopes.join(" "),
      clientId: randomToken(32),
      clientSecretHash: sha256Hex(clientSecret),
      ownerAccountId: input.ownerAccountId,
    })
    .returning();
  return { app, clientSecret };
}

export async function appByClientId(ctx: Ctx, clientId: string): Promise<AppRow | null> {
  if (!clientId || clientId.length > 200) return null;
  const [row] = await ctx.db.select().from(apps).where(eq(apps.clientId, clientId));
  return row ?? null;
}

export async function appById(ctx: Ctx, id: string): Promise<AppRow | null> {
  const [row] = await ctx.db.select().from(apps).where(eq(apps.id, id));
  return row ?? null;
}

/** The app whose id and secret these are, or null; compared in constant time. */
export async function authenticateClient(ctx: Ctx, clientId: string, clientSecret: string): Promise<AppRow | null> {
  const app = await appByClientId(ctx, clientId);
  if (!app || !clientSecret || clientSecret.length > 200) return null;
  return safeEqual(sha256Hex(clientSecret), app.clientSecretHash) ? app : null;
}

export const appRedirectUris = (app: AppRow) => app.redirectUris.split("\n").filter(Boolean);
export const appScopes = (app: AppRow) => app.scopes.split(" ").filter(Boolean);
