// Mastodon's admin API for domain allows (/api/v1/admin/domain_allows), answering
// Admin::DomainAllow: the allow-list of allow-list and approval-first modes. An entry covers
// the domain's subdomains. Admins only, with the admin:read:domain_allows /
// admin:write:domain_allows scopes.
import { Hono, type Context } from "hono";
import { and } from "drizzle-orm";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { domainAllows } from "../../db/schema/index.ts";
import { finishPage, pageBy } from "../../db/paginate.ts";
import { parsePage, setLinkHeader } from "../pagination.ts";
import { bodyParams, validate, zId } from "../params.ts";
import { notFound, unprocessable } from "../errors.ts";
import { requireAdmin } from "./admin.ts";
import { allowDomain, deleteDomainAllow, domainAllowById, DomainError, type DomainAllow } from "../../domain/federation-policy/allows.ts";

export function adminDomainAllow(r: DomainAllow) {
  return { id: r.id, domain: r.domain, created_at: r.createdAt.toISOString() };
}

const createSchema = z.object({ domain: z.string().min(1).max(253) });

async function loadAllow(c: Context<AppEnv>): Promise<DomainAllow> {
  const id = c.req.param("id") ?? "";
  const row = zId.safeParse(id).success ? await domainAllowById(c.var.ctx, id) : null;
  if (!row) throw notFound();
  return row;
}

export function adminDomainAllowsRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/v1/admin/domain_allows", async (c) => {
    await requireAdmin(c, "admin:read:domain_allows");
    const page = parsePage(c, 100, 200);
    const { where, orderBy, ascending } = pageBy(domainAllows.id, page);
    const rows = await c.var.ctx.db.select().from(domainAllows).where(and(where)).orderBy(orderBy).limit(page.limit);
    const ordered = finishPage(rows, ascending);
    setLinkHeader(c, { newest: ordered[0]?.id, oldest: ordered.at(-1)?.id });
    return c.json(ordered.map(adminDomainAllow));
  });

  app.get("/v1/admin/domain_allows/:id", async (c) => {
    await requireAdmin(c, "admin:read:domain_allows");
    return c.json(adminDomainAllow(await loadAllow(c)));
  });

  app.post("/v1/admin/domain_allows", async (c) => {
    await requireAdmin(c, "admin:write:domain_allows");
    const p = validate(createSchema, await bodyParams(c));
    try {
      return c.json(adminDomainAllow(await allowDomain(c.var.ctx, p.domain)));
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      throw unprocessable(e.message, { domain: [{ error: "ERR_INVALID", description: e.message }] });
    }
  });

  app.delete("/v1/admin/domain_allows/:id", async (c) => {
    await requireAdmin(c, "admin:write:domain_allows");
    const row = await loadAllow(c);
    await deleteDomainAllow(c.var.ctx, row.id);
    return c.json({});
  });

  return app;
}
