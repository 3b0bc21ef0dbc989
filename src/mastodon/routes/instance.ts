import { Hono } from "hono";
import { and, count, eq, isNull } from "drizzle-orm";
import type { AppEnv } from "../env.ts";
import type { Ctx } from "../../domain/context.ts";
import { accounts, customEmojis, users } from "../../db/schema/index.ts";
import { getSetting } from "../../domain/instance/settings.ts";
import { SOURCE_URL, VERSION_STRING } from "../../lib/version.ts";
import { defaultHeaderUrl } from "../../domain/accounts/urls.ts";
import { isIntegrationEnabled } from "../../domain/integrations/state.ts";

async function instanceFacts(ctx: Ctx) {
  const [description, contactEmail, rules] = await Promise.all([
    getSetting(ctx, "description"),
    getSetting(ctx, "contactEmail"),
    getSetting(ctx, "rules"),
  ]);
  // An unset contact falls back to the postmaster address every mail domain must have (RFC 5321).
  const email = contactEmail || `postmaster@${new URL(ctx.config.origin).hostname}`;
  return { description, contactEmail: email, rules: rules.map((text, i) => ({ id: String(i + 1), text, hint: "" })) };
}

function limits(ctx: Ctx) {
  return {
    statuses: { max_characters: ctx.config.maxStatusChars, max_media_attachments: 4, characters_reserved_per_url: 23 },
    media_attachments: {
      supported_mime_types: [] as string[],
      image_size_limit: 0,
      image_matrix_limit: 0,
      video_size_limit: 0,
      video_frame_rate_limit: 0,
      video_matrix_limit: 0,
    },
    polls: { max_options: 4, max_characters_per_option: 50, min_expiration: 300, max_expiration: 2629746 },
  };
}

export function instanceRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/v2/instance", async (c) => {
    const ctx = c.var.ctx;
    const { config } = ctx;
    const f = await instanceFacts(ctx);
    return c.json({
      domain: config.domain,
      title: config.instanceName,
      version: VERSION_STRING,
      source_url: SOURCE_URL,
      description: f.description,
      usage: { users: { active_month: 0 } },
      thumbnail: { url: defaultHeaderUrl(config.origin) },
      icon: [],
      languages: ["en"],
      configuration: {
        urls: { streaming: null, status: null, about: `${config.origin}/about`, privacy_policy: `${config.origin}/privacy`, terms_of_service: `${config.origin}/terms` },
        vapid: { public_key: "" },
        accounts: { max_featured_tags: 10, max_pinned_statuses: 5, max_display_name_length: 100, max_note_length: 2000, max_profile_fields: 6, profile_field_name_limit: 255, profile_field_value_limit: 255 },
        ...limits(ctx),
        translation: { enabled: await isIntegrationEnabled(ctx, "translation") },
        limited_federation: false,
      },
      registrations: {
        enabled: config.registrations !== "closed",
        approval_required: config.registrations === "approval",
        message: null,
        url: null,
      },
      api_versions: { mastodon: 6 },
      contact: { email: f.contactEmail, account: null },
      rules: f.rules,
    });
  });

  app.get("/v1/instance", async (c) => {
    const ctx = c.var.ctx;
    const { config } = ctx;
    const f = await instanceFacts(ctx);
    // Counts of people and posts are withheld from anonymous visitors: they are a harvester's
    // first index of which servers are worth scraping.
    const signedIn = c.var.viewer.kind === "local";
    let userCount = 0;
    if (signedIn) {
      const [r] = await ctx.db.select({ n: count() }).from(accounts).innerJoin(users, eq(users.accountId, accounts.id)).where(and(isNull(accounts.domain), eq(users.approved, true)));
      userCount = r.n;
    }
    return c.json({
      uri: config.domain,
      title: config.instanceName,
      short_description: f.description,
      description: f.description,
      email: f.contactEmail,
      version: VERSION_STRING,
      urls: { streaming_api: `${config.origin.replace(/^http/, "ws")}` },
      stats: { user_count: userCount, status_count: 0, domain_count: 0 },
      thumbnail: defaultHeaderUrl(config.origin),
      languages: ["en"],
      registrations: config.registrations !== "closed",
      approval_required: config.registrations === "approval",
      invites_enabled: false,
      configuration: { accounts: { max_featured_tags: 10 }, ...limits(ctx) },
      contact_account: null,
      rules: f.rules,
    });
  });

  app.get("/v1/instance/rules", async (c) => c.json((await instanceFacts(c.var.ctx)).rules));

  app.get("/v1/custom_emojis", async (c) => {
    const rows = await c.var.ctx.db.select().from(customEmojis).where(isNull(customEmojis.domain));
    return c.json(
      rows.map((e) => ({ shortcode: e.shortcode, url: e.url, static_url: e.staticUrl, visible_in_picker: e.visibleInPicker, category: e.category })),
    );
  });

  return app;
}
