// Changing one's own profile and posting defaults (update_credentials). Everything is checked
// before anything is written, and written in one transaction: a refused change changes nothing.
import { eq } from "drizzle-orm";
import { accounts, users } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { formatNote } from "../statuses/format.ts";
import { PROFILE_AUDIENCES, PROFILE_PARTS, type ProfileAudience, type ProfilePart } from "../audience/profile.ts";
import type { LoggedOutAccess } from "../audience/gate.ts";
import { AccountError } from "./create.ts";

export const PROFILE_LIMITS = Object.freeze({ displayName: 100, note: 2000, fields: 6, fieldName: 255, fieldValue: 255 });

export type DefaultVisibility = "public" | "unlisted" | "private" | "direct";

export type ProfileUpdate = {
  displayName?: string;
  note?: string;
  locked?: boolean;
  bot?: boolean;
  discoverable?: boolean;
  indexable?: boolean;
  fields?: { name: string; value: string }[];
  defaultVisibility?: DefaultVisibility;
  defaultSensitive?: boolean;
  defaultLanguage?: string | null;
  profileAudiences?: Partial<Record<ProfilePart, ProfileAudience>>;
  loggedOutAccess?: LoggedOutAccess;
  /** Mastodon's "hide your network": only ever narrows (see below) */
  hideCollections?: boolean;
};

const chars = (s: string) => [...s].length;

function check(u: ProfileUpdate): void {
  if (u.displayName !== undefined && chars(u.displayName) > PROFILE_LIMITS.displayName)
    throw new AccountError("display_name", `is too long (maximum is ${PROFILE_LIMITS.displayName} characters)`);
  if (u.note !== undefined && chars(u.note) > PROFILE_LIMITS.note) throw new AccountError("note", `is too long (maximum is ${PROFILE_LIMITS.note} characters)`);
  if (u.fields) {
    if (u.fields.length > PROFILE_LIMITS.fields) throw new AccountError("fields", `too many (maximum is ${PROFILE_LIMITS.fields})`);
    for (const f of u.fields) {
      if (chars(f.name) > PROFILE_LIMITS.fieldName) throw new AccountError("fields", `name is too long (maximum is ${PROFILE_LIMITS.fieldName} characters)`);
      if (chars(f.value) > PROFILE_LIMITS.fieldValue) throw new AccountError("fields", `value is too long (maximum is ${PROFILE_LIMITS.fieldValue} characters)`);
    }
  }
  for (const [part, audience] of Object.entries(u.profileAudiences ?? {})) {
    if (!(PROFILE_PARTS as readonly string[]).includes(part)) throw new AccountError("caracol_profile_audiences", `has an unknown part: ${part}`);
    if (!(PROFILE_AUDIENCES as readonly string[]).includes(audience)) throw new AccountError("caracol_profile_audiences", `has an unknown audience: ${audience}`);
  }
}

/** Field values render like a one-line bio: links, mentions and hashtags, no paragraphs. */
async function fieldValueHtml(ctx: Ctx, value: string): Promise<string> {
  const html = await formatNote(ctx, value.replace(/\s*[\r\n]+\s*/g, " "));
  return html.replace(/^<p>/, "").replace(/<\/p>$/, "");
}

export async function updateProfile(ctx: Ctx, accountId: string, u: ProfileUpdate): Promise<void> {
  check(u);
  const accountSet: Partial<typeof accounts.$inferInsert> = { updatedAt: new Date() };
  if (u.displayName !== undefined) accountSet.displayName = u.displayName.trim();
  if (u.note !== undefined) {
    accountSet.noteSource = u.note;
    accountSet.note = await formatNote(ctx, u.note);
  }
  if (u.locked !== undefined) accountSet.locked = u.locked;
  if (u.bot !== undefined) accountSet.bot = u.bot;
  if (u.discoverable !== undefined) accountSet.discoverable = u.discoverable;
  if (u.indexable !== undefined) accountSet.indexable = u.indexable;
  if (u.fields !== undefined) {
    accountSet.fields = await Promise.all(
      u.fields.map(async (f) => ({ name: f.name.trim(), value: await fieldValueHtml(ctx, f.value.trim()), valueSource: f.value.trim() })),
    );
  }

  const userSet: Partial<typeof users.$inferInsert> = {};
  if (u.defaultVisibility !== undefined) userSet.defaultVisibility = u.defaultVisibility;
  if (u.defaultSensitive !== undefined) userSet.defaultSensitive = u.defaultSensitive;
  if (u.defaultLanguage !== undefined) userSet.defaultLanguage = u.defaultLanguage || null;

  await ctx.db.transaction(async (tx) => {
    await tx.update(accounts).set(accountSet).where(eq(accounts.id, accountId));
    const privacyChanges: Record<string, string> = {};
    for (const [part, audience] of Object.entries(u.profileAudiences ?? {})) privacyChanges[`profile.${part}`] = audience;
    // Mastodon apps send hide_collections with every profile save; honouring `false` would
    // widen the social graph without anyone asking for it, so only `true` is applied.
    if (u.hideCollections === true) {
      for (const part of ["followers", "following"]) privacyChanges[`profile.${part}`] ??= "self";
    }
    if (u.loggedOutAccess !== undefined) privacyChanges.loggedOutAccess = u.loggedOutAccess;
    if (Object.keys(privacyChanges).length) {
      const [row] = await tx.select({ privacy: users.privacy }).from(users).where(eq(users.accountId, accountId));
      userSet.privacy = { ...(row?.privacy ?? {}), ...privacyChanges };
    }
    if (Object.keys(userSet).length) await tx.update(users).set(userSet).where(eq(users.accountId, accountId));
  });
  await ctx.events.emit({ type: "account.updated", accountId });
}
