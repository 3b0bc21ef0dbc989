// /api/v1/statuses: posting, reading, editing and deleting. Interactions (favourite, boost, ...)
// live in status-actions.ts. Every status in an answer goes through serializeStatuses, which
// asks the audience gate about it.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { optionalUser, requireUser } from "../auth.ts";
import { bodyParams, queryParams, validate, zArray, zBool, zId } from "../params.ts";
import { notFound, unprocessable } from "../errors.ts";
import { findVisibleStatus, serializeStatuses } from "../entities/status.ts";
import { serializeStatusEdits, statusSource } from "../entities/status-edit.ts";
import { AUDIENCES } from "../../db/schema/index.ts";
import { createStatus } from "../../domain/statuses/create.ts";
import { editStatus, ownStatus, statusVersions } from "../../domain/statuses/edit.ts";
import { deleteStatus } from "../../domain/statuses/delete.ts";
import { ancestorsOf, descendantsOf } from "../../domain/statuses/thread.ts";
import { fetchAncestorsForApi } from "../../federation/resolve-api.ts";
import { mediaIdList, optional, refuseUnsupported, renderStatus, service } from "./statuses-shared.ts";
import { attachedMediaIds } from "../../domain/media/attach.ts";
import { statusActionsRoutes } from "./status-actions.ts";

const MAX_IDS = 40;

const unsupported = {
  media_ids: optional(zArray(z.unknown())),
  poll: z.unknown().optional(),
  scheduled_at: z.unknown().optional(),
};

const contentFields = {
  // "" stays "": an edit to empty text is refused, not read as "unchanged"
  status: z.preprocess((v) => (v === null ? undefined : v), z.string().optional()),
  spoiler_text: optional(z.string()),
  sensitive: optional(zBool),
  language: z.union([z.string(), z.null()]).optional(),
};

const createSchema = z.object({
  ...contentFields,
  ...unsupported,
  in_reply_to_id: optional(zId),
  visibility: optional(z.enum(["public", "unlisted", "private", "direct"])),
  local_only: optional(zBool),
  caracol_audience: optional(z.enum(AUDIENCES)),
  caracol_circle_id: optional(zId),
});

const editSchema = z.object({
  ...contentFields,
  ...unsupported,
  caracol_audience: optional(z.enum(AUDIENCES)),
});

export function statusesRoutes() {
  const app = new Hono<AppEnv>();

  app.post("/v1/statuses", async (c) => {
    const { accountId, viewer } = requireUser(c, "write:statuses");
    const p = validate(createSchema, await bodyParams(c));
    refuseUnsupported(p);
    const { status } = await service(
      createStatus(c.var.ctx, {
        accountId,
        appId: c.var.token?.appId ?? null,
        text: p.status ?? "",
        spoilerText: p.spoiler_text,
        sensitive: p.sensitive,
        language: p.language,
        inReplyToId: p.in_reply_to_id,
        visibility: p.visibility,
        localOnly: p.local_only,
        caracolAudience: p.caracol_audience,
        circleId: p.caracol_circle_id,
        idempotencyKey: c.req.header("idempotency-key"),
        mediaIds: mediaIdList(p.media_ids),
      }),
    );
    return c.json(await renderStatus(c.var.ctx, viewer, status));
  });

  app.get("/v1/statuses", async (c) => {
    const viewer = optionalUser(c, "read:statuses");
    const { id } = validate(z.object({ id: zArray(zId).pipe(z.array(zId).min(1).max(MAX_IDS)) }), queryParams(c));
    const ids = [...new Set(id)];
    const rows = (await Promise.all(ids.map((i) => findVisibleStatus(c.var.ctx, viewer, i)))).filter((r) => r !== null);
    return c.json(await serializeStatuses(c.var.ctx, viewer, rows));
  });

  app.get("/v1/statuses/:id", async (c) => {
    const viewer = optionalUser(c, "read:statuses");
    const row = await findVisibleStatus(c.var.ctx, viewer, c.req.param("id"));
    if (!row) throw notFound();
    return c.json(await renderStatus(c.var.ctx, viewer, row));
  });

  app.delete("/v1/statuses/:id", async (c) => {
    const { accountId, viewer } = requireUser(c, "write:statuses");
    const row = await service(ownStatus(c.var.ctx, accountId, c.req.param("id")));
    // Serialised before deleting: the answer describes what was removed, with its source
    // text so that apps can offer "delete and redraft".
    const out = { ...(await renderStatus(c.var.ctx, viewer, row)), text: row.text };
    await deleteStatus(c.var.ctx, row);
    return c.json(out);
  });

  app.put("/v1/statuses/:id", async (c) => {
    const { accountId, viewer } = requireUser(c, "write:statuses");
    const p = validate(editSchema, await bodyParams(c));
    refuseUnsupported(p);
    const current = await service(ownStatus(c.var.ctx, accountId, c.req.param("id")));
    if (p.caracol_audience && p.caracol_audience !== current.audience) throw unprocessable("The audience of a post cannot be changed");
    // Apps resend the current media_ids with every edit; only a change is refused.
    if (p.media_ids !== undefined && mediaIdList(p.media_ids).join() !== (await attachedMediaIds(c.var.ctx, current.id)).join()) {
      throw unprocessable("Changing the attachments of a post is not supported yet");
    }
    const row = await service(
      editStatus(c.var.ctx, accountId, current.id, { text: p.status, spoilerText: p.spoiler_text, sensitive: p.sensitive, language: p.language }),
    );
    return c.json(await renderStatus(c.var.ctx, viewer, row));
  });

  app.get("/v1/statuses/:id/history", async (c) => {
    const viewer = optionalUser(c, "read:statuses");
    const row = await findVisibleStatus(c.var.ctx, viewer, c.req.param("id"));
    if (!row) throw notFound();
    return c.json(await serializeStatusEdits(c.var.ctx, viewer, row, await statusVersions(c.var.ctx, row)));
  });

  app.get("/v1/statuses/:id/source", async (c) => {
    // Only the author needs what they typed (to edit it); for anyone else the post is not found.
    const { accountId, viewer } = requireUser(c, "read:statuses");
    const row = await service(ownStatus(c.var.ctx, accountId, c.req.param("id")));
    // The gate too: a narrowed token does not read its owner's direct messages.
    if (!(await findVisibleStatus(c.var.ctx, viewer, row.id))) throw notFound();
    return c.json(statusSource(row));
  });

  app.get("/v1/statuses/:id/context", async (c) => {
    const viewer = optionalUser(c, "read:statuses");
    const row = await findVisibleStatus(c.var.ctx, viewer, c.req.param("id"));
    if (!row) throw notFound();
    // A remote post's missing ancestors are fetched from their origins first (bounded in time and count).
    await fetchAncestorsForApi(c.var.ctx, viewer, row);
    const [up, down] = await Promise.all([ancestorsOf(c.var.ctx, row), descendantsOf(c.var.ctx, row)]);
    const [ancestors, descendants] = await Promise.all([
      serializeStatuses(c.var.ctx, viewer, up),
      serializeStatuses(c.var.ctx, viewer, down),
    ]);
    return c.json({ ancestors, descendants });
  });

  app.route("/", statusActionsRoutes());
  return app;
}
