// Helpers shared by the /api/v1/statuses route modules.
import { z } from "zod";
import type { Ctx } from "../../domain/context.ts";
import type { Viewer } from "../../domain/audience/viewer.ts";
import { StatusError } from "../../domain/statuses/errors.ts";
import { forbidden, notFound, unprocessable } from "../errors.ts";
import { serializeStatuses, type MastodonStatus, type StatusRow } from "../entities/status.ts";
import { validate, zId } from "../params.ts";

/** Runs a statuses service call, turning its rule violations into Mastodon errors. */
export async function service<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (!(e instanceof StatusError)) throw e;
    if (e.kind === "not_found") throw notFound();
    if (e.kind === "forbidden") throw forbidden(e.message);
    throw unprocessable(e.message);
  }
}

/** One status through the gate-checking serializer; a status the viewer may not see is a 404. */
export async function renderStatus(ctx: Ctx, viewer: Viewer, row: StatusRow): Promise<MastodonStatus> {
  const [s] = await serializeStatuses(ctx, viewer, [row]);
  if (!s) throw notFound();
  return s;
}

/** Form fields arrive as "" and JSON ones as null when an app means "not given". */
export const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === null || v === "" ? undefined : v), schema.optional());

/** media_ids as apps send them (form slots may be empty), each a valid id. */
export function mediaIdList(v: unknown[] | undefined): string[] {
  return validate(z.array(zId), (v ?? []).filter((m) => m !== "" && m !== null));
}

/** Features that come later are refused loudly rather than silently dropped. */
export function refuseUnsupported(p: { poll?: unknown; scheduled_at?: unknown }): void {
  if (p.poll !== undefined && p.poll !== null && p.poll !== "") throw unprocessable("Polls are not supported yet");
  if (p.scheduled_at !== undefined && p.scheduled_at !== null && p.scheduled_at !== "") throw unprocessable("Scheduled posts are not supported yet");
}
