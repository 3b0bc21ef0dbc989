// Records the reads scraping detection needs (classify.ts says which), applies the throttles
// admins set from alerts, and lets detection look at the client. Runs right after the rate
// limiter, so a request it refused leaves no record and costs nothing here.
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../mastodon/env.ts";
import type { Ctx } from "../domain/context.ts";
import type { ScheduledJob } from "./jobs.ts";
import { classifyRead } from "../domain/abuse/detection/classify.ts";
import { recordRead, purgeDetectionData, type Client } from "../domain/abuse/detection/records.ts";
import { afterRead } from "../domain/abuse/detection/detect.ts";
import { THROTTLE_RULE, throttleFor } from "../domain/abuse/detection/responses.ts";
import { countRequest } from "../domain/abuse/rate-limit.ts";
import { resolveToken } from "../domain/oauth/tokens.ts";
import { clientGroupKey, parseIp } from "../lib/ip.ts";
import { sha256Hex } from "../lib/crypto.ts";
import { appLogger } from "../lib/logging.ts";

const TOKEN_CACHE_MS = 60_000;

/**
 * The token's ids. Shares the rate limiter's per-process cache entry (same key and shape), so
 * a request costs at most one token lookup for both.
 */
async function tokenOf(ctx: Ctx, c: Context<AppEnv>, now: number): Promise<{ tokenId: string; accountId: string | null } | null> {
  const raw = c.req.header("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? c.req.query("access_token");
  if (!raw) return null;
  const key = `abuse:token:${sha256Hex(raw)}`;
  const hit = ctx.cache.get(key);
  if (hit && hit.until > now) return hit.value as { tokenId: string; accountId: string | null } | null;
  const info = await resolveToken(ctx, raw);
  const facts = info ? { tokenId: info.tokenId, accountId: info.accountId } : null;
  ctx.cache.set(key, { value: facts, until: now + TOKEN_CACHE_MS });
  return facts;
}

function signingServer(c: Context<AppEnv>): string | null {
  const keyId = (c.req.header("signature") ?? c.req.header("signature-input") ?? "").match(/keyid="([^"]+)"/i)?.[1];
  try {
    return keyId ? new URL(keyId).host.toLowerCase() : null;
  } catch {
    return null;
  }
}

export function accessRecorderMiddleware(now: () => number = Date.now): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const ctx = c.var.ctx;
    const url = new URL(c.req.url);
    const server = signingServer(c);
    const read = classifyRead(c.req.method, url, server !== null);
    const at = now();
    const addr = c.var.clientAddress ? parseIp(c.var.clientAddress) : null;
    const client: Client = { ip: addr ? clientGroupKey(addr) : null, tokenId: null, accountId: null, server: read && url.pathname.startsWith("/users/") ? server : null };
    const token = url.pathname.startsWith("/api/") ? await tokenOf(ctx, c, at) : null;
    client.tokenId = token?.tokenId ?? null;
    client.accountId = token?.accountId ?? null;

    const throttled = await throttleFor(ctx, client, at);
    if (throttled) {
      const [d] = await countRequest(ctx, [{ rule: THROTTLE_RULE, subject: throttled }], at);
      if (d && !d.allowed) {
        c.header("Retry-After", String(Math.max(1, Math.ceil((d.resetAt.getTime() - at) / 1000))));
        c.header("Cache-Control", "no-store");
        if (url.pathname.startsWith("/api/")) return c.json({ error: "Too many requests" }, 429);
        return c.text("Too many requests. Please wait a moment and try again.\n", 429);
      }
    }
    await next();
    if (!read) return;
    const status = c.res.status;
    // Misses count when walking ids (a harvester probes gaps); ActivityPub only once the
    // signature was accepted, so a forged keyId cannot pin reads on another server.
    if (!(status >= 200 && status < 300) && !(status === 404 && !client.server)) return;
    try {
      await recordRead(ctx, client, read, new Date(at));
      await afterRead(ctx, client, at);
    } catch (err) {
      // detection must never fail a read that was already answered
      appLogger.error("Scraping detection failed for {path}: {error}", { path: url.pathname, error: err });
    }
  };
}

/** Drops reads past the longest rule window, and everything past the address retention window. */
export const purgeDetectionJob: ScheduledJob = {
  name: "purge scraping-detection records",
  everyMs: 5 * 60_000,
  run: async (ctx) => {
    await purgeDetectionData(ctx);
  },
};
