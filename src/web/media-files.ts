// GET /media/:key/:file: local media files. Whether a request gets the bytes is decided by
// mediaAccess (src/domain/media/access.ts), which asks the audience gate; this route only
// works out who is asking and sends the file with safe headers. Every refusal is the same
// plain 404, so a wrong key, a hidden post and a deleted one cannot be told apart.
import { Hono, type Context } from "hono";
import { readFile } from "node:fs/promises";
import type { AppEnv } from "../mastodon/env.ts";
import type { Viewer } from "../domain/audience/viewer.ts";
import { resolveToken } from "../domain/oauth/tokens.ts";
import { mediaAccess, type MediaRequest } from "../domain/media/access.ts";
import { mediaFilePath } from "../domain/media/storage.ts";
import { currentSession } from "./session.ts";

/** The host an HTTP signature names in its keyId (draft-cavage or RFC 9421), unverified. */
function claimedServer(c: Context<AppEnv>): string | null {
  const header = `${c.req.header("signature") ?? ""} ${c.req.header("signature-input") ?? ""}`;
  const m = header.match(/keyid="([^"]+)"/i);
  if (!m) return null;
  try {
    return new URL(m[1]).host.toLowerCase();
  } catch {
    return null;
  }
}

async function mediaRequest(c: Context<AppEnv>): Promise<MediaRequest> {
  const ctx = c.var.ctx;
  const server = claimedServer(c);
  const bearer = (c.req.header("authorization") ?? "").match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) {
    const info = await resolveToken(ctx, bearer);
    const viewer: Viewer = info?.accountId
      ? { kind: "local", accountId: info.accountId, scopes: info.scopes, ...(info.narrowed ? { narrowed: info.narrowed } : {}) }
      : { kind: "anonymous" };
    return { viewer, credentials: true, claimedServer: server };
  }
  const session = await currentSession(c);
  if (session) return { viewer: { kind: "local", accountId: session.accountId, scopes: null }, credentials: true, claimedServer: server };
  return { viewer: { kind: "anonymous" }, credentials: false, claimedServer: server };
}

const notFound = (c: Context<AppEnv>) => c.text("Not found", 404, { "Cache-Control": "no-store" });

export function mediaFileRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/media/:key/:file", async (c) => {
    const key = c.req.param("key");
    const file = c.req.param("file");
    const access = await mediaAccess(c.var.ctx, key, file, await mediaRequest(c));
    if (!access.allowed) return notFound(c);
    const bytes = await readFile(mediaFilePath(c.var.ctx.config, key, file)).catch(() => null);
    if (!bytes) return notFound(c);
    return c.body(new Uint8Array(bytes), 200, {
      "Content-Type": access.row.contentType ?? "application/octet-stream",
      "Content-Length": String(bytes.byteLength),
      "X-Content-Type-Options": "nosniff",
      // the file name is ours (original.jpg, small.png), never the uploader's
      "Content-Disposition": `inline; filename="${file}"`,
      // Files never change under a key; what may change is who may see them, so only media
      // anyone may see is cached by shared caches, and never for long.
      "Cache-Control": access.publicCache ? "public, max-age=3600" : "private, max-age=3600",
      Vary: "Authorization, Cookie",
      "Content-Security-Policy": "default-src 'none'; sandbox",
    });
  });
  return app;
}
