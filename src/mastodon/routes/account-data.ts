// A person's own data: their sign-in history and exports of what they keep here. Only the
// account's own token (with a read scope) reaches it; nothing here is about anyone else.
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { requireUser } from "../auth.ts";
import { listSignIns } from "../../domain/privacy/sign-ins.ts";
import { exportCsv, isCsvExport } from "../../domain/privacy/export-csv.ts";
import { buildArchive } from "../../federation/account-archive.ts";
import { notFound } from "../errors.ts";

export function accountDataRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/v1/caracol/sign_ins", async (c) => {
    const { accountId } = requireUser(c, "read:accounts");
    const rows = await listSignIns(c.var.ctx, accountId);
    c.header("Cache-Control", "no-store");
    return c.json(
      rows.map((r) => ({
        id: r.id,
        created_at: r.at.toISOString(),
        method: r.method,
        app_name: r.appName,
        device: r.device,
        user_agent: r.userAgent,
        ip: r.ip,
      })),
    );
  });

  app.get("/v1/caracol/export/archive.zip", async (c) => {
    const { viewer } = requireUser(c, "read:accounts");
    // requireUser has established a local account's token, so the viewer is that account
    if (viewer.kind !== "local") throw new Error("unreachable: a user token without a local viewer");
    const zip = await buildArchive(c.var.ctx, c.var.federation, viewer);
    return new Response(new Uint8Array(zip), {
      headers: { "content-type": "application/zip", "content-disposition": 'attachment; filename="archive.zip"', "cache-control": "no-store" },
    });
  });

  app.get("/v1/caracol/export/:file", async (c) => {
    const { accountId } = requireUser(c, "read:accounts");
    const name = c.req.param("file").replace(/\.csv$/, "");
    if (!c.req.param("file").endsWith(".csv") || !isCsvExport(name)) throw notFound();
    const body = await exportCsv(c.var.ctx, accountId, name);
    return new Response(body, {
      headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${name}.csv"`, "cache-control": "no-store" },
    });
  });

  return app;
}
