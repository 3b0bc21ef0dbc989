// Instance settings that admins change at run time. Stored as JSON in instance_settings; each
// has a zod schema and a protective default.
import { z } from "zod";
import { eq } from "drizzle-orm";
import { instanceSettings } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";

export const SETTINGS = {
  /** what logged-out visitors may see: everything people made public, profiles only, or nothing */
  loggedOutAccess: z.enum(["all", "profiles", "none"]).default("all"),
  /** RSS/Atom feeds of people's public posts; off for the site, and each person must turn theirs on too */
  feedsEnabled: z.boolean().default(false),
  description: z.string().max(5000).default("A Caracol community."),
  contactEmail: z.string().max(320).default(""),
  rules: z.array(z.string().max(1000)).max(100).default([]),
  /**
   * blocklist: everyone except blocked servers; allowlist: only servers in domain_allows;
   * approval: as allowlist, but a server not yet known waits for an admin instead of being refused
   */
  federationMode: z.enum(["blocklist", "allowlist", "approval"]).default("blocklist"),
  /** what happens to a server found federating with a domain we suspend */
  transitivePolicy: z.enum(["off", "warn", "restrict", "block"]).default("restrict"),
  /** how old (hours) a server's transitive scan may grow before the scheduled job scans it again */
  transitiveScanHours: z.number().int().min(1).max(24 * 30).default(24),
  /** who may read /api/v1/instance/domain_blocks (Mastodon: show_domain_blocks) */
  domainBlocksVisibility: z.enum(["none", "users", "all"]).default("none"),
  /** who may read /api/v1/instance/peers */
  peersVisibility: z.enum(["none", "users", "all"]).default("none"),
  /** list our domain rules (suspend/silence, obfuscated as chosen) in NodeInfo metadata */
  publishRulesInNodeinfo: z.boolean().default(false),
  /** our letter of introduction to servers in approval-first mode (NodeInfo metadata) */
  introduction: z.object({ text: z.string().max(2000), contact: z.string().max(320) }).default({ text: "", contact: "" }),
  /** client apps: open (any app not blocked) or allowlist (only apps an admin allowed) */
  appMode: z.enum(["open", "allowlist"]).default("open"),
  /** apps identified as Meta's, blocked unless an admin allows that one app (app-policy.ts) */
  metaApps: z
    .object({ names: z.array(z.string().min(1).max(100)).max(100), hosts: z.array(z.string().min(1).max(253)).max(100) })
    .default({
      names: ["Threads", "Instagram", "Facebook", "Meta"],
      hosts: ["threads.net", "threads.com", "instagram.com", "facebook.com", "meta.com"],
    }),
  /** third-party integrations (src/domain/integrations/): each off until an admin turns it on, with its options */
  integrations: z
    .record(z.string().max(50), z.object({ enabled: z.boolean(), enabledAt: z.iso.datetime().optional(), options: z.record(z.string().max(50), z.string().max(2000)) }))
    .default({}),
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.output<(typeof SETTINGS)[K]>;

const TTL_MS = 2000;

export async function getSetting<K extends SettingKey>(ctx: Ctx, key: K): Promise<SettingValue<K>> {
  const cacheKey = `setting:${key}`;
  const hit = ctx.cache.get(cacheKey);
  if (hit && hit.until > Date.now()) return hit.value as SettingValue<K>;
  const [row] = await ctx.db.select().from(instanceSettings).where(eq(instanceSettings.key, key));
  const parsed = SETTINGS[key].safeParse(row?.value);
  const value = (parsed.success ? parsed.data : SETTINGS[key].parse(undefined)) as SettingValue<K>;
  ctx.cache.set(cacheKey, { value, until: Date.now() + TTL_MS });
  return value;
}

export async function setSetting<K extends SettingKey>(ctx: Ctx, key: K, value: unknown): Promise<SettingValue<K>> {
  const parsed = SETTINGS[key].parse(value) as SettingValue<K>;
  await ctx.db
    .insert(instanceSettings)
    .values({ key, value: parsed })
    .onConflictDoUpdate({ target: instanceSettings.key, set: { value: parsed } });
  ctx.cache.delete(`setting:${key}`);
  return parsed;
}
