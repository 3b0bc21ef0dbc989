// One's own account: verify_credentials, update_credentials and preferences.
import { Hono, type Context } from "hono";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { users } from "../../db/schema/index.ts";
import { hasScope } from "../../domain/oauth/scopes.ts";
import { updateProfile } from "../../domain/accounts/profile.ts";
import type { ProfileAudience, ProfilePart } from "../../domain/audience/profile.ts";
import { serializeCredentialAccount } from "../entities/account.ts";
import { requireUser } from "../auth.ts";
import { bodyParams, validate, zBool } from "../params.ts";
import { notFound } from "../errors.ts";
import { act } from "../account-routes-helpers.ts";
import { fileParam, isMultipart, mediaService, uploadBodyLimit, uploadForm } from "./media.ts";
import { setProfileImages } from "../../domain/media/profile-images.ts";

/** verify_credentials also answers tokens that only have the `profile` scope (Mastodon 4.3). */
function requireProfileReader(c: Context<AppEnv>): string {
  const token = c.var.token;
  if (token?.accountId && hasScope(token.scopes, "profile")) return token.accountId;
  return requireUser(c, "read:accounts").accountId;
}

/** Rails-style `fields_attributes[0][name]` arrives as an object keyed by index; JSON as an array. */
const fieldsAttributes = z.preprocess(
  (v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.entries(v as Record<string, unknown>)
          .sort(([a], [b]) => Number(a) - Number(b))
          .map(([, x]) => x)
      : v,
  z.array(z.object({ name: z.string().optional().default(""), value: z.string().optional().default("") })).max(50),
);

const updateSchema = z.object({
  display_name: z.string().optional(),
  note: z.string().optional(),
  locked: zBool.optional(),
  bot: zBool.optional(),
  discoverable: zBool.optional(),
  indexable: zBool.optional(),
  hide_collections: zBool.optional(),
  fields_attributes: fieldsAttributes.optional(),
  source: z
    .object({
      privacy: z.enum(["public", "unlisted", "private", "direct"]).optional(),
      sensitive: zBool.optional(),
      language: z.string().regex(/^([a-z]{2,3})?$/, "is not a language code").nullable().optional(),
    })
    .optional(),
  caracol_profile_audiences: z.record(z.string(), z.string()).optional(),
  caracol_logged_out_access: z.enum(["all", "profiles", "none"]).optional(),
});

export function accountCredentialsRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/v1/accounts/verify_credentials", async (c) => {
    const me = requireProfileReader(c);
    const acc = await serializeCredentialAccount(c.var.ctx, me);
    if (!acc) throw notFound();
    return c.json(acc);
  });

  app.patch("/v1/accounts/update_credentials", uploadBodyLimit, async (c) => {
    const { accountId } = requireUser(c, "write:accounts");
    // Avatar and header arrive as files in a multipart form, read under the upload limit.
    const params = isMultipart(c) ? await uploadForm(c) : await bodyParams(c);
    const p = validate(updateSchema, params);
    const images = { avatar: await fileParam(params.avatar, "avatar"), header: await fileParam(params.header, "header") };
    // processed (metadata stripped) and stored before the profile update, which announces it
    await mediaService(setProfileImages(c.var.ctx, accountId, images));
    await act(() =>
      updateProfile(c.var.ctx, accountId, {
        displayName: p.display_name,
        note: p.note,
        locked: p.locked,
        bot: p.bot,
        discoverable: p.discoverable,
        indexable: p.indexable,
        hideCollections: p.hide_collections,
        // Mastodon drops rows left entirely blank, so a form can send empty slots.
        fields: p.fields_attributes?.filter((f) => f.name.trim() !== "" || f.value.trim() !== ""),
        defaultVisibility: p.source?.privacy,
        defaultSensitive: p.source?.sensitive,
        defaultLanguage: p.source?.language,
        profileAudiences: p.caracol_profile_audiences as Partial<Record<ProfilePart, ProfileAudience>> | undefined,
        loggedOutAccess: p.caracol_logged_out_access,
      }),
    );
    return c.json(await serializeCredentialAccount(c.var.ctx, accountId));
  });

  app.get("/v1/preferences", async (c) => {
    const { accountId } = requireUser(c, "read:accounts");
    const [u] = await c.var.ctx.db.select().from(users).where(eq(users.accountId, accountId));
    if (!u) throw notFound();
    return c.json({
      "posting:default:visibility": u.defaultVisibility,
      "posting:default:sensitive": u.defaultSensitive,
      "posting:default:language": u.defaultLanguage,
      "reading:expand:media": "default",
      "reading:expand:spoilers": u.expandSpoilers,
    });
  });

  return app;
}
