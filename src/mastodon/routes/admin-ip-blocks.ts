// Mastodon's admin API for IP blocks: /api/v1/admin/ip_blocks. Admins (users.role) with the
// ip_blocks admin scopes only.
import { Hono, type Context } from "hono";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { ipBlocks } from "../../db/schema/index.ts";
import { finishPage, pageBy } from "../../db/paginate.ts";
import { parsePage, setLinkHeader } from "../pagination.ts";
import { bodyParams, validate, zId, zInt } from "../params.ts";
import { notFound, unprocessable } from "../errors.ts";
import { requireAdmin } from "./admin.ts";
import { createIpBlock, deleteIpBlock, IpBlockError, updateIpBlock, type IpBlock, type IpBlockInput } from "../../domain/abuse/ip-blocks.ts";

/** Mastodon's Admin::IpBlock. */
export function toAdminIpBlock(b: IpBlock) {
  return {
    id: b.id,
    ip: b.range,
    severity: b.severity,
    comment: b.comment,
    created_at: b.createdAt.toISOString(),
    expires_at: b.expiresAt?.toISOString() ?? null,
  };
}

const MAX_EXPIRES_IN = 10 * 365 * 24 * 3600;

const bodySchema = z.object({
  ip: z.string().max(100).optional(),
  severity: z.string().max(40).optional(),
  comment: z.string().max(1000).optional(),
  /** seconds from now; empty means no expiry */
  expires_in: z.union([zInt(1, MAX_EXPIRES_IN), z.literal("")]).optional(),
});

async function input(c: Context<AppEnv>): Promise<Partial<IpBlockInput>> {
  const p = validate(bodySchema, await bodyParams(c));
  const out: Partial<IpBlockInput> = {};
  if (p.ip !== undefined) out.range = p.ip;
  if (p.severity !== undefined) out.severity = p.severity;
  if (p.comment !== undefined) out.comment = p.comment;
  if (p.expires_in !== undefined) out.expiresAt = p.expires_in === "" ? null : new Date(Date.now() + p.expires_in * 1000);
  return out;
}

function invalid(e: unknown): never {
  if (e instanceof IpBlockError) throw unprocessable(`${e.field === "ip" ? "Ip" : e.field.charAt(0).toUpperCase() + e.field.slice(1)} ${e.message}`, { [e.field]: [{ error: e.message.includes("already") ? "ERR_TAKEN" : "ERR_INVALID", description: e.message }] });
  throw e;
}

async function byId(c: Context<AppEnv>): Promise<IpBlock> {
  const id = c.req.param("id") ?? "";
  const [row] = zId.safeParse(id).success ? await c.var.ctx.db.select().from(ipBlocks).where(eq(ipBlocks.id, id)) : [];
  if (!row) throw notFound();
  return row;
}

export function adminIpBlocksRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/v1/admin/ip_blocks", async (c) => {
    await requireAdmin(c, "admin:read:ip_blocks");
    const page = parsePage(c, 100, 200);
    const { where, orderBy, ascending } = pageBy(ipBlocks.id, page);
    const rows = finishPage(await c.var.ctx.db.select().from(ipBlocks).where(and(where)).orderBy(orderBy).limit(page.limit), ascending);
    setLinkHeader(c, { newest: rows[0]?.id, oldest: rows.at(-1)?.id });
    return c.json(rows.map(toAdminIpBlock));
  });

  app.get("/v1/admin/ip_blocks/:id", async (c) => {
    await requireAdmin(c, "admin:read:ip_blocks");
    return c.json(toAdminIpBlock(await byId(c)));
  });

  app.post("/v1/admin/ip_blocks", async (c) => {
    await requireAdmin(c, "admin:write:ip_blocks");
    const p = await input(c);
    if (!p.range) invalid(new IpBlockError("ip", "can't be blank"));
    if (!p.severity) invalid(new IpBlockError("severity", "can't be blank"));
    const row = await createIpBlock(c.var.ctx, p as IpBlockInput).catch(invalid);
    return c.json(toAdminIpBlock(row));
  });

  app.put("/v1/admin/ip_blocks/:id", async (c) => {
    await requireAdmin(c, "admin:write:ip_blocks");
    const old = await byId(c);
    const row = await updateIpBlock(c.var.ctx, old.id, await input(c)).catch(invalid);
    if (!row) throw notFound();
    return c.json(toAdminIpBlock(row));
  });

  app.delete("/v1/admin/ip_blocks/:id", async (c) => {
    await requireAdmin(c, "admin:write:ip_blocks");
    const old = await byId(c);
    await deleteIpBlock(c.var.ctx, old.id);
    return c.json({});
  });

  return app;
}
