// GET /proxy/:token: remote media, fetched by our server for the reader's app, so the remote
// server sees our address and User-Agent instead of the reader's (src/domain/media/remote-proxy.ts
// issues the tokens). Only URLs we signed are fetched; nothing of the client's request is
// passed on (no cookie, authorization, user agent, address or referrer); servers we block, and
// servers whose media we reject, are never contacted. There is no disk cache: each load is a
// fresh fetch, and apps and browsers keep the answer (Cache-Control below).
import { Hono, type Context } from "hono";
import type { AppEnv } from "../mastodon/env.ts";
import { serverPolicy } from "../domain/federation-policy/standing.ts";
import { proxyKey, verifyProxyToken, type ProxyKind } from "../domain/media/remote-proxy.ts";
import { safeFetch, SafeFetchError, userAgentFor } from "../federation/fetch/index.ts";
import type { Ctx } from "../domain/context.ts";

/** Enough for a slow server to send a 40 MB video; a stalled one does not hold a request long. */
const TIMEOUT_MS = 30_000;

/** Every refusal looks the same: a token we did not sign, a blocked server, a bad answer. */
const refuse = (c: Context<AppEnv>, status: 404 | 502) => c.text(status === 404 ? "Not found" : "Bad gateway", status, { "Cache-Control": "no-store" });

/** Blocked servers, and servers whose media we reject, are never contacted (nor redirected to). */
async function refused(ctx: Ctx, url: URL): Promise<boolean> {
  const policy = await serverPolicy(ctx, url.hostname);
  return policy.standing === "blocked" || policy.rejectMedia;
}

/**
 * The content type we pass on, or null to refuse the file: images for avatars, headers, emoji
 * and cards; images, video and audio for attachments. SVG is refused (it can carry script, and
 * Mastodon does not accept it either). Parameters are dropped, so only a plain type reaches the app.
 */
export function allowedType(header: string | null, kind: ProxyKind): string | null {
  const type = (header ?? "").split(";")[0]!.trim().toLowerCase();
  if (!/^(image|video|audio)\/[a-z0-9.+-]+$/.test(type) || type === "image/svg+xml") return null;
  if (kind === "i" && !type.startsWith("image/")) return null;
  return type;
}

const ACCEPT: Record<ProxyKind, string> = { i: "image/*", m: "image/*, video/*, audio/*" };

export function mediaProxyRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/proxy/:token", async (c) => {
    const ctx = c.var.ctx;
    if (!ctx.config.mediaProxy) return refuse(c, 404);
    const signed = verifyProxyToken(await proxyKey(ctx), c.req.param("token"));
    if (!signed) return refuse(c, 404);
    let url: URL;
    try {
      url = new URL(signed.url);
    } catch {
      return refuse(c, 404);
    }
    if (await refused(ctx, url)) return refuse(c, 404);
    let res;
    try {
      // A fresh header set: nothing from the client's request is forwarded.
      res = await safeFetch(url, {
        allowPrivateAddress: ctx.config.allowPrivateAddress,
        accept: ACCEPT[signed.kind],
        userAgent: userAgentFor(ctx.config.origin),
        maxBytes: ctx.config.mediaProxyMaxBytes,
        timeoutMs: TIMEOUT_MS,
        // every redirect hop is checked too, so a server cannot bounce us to a blocked one
        prepare: async (request) => {
          if (await refused(ctx, new URL(request.url))) throw new SafeFetchError(request.url, "forbidden_address", "refused by federation policy");
          return request;
        },
      });
    } catch {
      return refuse(c, 502);
    }
    if (!res.ok) return refuse(c, res.status === 404 || res.status === 410 ? 404 : 502);
    const type = allowedType(res.headers.get("content-type"), signed.kind);
    if (!type) return refuse(c, 502);
    // safeFetch has read the body (within the size cap), so a file over the cap never reaches
    // the app half-sent; the cost is up to mediaProxyMaxBytes of memory per load in flight.
    return c.body(new Uint8Array(res.body), 200, {
      "Content-Type": type,
      "Content-Length": String(res.body.byteLength),
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Content-Disposition": "inline",
      "Referrer-Policy": "no-referrer",
      // Web apps on other origins draw these with <img>/<video>; no credentials are involved.
      "Access-Control-Allow-Origin": "*",
      // The token is a capability that only readers allowed to see the post received: apps and
      // browsers may keep the file, shared caches (CDNs) may not hand it to others.
      "Cache-Control": "private, max-age=86400",
    });
  });
  return app;
}
