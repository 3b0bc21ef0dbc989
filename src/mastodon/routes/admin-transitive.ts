// Caracol's admin API for transitive defederation (not part of Mastodon's). Admins only, with
// admin:read / admin:write.
//
// GET    /api/v1/caracol/admin/servers                  every scanned server (federating first)
// GET    /api/v1/caracol/admin/servers/:domain          one; 404 if never scanned
// POST   /api/v1/caracol/admin/servers/:domain/scan     scans now, answers the server
// PUT    /api/v1/caracol/admin/servers/:domain/override {action: exempt|warn|restrict|block, comment?}
// DELETE /api/v1/caracol/admin/servers/:domain/override back to the instance's transitive policy
//
// A server: { domain, verdict: federates|clean|unknown, evidence: [{source, url, status, at,
//   found: [domain], note?}], published_blocks: [domain | "sha256:<hex>"] | null,
//   published_policy: object | null, scanned_at, override: {action, comment} | null,
//   action (what the transitive policy does to it), standing, reasons: [string] }
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { TRANSITIVE_OVERRIDES } from "../../db/schema/index.ts";
import { bodyParams, validate } from "../params.ts";
import { notFound, unprocessable } from "../errors.ts";
import { requireAdmin } from "./admin.ts";
import { normalizeDomain } from "../../domain/federation-policy/standing.ts";
import { clearOverride, scannedServer, scannedServers, setOverride, type ScannedServer } from "../../domain/federation-policy/transitive-servers.ts";
import { scanServer } from "../../federation/policy-scan/scan.ts";

function toJson(s: ScannedServer) {
  return {
    domain: s.domain,
    verdict: s.verdict,
    evidence: s.evidence,
    published_blocks: s.publishedBlocks,
    published_policy: s.publishedPolicy,
    scanned_at: s.scannedAt?.toISOString() ?? null,
    override: s.override,
    action: s.action,
    standing: s.standing,
    reasons: s.reasons,
  };
}

const DOMAIN = /^[a-z0-9.-]+(:\d+)?$|^\[[0-9a-f:]+\](:\d+)?$/;

function domainParam(c: Context<AppEnv>): string {
  const raw = (c.req.param("domain") ?? "").trim().toLowerCase();
  if (!DOMAIN.test(raw) || raw.length > 253) throw unprocessable("domain is not a server name", { domain: [{ error: "ERR_INVALID", description: "not a server name" }] });
  return normalizeDomain(raw);
}

const overrideSchema = z.object({ action: z.enum(TRANSITIVE_OVERRIDES), comment: z.string().max(1000).optional() });

export function adminTransitiveRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/v1/caracol/admin/servers", async (c) => {
    await requireAdmin(c, "admin:read");
    return c.json((await scannedServers(c.var.ctx)).map(toJson));
  });

  app.get("/v1/caracol/admin/servers/:domain", async (c) => {
    await requireAdmin(c, "admin:read");
    const server = await scannedServer(c.var.ctx, domainParam(c));
    if (!server) throw notFound();
    return c.json(toJson(server));
  });

  app.post("/v1/caracol/admin/servers/:domain/scan", async (c) => {
    await requireAdmin(c, "admin:write");
    const domain = domainParam(c);
    await scanServer(c.var.ctx, domain);
    return c.json(toJson((await scannedServer(c.var.ctx, domain))!));
  });

  app.put("/v1/caracol/admin/servers/:domain/override", async (c) => {
    await requireAdmin(c, "admin:write");
    const domain = domainParam(c);
    const p = validate(overrideSchema, await bodyParams(c));
    await setOverride(c.var.ctx, domain, p.action, p.comment ?? null);
    const server = await scannedServer(c.var.ctx, domain);
    return c.json(server ? toJson(server) : { domain, override: { action: p.action, comment: p.comment ?? null } });
  });

  app.delete("/v1/caracol/admin/servers/:domain/override", async (c) => {
    await requireAdmin(c, "admin:write");
    const domain = domainParam(c);
    if (!(await clearOverride(c.var.ctx, domain))) throw notFound();
    const server = await scannedServer(c.var.ctx, domain);
    return c.json(server ? toJson(server) : { domain, override: null });
  });

  return app;
}
