// user@domain -> account, through WebFinger. safeFetch rather than Fedify's lookupWebFinger:
// the address checks and limits stay ours, and Fedify only speaks https, which loopback tests
// cannot offer (with CARACOL_ALLOW_PRIVATE_ADDRESS, plain http is tried after https).
import { and, sql } from "drizzle-orm";
import { accounts } from "../db/schema/index.ts";
import { safeFetch, userAgentFor } from "./fetch/index.ts";
import { httpUrl } from "./mappers/common.ts";
import { resolveLogger as logger, type FedCtx } from "./resolve-context.ts";
import { isBlockedHost, resolveRemoteAccount, ACCOUNT_TTL_MS, type AccountRow } from "./resolve.ts";

const HANDLE = /^@?([^@\s/:?#]+)@([a-z0-9.-]+(?::\d{1,5})?)$/i;
const SELF_TYPES = ["application/activity+json", 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"', "application/ld+json"];

type Jrd = { subject?: unknown; links?: { rel?: unknown; type?: unknown; href?: unknown }[] };

async function webfinger(fctx: FedCtx, username: string, domain: string): Promise<string | null> {
  const { config } = fctx.data;
  const schemes = config.allowPrivateAddress ? ["https", "http"] : ["https"];
  for (const scheme of schemes) {
    const url = `${scheme}://${domain}/.well-known/webfinger?resource=${encodeURIComponent(`acct:${username}@${domain}`)}`;
    try {
      const res = await safeFetch(url, {
        allowPrivateAddress: config.allowPrivateAddress,
        userAgent: userAgentFor(config.origin),
        accept: "application/jrd+json, application/json",
        timeoutMs: 5_000,
        maxBytes: 64 * 1024,
      });
      if (!res.ok) {
        logger.info("WebFinger {url} answered {status}", { url, status: res.status });
        return null;
      }
      const jrd = res.json() as Jrd;
      for (const link of Array.isArray(jrd.links) ? jrd.links : []) {
        if (link?.rel !== "self" || typeof link.type !== "string" || !SELF_TYPES.includes(link.type)) continue;
        const href = httpUrl(typeof link.href === "string" ? link.href : null);
        if (href !== null) return href;
      }
      return null;
    } catch (error) {
      logger.info("WebFinger {url} failed: {error}", { url, error: String(error) });
    }
  }
  return null;
}

/** The account for `user@domain` (a leading @ is fine): ours, stored and fresh, or looked up. */
export async function resolveHandle(fctx: FedCtx, handle: string): Promise<AccountRow | null> {
  const ctx = fctx.data;
  const m = HANDLE.exec(handle.trim());
  if (!m) return null;
  const username = m[1];
  const domain = m[2].toLowerCase();
  const localDomain = ctx.config.domain.toLowerCase();
  const where = and(
    sql`lower(${accounts.username}) = lower(${username})`,
    domain === localDomain ? sql`${accounts.domain} is null` : sql`lower(${accounts.domain}) = ${domain}`,
  );
  const [known] = await ctx.db.select().from(accounts).where(where);
  if (domain === localDomain) return known ?? null;
  if (await isBlockedHost(ctx, domain)) return null;
  if (known && Date.now() - known.updatedAt.getTime() < ACCOUNT_TTL_MS) return known;
  const actorUri = await webfinger(fctx, username, domain);
  if (actorUri === null) return known ?? null;
  const account = await resolveRemoteAccount(fctx, actorUri, { refresh: true });
  return account ?? known ?? null;
}

