// /api/v1/media and /api/v2/media: uploading images (processed at once, so v2 answers 200 with
// the url set), and reading, describing or deleting one's own upload until a post takes it
// (Mastodon answers 404 for attached media here too). Files are served by src/web/media-files.ts.
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { requireUser } from "../auth.ts";
import { bodyParams, fromPairs, validate } from "../params.ts";
import { ApiError, notFound, unprocessable } from "../errors.ts";
import { serializeMedia } from "../entities/media.ts";
import { MediaError } from "../../domain/media/errors.ts";
import { deleteUpload, findOwnUnattached, storeUpload, updateUpload, type UploadFile } from "../../domain/media/uploads.ts";

/** Room for the multipart framing and the text fields around the file. */
const FORM_OVERHEAD = 64 * 1024;

/** Runs a media service call, turning its rule violations into Mastodon errors. */
export async function mediaService<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (!(e instanceof MediaError)) throw e;
    if (e.kind === "not_found") throw notFound();
    if (e.kind === "too_large") throw new ApiError(413, e.message);
    throw unprocessable(e.message);
  }
}

/** Refuses bodies over the upload limit while they stream in, before they are buffered. */
export const uploadBodyLimit: MiddlewareHandler<AppEnv> = (c, next) =>
  bodyLimit({
    maxSize: c.var.ctx.config.maxUploadBytes + FORM_OVERHEAD,
    onError: () => {
      throw new ApiError(413, `The file is larger than the limit of ${Math.floor(c.var.ctx.config.maxUploadBytes / 1048576)} MB`);
    },
  })(c, next);

/** A multipart (or urlencoded) form read under the upload limit: fields as params.ts gives them, files kept as File. */
export async function uploadForm(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const form = await c.req.formData().catch((e) => {
    if (e instanceof ApiError) throw e;
    throw new ApiError(400, "Malformed form data in request body");
  });
  const pairs: [string, unknown][] = [];
  form.forEach((v, k) => pairs.push([k, v]));
  return fromPairs(pairs);
}

export const isMultipart = (c: Context<AppEnv>): boolean => (c.req.header("content-type") ?? "").toLowerCase().includes("multipart/form-data");

/** A File field as the media service takes it; undefined when absent. */
export async function fileParam(v: unknown, field: string): Promise<UploadFile | undefined> {
  if (v === undefined || v === null || v === "") return undefined;
  if (!(v instanceof File)) throw unprocessable(`${field} must be a file upload (multipart/form-data)`);
  return { bytes: new Uint8Array(await v.arrayBuffer()), declaredType: v.type };
}

const text = z.string().optional();
const uploadSchema = z.object({ description: text, focus: text });

export function mediaRoutes() {
  const app = new Hono<AppEnv>();

  const upload = async (c: Context<AppEnv>) => {
    const { accountId } = requireUser(c, "write:media");
    if (!isMultipart(c)) throw unprocessable("file must be sent as multipart/form-data");
    const params = await uploadForm(c);
    const file = await fileParam(params.file, "file");
    if (!file) throw unprocessable("file is missing");
    const p = validate(uploadSchema, { description: params.description, focus: params.focus });
    const row = await mediaService(storeUpload(c.var.ctx, accountId, file, p));
    return c.json(serializeMedia(row, c.var.ctx.config.origin));
  };
  app.post("/v1/media", uploadBodyLimit, upload);
  app.post("/v2/media", uploadBodyLimit, upload);

  app.get("/v1/media/:id", async (c) => {
    const { accountId } = requireUser(c, "write:media");
    const row = await mediaService(findOwnUnattached(c.var.ctx, accountId, c.req.param("id")));
    return c.json(serializeMedia(row, c.var.ctx.config.origin));
  });

  app.put("/v1/media/:id", async (c) => {
    const { accountId } = requireUser(c, "write:media");
    const p = validate(uploadSchema, await bodyParams(c));
    const row = await mediaService(updateUpload(c.var.ctx, accountId, c.req.param("id"), p));
    return c.json(serializeMedia(row, c.var.ctx.config.origin));
  });

  app.delete("/v1/media/:id", async (c) => {
    const { accountId } = requireUser(c, "write:media");
    const row = await mediaService(deleteUpload(c.var.ctx, accountId, c.req.param("id")));
    return c.json(serializeMedia(row, c.var.ctx.config.origin));
  });

  return app;
}
