// The allow-list (Mastodon's domain allows): the servers we federate with in allow-list and
// approval-first modes. An entry covers the domain and its subdomains (standing.ts matches
// parents). Every change forgets the cached standings so that it applies at once.
import { asc, eq } from "drizzle-orm";
import { domainAllows } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { newId } from "../../lib/id.ts";
import { forgetStandings, normalizeDomain } from "./standing.ts";

export type DomainAllow = typeof domainAllows.$inferSelect;

export class DomainError extends Error {}

// A host name (letters, digits, hyphens, dots; IDN in its punycode form) or an IP literal, as
// the other policy tables store them: lower case, no port, no scheme, no path.
const HOST = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/;

/** The domain as stored, or a DomainError saying why it is not one. */
export function parseDomain(input: string): string {
  let raw = input.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    try {
      raw = new URL(raw).host;
    } catch {
      throw new DomainError(`"${input}" is not a domain`);
    }
  }
  const domain = normalizeDomain(raw);
  if (!domain || !(HOST.test(domain) || IPV6.test(domain)) || /^[\d.]+$/.test(domain) !== /^\d+\.\d+\.\d+\.\d+$/.test(domain)) {
    throw new DomainError(`"${input}" is not a domain`);
  }
  return domain;
}

export async function listDomainAllows(ctx: Ctx): Promise<DomainAllow[]> {
  return ctx.db.select().from(domainAllows).orderBy(asc(domainAllows.id));
}

export async function domainAllowById(ctx: Ctx, id: string): Promise<DomainAllow | null> {
  const [row] = await ctx.db.select().from(domainAllows).where(eq(domainAllows.id, id));
  return row ?? null;
}

export async function domainAllowByDomain(ctx: Ctx, domain: string): Promise<DomainAllow | null> {
  const [row] = await ctx.db.select().from(domainAllows).where(eq(domainAllows.domain, parseDomain(domain)));
  return row ?? null;
}

/** Allows a domain; allowing it again returns the existing entry (as Mastodon does). */
export async function allowDomain(ctx: Ctx, input: string): Promise<DomainAllow> {
  const domain = parseDomain(input);
  await ctx.db.insert(domainAllows).values({ id: newId(), domain }).onConflictDoNothing();
  forgetStandings(ctx);
  const [row] = await ctx.db.select().from(domainAllows).where(eq(domainAllows.domain, domain));
  return row!;
}

/** Removes an entry; null when there was none. */
export async function disallowDomain(ctx: Ctx, input: string): Promise<DomainAllow | null> {
  const [row] = await ctx.db.delete(domainAllows).where(eq(domainAllows.domain, parseDomain(input))).returning();
  forgetStandings(ctx);
  return row ?? null;
}

export async function deleteDomainAllow(ctx: Ctx, id: string): Promise<DomainAllow | null> {
  const [row] = await ctx.db.delete(domainAllows).where(eq(domainAllows.id, id)).returning();
  forgetStandings(ctx);
  return row ?? null;
}
