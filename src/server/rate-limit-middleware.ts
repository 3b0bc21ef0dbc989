// Counts every request against the rate-limit rules it matches and answers 429 once one is
// exhausted. Runs before the routes (after the client address and IP blocks), so a flood
// costs one counter statement per request and no route work.
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../mastodon/env.ts";
import type { Ctx } from "../domain/context.ts";
import { RATE_LIMIT_RULES, type KeyKind, type RateLimitRule, type RequestFacts } from "../domain/abuse/rate-limit-rules.ts";
import { countRequest, type CountedRequest, type Decision } from "../domain/abuse/rate-limit.ts";
import { resolveToken } from "../domain/oauth/tokens.ts";
import { clientGroupKey, parseIp } from "../lib/ip.ts";
import { sha256Hex } from "../lib/crypto.ts";

const FEDERATED_PATHS = /^\/(users\/|actor$|inbox$|\.well-known\/webfinger)/;
const PAGING_PARAMS = ["max_id", "min_id", "since_id", "page", "offset"];
const TOKEN_CACHE_MS = 60_000;

type TokenFacts = { tokenId: string; accountId: string | null } | null;

/**
 * The token behind the request, for counting only (bearerAuth still decides access). Held per
 * process for a minute so that counting does not double the token lookups.
 */
async function tokenFacts(ctx: Ctx, c: Context<AppEnv>, now: number): Promise<TokenFacts> {
  const raw = c.req.header("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? c.req.query("access_token");
  if (!raw) return null;
  const key = `abuse:token:${sha256Hex(raw)}`;
  const hit = ctx.cache.get(key);
  if (hit && hit.until > now) return hit.value as TokenFacts;
  const info = await resolveToken(ctx, raw);
  const facts: TokenFacts = info ? { tokenId: info.tokenId, accountId: info.accountId } : null;
  ctx.cache.set(key, { value: facts, until: now + TOKEN_CACHE_MS });
  return facts;
}

/**
 * The server a federation request claims to come from: the host of its signature's key id
 * (the signature itself is checked later, by Fedify). The claim is paired with the source
 * network, so that someone naming a big server cannot use up that server's allowance.
 */
function claimedServer(c: Context<AppEnv>): string | null {
  const sig = c.req.header("signature") ?? c.req.header("signature-input") ?? "";
  const keyId = sig.match(/keyid="([^"]+)"/i)?.[1];
  if (!keyId) return null;
  try {
    return new URL(keyId).host.toLowerCase();
  } catch {
    return null;
  }
}

export function rateLimitMiddleware(rules: readonly RateLimitRule[] = RATE_LIMIT_RULES, now: () => number = Date.now): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const ctx = c.var.ctx;
    if (!ctx.config.rateLimits) return next();
    const at = now();
    const url = new URL(c.req.url);
    const token = url.pathname.startsWith("/api/") || url.pathname.startsWith("/oauth/") ? await tokenFacts(ctx, c, at) : null;
    const facts: RequestFacts = {
      method: c.req.method,
      path: url.pathname,
      paging: PAGING_PARAMS.some((p) => url.searchParams.has(p)),
      hasAccount: !!token?.accountId,
      hasToken: !!token,
      activityPub: FEDERATED_PATHS.test(url.pathname),
    };
    const addr = c.var.clientAddress ? parseIp(c.var.clientAddress) : null;
    const ip = addr ? clientGroupKey(addr) : "unknown";
    const subjects: Record<KeyKind, string | null> = {
      ip,
      token: token ? `token:${token.tokenId}` : null,
      account: token?.accountId ? `account:${token.accountId}` : null,
      server: facts.activityPub ? `${claimedServer(c) ?? "unsigned"} from ${ip}` : null,
    };
    const counted: CountedRequest[] = rules.flatMap((rule) => {
      const subject = rule.matches(facts) ? subjects[rule.key] : null;
      return subject ? [{ rule, subject }] : [];
    });
    const decisions = await countRequest(ctx, counted, at);
    const refused = decisions.filter((d) => !d.allowed).sort((a, b) => b.resetAt.getTime() - a.resetAt.getTime())[0];
    const api = url.pathname.startsWith("/api/");
    if (refused) {
      setHeaders(c, refused);
      c.header("Retry-After", String(Math.max(1, Math.ceil((refused.resetAt.getTime() - at) / 1000))));
      c.header("Cache-Control", "no-store");
      if (api || url.pathname.startsWith("/oauth/")) return c.json({ error: "Too many requests" }, 429);
      return c.text("Too many requests. Please wait a moment and try again.\n", 429);
    }
    await next();
    const tightest = decisions.sort((a, b) => a.remaining / a.limit - b.remaining / b.limit)[0];
    if (api && tightest) setHeaders(c, tightest);
  };
}

function setHeaders(c: Context<AppEnv>, d: Decision) {
  c.header("X-RateLimit-Limit", String(d.limit));
  c.header("X-RateLimit-Remaining", String(d.remaining));
  c.header("X-RateLimit-Reset", d.resetAt.toISOString());
}
