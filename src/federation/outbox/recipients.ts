// Who gets an activity. The audience gate decides, per remote account, never a rule of our own:
// the outbox gathers candidates (followers, mentioned accounts, ...), asks `mayReceive` for each
// (callers pass a gate question), and keeps one inbox per server (the shared inbox when there is
// one). Servers we do not exchange data with get nothing, whatever the gate says about content:
// the account's domain and the inbox's host are both checked, so that an account on an allowed
// domain cannot route our activities to a suspended one by declaring an inbox there.
import dns from "node:dns";
import net from "node:net";
import { and, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import { accounts, follows } from "../../db/schema/index.ts";
import type { Ctx } from "../../domain/context.ts";
import type { ServerStanding, Viewer } from "../../domain/audience/viewer.ts";
import { serverStanding } from "../../domain/federation-policy/standing.ts";
import { isPublicAddress } from "../fetch/index.ts";

export type Candidate = { id: string; uri: string; domain: string; inboxUrl: string | null; sharedInboxUrl: string | null };
export type RemoteViewer = Extract<Viewer, { kind: "remote" }>;
/** One inbox, the actor we send there for, and how we stand with its server. */
export type Delivery = { inbox: URL; actorId: URL; standing: ServerStanding };
export type Refusal = { inbox: string; actorId: string };

const candidateColumns = {
  id: accounts.id,
  uri: accounts.uri,
  domain: accounts.domain,
  inboxUrl: accounts.inboxUrl,
  sharedInboxUrl: accounts.sharedInboxUrl,
};

/** The remote, unsuspended accounts among `ids`. */
export async function remoteAccounts(ctx: Ctx, ids: readonly (string | null | undefined)[]): Promise<Candidate[]> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  if (wanted.length === 0) return [];
  const rows = await ctx.db
    .select(candidateColumns)
    .from(accounts)
    .where(and(inArray(accounts.id, wanted), isNotNull(accounts.domain), isNull(accounts.suspendedAt)));
  return rows as Candidate[];
}

/** The remote, unsuspended accounts that follow `accountId`. */
export async function remoteFollowers(ctx: Ctx, accountId: string): Promise<Candidate[]> {
  const rows = await ctx.db
    .select(candidateColumns)
    .from(follows)
    .innerJoin(accounts, eq(accounts.id, follows.accountId))
    .where(and(eq(follows.targetAccountId, accountId), isNotNull(accounts.domain), isNull(accounts.suspendedAt)));
  return rows as Candidate[];
}

/** Servers we may send to at all: not suspended, not waiting for approval. */
export function exchangesWith(standing: ServerStanding): boolean {
  return standing !== "blocked" && standing !== "pending";
}

const NARROWING: readonly ServerStanding[] = ["allowed", "limited", "restricted", "pending", "blocked"];
const narrower = (a: ServerStanding, b: ServerStanding) => (NARROWING.indexOf(a) >= NARROWING.indexOf(b) ? a : b);

const ADDRESS_TTL_MS = 60_000;

/**
 * Whether we may POST to `url`. Fedify's delivery does not check addresses itself, so an inbox
 * on loopback, the LAN or a cloud metadata address is refused here (unless allowPrivateAddress,
 * for tests). The name is resolved now; a DNS answer that changes before Fedify posts is not
 * caught (the fetch-side checks of src/federation/fetch/ apply to GETs only). A name that does
 * not resolve is refused too: we cannot tell where it would lead.
 */
export async function inboxAllowed(ctx: Ctx, url: URL): Promise<boolean> {
  if (url.protocol !== "https:" && url.protocol !== "http:") return false;
  if (url.username || url.password) return false;
  if (ctx.config.allowPrivateAddress) return true;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (net.isIP(host)) return isPublicAddress(host);
  const key = `inbox-address:${host.toLowerCase()}`;
  const hit = ctx.cache.get(key);
  if (hit && hit.until > Date.now()) return hit.value as boolean;
  let ok: boolean;
  try {
    const found = await dns.promises.lookup(host, { all: true, verbatim: true });
    ok = found.length > 0 && found.every((a) => isPublicAddress(a.address));
  } catch {
    ok = false;
  }
  ctx.cache.set(key, { value: ok, until: Date.now() + ADDRESS_TTL_MS });
  return ok;
}

/**
 * One delivery per inbox that at least one candidate may receive through. Candidates sharing
 * an inbox are asked in turn until one may: a server gets the activity when any of its accounts
 * may see it, and it is the same activity for all of them.
 */
export async function deliveriesFor(
  ctx: Ctx,
  candidates: readonly Candidate[],
  mayReceive: (viewer: RemoteViewer, candidate: Candidate) => Promise<boolean>,
): Promise<{ deliveries: Delivery[]; refused: Refusal[] }> {
  const byInbox = new Map<string, Candidate[]>();
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    const inbox = c.sharedInboxUrl || c.inboxUrl;
    if (!inbox) continue;
    byInbox.set(inbox, [...(byInbox.get(inbox) ?? []), c]);
  }
  const deliveries: Delivery[] = [];
  const refused: Refusal[] = [];
  for (const [inbox, group] of byInbox) {
    let url: URL;
    try {
      url = new URL(inbox);
    } catch {
      refused.push({ inbox, actorId: group[0].uri });
      continue;
    }
    const inboxStanding = await serverStanding(ctx, url.host);
    if (!exchangesWith(inboxStanding)) continue;
    let chosen: { c: Candidate; standing: ServerStanding } | null = null;
    for (const c of group) {
      // the gate hears the narrower of the two standings: the content goes to the inbox's server
      const standing = narrower(await serverStanding(ctx, c.domain), inboxStanding);
      if (!exchangesWith(standing)) continue;
      if (await mayReceive({ kind: "remote", accountId: c.id, domain: c.domain, standing }, c)) {
        chosen = { c, standing };
        break;
      }
    }
    if (!chosen) continue;
    if (!(await inboxAllowed(ctx, url))) {
      refused.push({ inbox, actorId: chosen.c.uri });
      continue;
    }
    deliveries.push({ inbox: url, actorId: new URL(chosen.c.uri), standing: chosen.standing });
  }
  return { deliveries, refused };
}
