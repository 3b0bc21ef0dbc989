// The terms of service and the privacy policy: versions the admins publish, a protective default
// while they have published none, and which version each person agreed to. A person whose agreed
// version is older than the current one is asked again (on the web; see src/web/terms.ts).
import { and, count, desc, eq, inArray } from "drizzle-orm";
import { domainBlocks, instanceSettings, termsVersions, userAgreements, users, TERMS_KINDS, type TermsKind } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { getSetting } from "./settings.ts";
import { DEFAULT_SUSPENDED_DOMAINS } from "./defaults.ts";
import { newId } from "../../lib/id.ts";

export type TermsDocument = {
  kind: TermsKind;
  /** null: the built-in default text, in force while no version is published */
  versionId: string | null;
  text: string;
  /** when this version took effect; for the default, when the server first started */
  effectiveAt: Date;
};

export const MAX_TERMS_CHARS = 100_000;

const FEDERATION_WORDS = {
  blocklist: "This server exchanges posts with every fediverse server except the ones its admins block.",
  allowlist: "This server exchanges posts only with servers its admins have approved (an allow-list).",
  approval: "A server new to us waits for approval by the admins before we exchange any posts with it.",
} as const;

async function firstStart(ctx: Ctx): Promise<Date> {
  const [row] = await ctx.db.select().from(instanceSettings).where(eq(instanceSettings.key, "defaults.v1"));
  const at = (row?.value as { at?: string } | undefined)?.at;
  return at ? new Date(at) : new Date();
}

/** Whether Meta's Threads is still suspended here; the default text only says so while it is. */
async function threadsSuspended(ctx: Ctx): Promise<boolean> {
  const rows = await ctx.db
    .select({ domain: domainBlocks.domain })
    .from(domainBlocks)
    .where(and(inArray(domainBlocks.domain, DEFAULT_SUSPENDED_DOMAINS), eq(domainBlocks.severity, "suspend")));
  return rows.length > 0;
}

/** The default texts. They forbid harvesting and state the federation policy as it is now. */
export async function defaultText(ctx: Ctx, kind: TermsKind): Promise<string> {
  const { instanceName: name, domain } = ctx.config;
  if (kind === "privacy") {
    return `This is the privacy policy of ${name} (${domain}). The people who run ${name} have not written their own yet; this one describes what the Caracol software does by default.

New posts go to your followers only, and new followers need your approval, unless you change that. Your followers and the people you follow are hidden. Search engines are asked not to index you.

Passwords are stored as argon2 hashes; access tokens and sessions as SHA-256 hashes. IP addresses are kept for a short time only, for handling abuse. Location and other metadata is removed from the images you upload.

Your posts are sent only to the servers of the people allowed to see them. Servers that harvest data, Meta's Threads among them, get nothing from this server.

You can see which apps have access to your account, and revoke them, on the page /settings/apps.`;
  }
  const [mode, threads] = await Promise.all([getSetting(ctx, "federationMode"), threadsSuspended(ctx)]);
  return `These are the terms of service of ${name} (${domain}). By using ${name}, through the web or an app, you agree to them.

# Rules

Follow the rules of this server (see /about) and the law. Do not use ${name} to harass people.

# No harvesting

You may not collect content or data from this server by automated means: no scraping, crawling or bulk downloading, whether through the web pages, the API, feeds or ActivityPub. The only exception is what a fediverse server does to deliver posts to its own users and show them as their authors addressed them.

You may not pass content or data from this server to third parties: not to data brokers, search or archive services, relays or "trust and safety" services, and not to anyone who did not receive it from its author. This includes handing over an access token to your account ("token donation"): whoever holds it reads everything it allows, including what others shared only with you.

You may not use content or data from this server to train or evaluate artificial intelligence or machine-learning models.

# Federation

${FEDERATION_WORDS[mode]}${threads ? " Meta's Threads is suspended: no posts, profiles or follows are exchanged with it." : ""} Apps identified as Meta's may not use this server. Servers we federate with must keep each post to the audience its author chose.

# Changes

When these terms change, you will be asked to agree to the new version.`;
}

export async function currentTerms(ctx: Ctx, kind: TermsKind): Promise<TermsDocument> {
  const [row] = await ctx.db.select().from(termsVersions).where(eq(termsVersions.kind, kind)).orderBy(desc(termsVersions.id)).limit(1);
  if (row) return { kind, versionId: row.id, text: row.text, effectiveAt: row.publishedAt };
  return { kind, versionId: null, text: await defaultText(ctx, kind), effectiveAt: await firstStart(ctx) };
}

/** Every published version of one kind, newest first. */
export async function termsHistory(ctx: Ctx, kind: TermsKind) {
  return ctx.db.select().from(termsVersions).where(eq(termsVersions.kind, kind)).orderBy(desc(termsVersions.id));
}

export async function publishTerms(ctx: Ctx, kind: TermsKind, text: string): Promise<string> {
  const clean = text.replace(/\r\n?/g, "\n").trim();
  if (!clean) throw new Error("the text is empty");
  if (clean.length > MAX_TERMS_CHARS) throw new Error(`the text is longer than ${MAX_TERMS_CHARS} characters`);
  const id = newId();
  await ctx.db.insert(termsVersions).values({ id, kind, text: clean, publishedAt: new Date() });
  return id;
}

/** Records that the person agrees to the current version of both documents. */
export async function recordAgreement(ctx: Ctx, accountId: string): Promise<void> {
  for (const kind of TERMS_KINDS) {
    const { versionId } = await currentTerms(ctx, kind);
    await ctx.db
      .insert(userAgreements)
      .values({ accountId, kind, versionId, agreedAt: new Date() })
      .onConflictDoUpdate({ target: [userAgreements.accountId, userAgreements.kind], set: { versionId, agreedAt: new Date() } });
  }
}

/**
 * The documents published since the person last agreed. While only the default texts apply,
 * nobody is asked (everyone agreed to them at sign-up, or was created by an admin).
 */
export async function outdatedAgreements(ctx: Ctx, accountId: string): Promise<TermsKind[]> {
  const agreed = await ctx.db.select().from(userAgreements).where(eq(userAgreements.accountId, accountId));
  const out: TermsKind[] = [];
  for (const kind of TERMS_KINDS) {
    const [latest] = await ctx.db.select({ id: termsVersions.id }).from(termsVersions).where(eq(termsVersions.kind, kind)).orderBy(desc(termsVersions.id)).limit(1);
    if (latest && agreed.find((a) => a.kind === kind)?.versionId !== latest.id) out.push(kind);
  }
  return out;
}

/** How many people a newly published version asks again: every active person. */
export async function activePeople(ctx: Ctx): Promise<number> {
  const [r] = await ctx.db.select({ n: count() }).from(users).where(and(eq(users.approved, true), eq(users.disabled, false)));
  return Number(r?.n ?? 0);
}
