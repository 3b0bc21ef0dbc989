// Hands ActivityPub, WebFinger and the instance actor to Fedify; anything Fedify does not
// answer (an HTML request for a profile, the Mastodon API) goes on to the Hono routes.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../mastodon/env.ts";
import type { CaracolFederation } from "./federation.ts";

const FEDERATED_PATHS = /^\/(users\/|actor$|inbox$|\.well-known\/webfinger)/;

export function federationMiddleware(federation: CaracolFederation): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!FEDERATED_PATHS.test(c.req.path)) return next();
    const pass = async () => {
      await next();
      return c.res;
    };
    c.res = await federation.fetch(c.req.raw, { contextData: c.var.ctx, onNotFound: pass, onNotAcceptable: pass });
  };
}
