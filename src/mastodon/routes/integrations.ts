// Third-party integrations in the API: POST /api/v1/statuses/:id/translate (Mastodon's), and
// the admin's list and switch, GET /api/v1/caracol/admin/integrations and PUT .../:name (a
// Caracol extension). Each integration says exactly what it sends where (registry.ts).
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import type { Ctx } from "../../domain/context.ts";
import { requireUser } from "../auth.ts";
import { ApiError, forbidden, notFound, unprocessable } from "../errors.ts";
import { bodyParams, validate, zBool } from "../params.ts";
import { requireAdmin } from "./admin.ts";
import { findVisibleStatus } from "../entities/status.ts";
import { describeIntegration, INTEGRATIONS, isIntegrationName, type IntegrationName } from "../../domain/integrations/registry.ts";
import { IntegrationError, integrationState, setIntegration } from "../../domain/integrations/state.ts";
import { mayLeaveThroughIntegration } from "../../domain/integrations/send.ts";
import { translatePost } from "../../domain/integrations/translation.ts";
import { integrationTransport } from "../../server/integrations.ts";

async function entity(ctx: Ctx, name: IntegrationName) {
  const state = await integrationState(ctx, name);
  // Secrets stay on the server: an admin sees that a key is set, not the key.
  const options = Object.fromEntries(Object.entries(state.options).map(([k, v]) => [k, k === "api_key" ? "(set)" : v]));
  return { ...describeIntegration(INTEGRATIONS[name]), enabled: state.enabled, option_values: options };
}

const translateSchema = z.object({ lang: z.string().regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/, "is not a language code").optional() });
const putSchema = z.object({ enabled: zBool.optional(), options: z.record(z.string(), z.string().max(2000)).optional() });

export function integrationsRoutes() {
  const app = new Hono<AppEnv>();

  app.post("/v1/statuses/:id/translate", async (c) => {
    const { viewer } = requireUser(c, "read:statuses");
    const ctx = c.var.ctx;
    const p = validate(translateSchema, await bodyParams(c));
    let row = await findVisibleStatus(ctx, viewer, c.req.param("id"));
    if (row?.reblogOfId) row = await findVisibleStatus(ctx, viewer, row.reblogOfId);
    if (!row) throw notFound();
    // Mastodon answers 403 when translation is not configured, and for posts it will not send.
    if (!(await integrationState(ctx, "translation")).enabled) throw forbidden("Translation is not enabled on this server");
    if (!mayLeaveThroughIntegration(row)) throw forbidden("Only public posts can be translated: others never leave this server");
    const target = p.lang ?? "en";
    try {
      const t = await translatePost(ctx, integrationTransport(ctx), row, target);
      return c.json({ content: t.content, spoiler_text: t.spoilerText, detected_source_language: t.detectedSourceLanguage, language: target, media_attachments: [], poll: null, provider: t.provider });
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      if (e instanceof IntegrationError && e.kind === "refused") throw forbidden(e.message);
      // An unreachable or failing service is Mastodon's 503, whatever went wrong.
      throw new ApiError(503, "Service Unavailable");
    }
  });

  app.get("/v1/caracol/admin/integrations", async (c) => {
    await requireAdmin(c, "admin:read");
    return c.json(await Promise.all((Object.keys(INTEGRATIONS) as IntegrationName[]).map((n) => entity(c.var.ctx, n))));
  });

  app.get("/v1/caracol/admin/integrations/:name", async (c) => {
    await requireAdmin(c, "admin:read");
    const name = c.req.param("name");
    if (!isIntegrationName(name)) throw notFound();
    return c.json(await entity(c.var.ctx, name));
  });

  app.put("/v1/caracol/admin/integrations/:name", async (c) => {
    await requireAdmin(c, "admin:write");
    const name = c.req.param("name");
    if (!isIntegrationName(name)) throw notFound();
    const p = validate(putSchema, await bodyParams(c));
    const ctx = c.var.ctx;
    try {
      const enabled = p.enabled ?? (await integrationState(ctx, name)).enabled;
      await setIntegration(ctx, name, enabled, p.options ?? {});
    } catch (e) {
      if (e instanceof IntegrationError) throw unprocessable(e.message, { options: [{ error: "ERR_INVALID", description: e.message }] });
      throw e;
    }
    return c.json(await entity(ctx, name));
  });

  return app;
}
