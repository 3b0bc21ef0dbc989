// Remote media through our own URL. Handing apps a remote server's image URL makes every
// reader's app load it from that server, which then learns the reader's address and when they
// read; instead the API gives `/proxy/<token>`, and our server fetches the file (see
// src/web/media-proxy.ts). The token carries the remote URL and an HMAC over it, so the route
// only fetches URLs we issued: it is not an open proxy, and a token cannot be bent to another
// URL or to another kind of file.
import { createHmac, timingSafeEqual } from "node:crypto";
import { eq } from "drizzle-orm";
import { instanceSettings } from "../../db/schema/index.ts";
import { randomToken } from "../../lib/crypto.ts";
import type { Ctx } from "../context.ts";

/**
 * What a token may fetch: `m` an attachment (image, video or audio), `i` an image (avatars,
 * headers, emoji, link-card images). Part of the signed text, so an avatar token cannot be
 * replayed to fetch a video.
 */
export type ProxyKind = "m" | "i";

/** Rewrites one remote URL to our proxy URL (or returns it unchanged when the proxy is off). */
export type ProxyUrl = (url: string | null, kind: ProxyKind) => string | null;

const SECRET_SETTING = "mediaProxy.secret";
const KEY_CACHE = "mediaProxy.key";
const PURPOSE = "caracol media proxy v1";

/**
 * The HMAC key. The server secret is 32 random bytes made on first use and kept in
 * instance_settings (like the instance actor's keys), so every web process of one instance,
 * embedded or at scale, signs and checks alike; the key is derived from it for this one
 * purpose, so the secret can later serve other purposes without reusing a key.
 */
export async function proxyKey(ctx: Ctx): Promise<Buffer> {
  const hit = ctx.cache.get(KEY_CACHE);
  if (hit) return hit.value as Buffer;
  let [row] = await ctx.db.select().from(instanceSettings).where(eq(instanceSettings.key, SECRET_SETTING));
  if (!row) {
    // onConflictDoNothing then read back: two processes starting at once agree on one secret
    await ctx.db.insert(instanceSettings).values({ key: SECRET_SETTING, value: randomToken(32) }).onConflictDoNothing();
    [row] = await ctx.db.select().from(instanceSettings).where(eq(instanceSettings.key, SECRET_SETTING));
  }
  const key = createHmac("sha256", Buffer.from(String(row!.value), "base64url")).update(PURPOSE).digest();
  ctx.cache.set(KEY_CACHE, { value: key, until: Number.MAX_SAFE_INTEGER });
  return key;
}

function mac(key: Buffer, kind: ProxyKind, url: string): string {
  return createHmac("sha256", key).update(`${kind}\n${url}`).digest("base64url");
}

/** `<kind>.<hmac>.<base64url(url)>`: one path segment, no `/` or `%` to trip routers. */
export function signProxyToken(key: Buffer, kind: ProxyKind, url: string): string {
  return `${kind}.${mac(key, kind, url)}.${Buffer.from(url, "utf8").toString("base64url")}`;
}

/** The URL and kind a token stands for, or null when it is not one we signed. */
export function verifyProxyToken(key: Buffer, token: string): { kind: ProxyKind; url: string } | null {
  const m = token.match(/^([mi])\.([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]+)$/);
  if (!m) return null;
  const kind = m[1] as ProxyKind;
  const url = Buffer.from(m[3]!, "base64url").toString("utf8");
  const expected = Buffer.from(mac(key, kind, url));
  const given = Buffer.from(m[2]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return { kind, url };
}

/** Only absolute http(s) URLs of other servers are proxied; our own and odd ones pass as they are. */
function proxiable(url: string, origin: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === "https:" || u.protocol === "http:") && u.origin !== origin;
  } catch {
    return false;
  }
}

/**
 * The URL rewriter for one request's serializers. With CARACOL_MEDIA_PROXY off it is the
 * identity: apps then load remote media from its origin, as before (docs/PRIVACY.md).
 */
export async function remoteMediaUrls(ctx: Ctx): Promise<ProxyUrl> {
  const { origin, mediaProxy } = ctx.config;
  if (!mediaProxy) return (url) => url;
  const key = await proxyKey(ctx);
  return (url, kind) => (url !== null && proxiable(url, origin) ? `${origin}/proxy/${signProxyToken(key, kind, url)}` : url);
}
