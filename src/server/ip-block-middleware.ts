// Refuses every request from a range blocked with `no_access`, before any other work: no
// route, no token lookup, no ActivityPub parsing. The weaker severities only concern sign-up
// and are asked by the sign-up paths themselves (signUpPolicyFor).
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../mastodon/env.ts";
import { ipBlockFor } from "../domain/abuse/ip-blocks.ts";

export function ipBlockMiddleware(now: () => number = Date.now): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const block = await ipBlockFor(c.var.ctx, c.var.clientAddress, now());
    if (block?.severity !== "no_access") return next();
    c.header("Cache-Control", "no-store");
    if (c.req.path.startsWith("/api/") || c.req.path.startsWith("/oauth/")) return c.json({ error: "Access from your network is not allowed" }, 403);
    return c.text("Access from your network is not allowed.\n", 403);
  };
}
