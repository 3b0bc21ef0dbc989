// Hands ActivityPub, WebFinger and the instance actor to Fedify; anything Fedify does not
// answer (an HTML request for a profile, the Mastodon API) goes on to the Hono routes.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../mastodon/env.ts";
import type { CaracolFederation } from "./federation.ts";
import { getLogger } from "@logtape/logtape";
import { noteSignedRequest, signedCopy } from "./server-address-hook.ts";

const logger = getLogger(["caracol", "federation", "inbox"]);

const FEDERATED_PATHS = /^\/(users\/|actor$|inbox$|\.well-known\/webfinger)/;

export function federationMiddleware(federation: CaracolFederation): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!FEDERATED_PATHS.test(c.req.path)) return next();
    const pass = async () => {
      await next();
      return c.res;
    };
    const copy = signedCopy(c.req.raw);
    try {
      c.res = await federation.fetch(c.req.raw, { contextData: c.var.ctx, onNotFound: pass, onNotAcceptable: pass });
      if (copy && c.res.status < 400) await noteSignedRequest(federation, c.var.ctx, copy, c.var.clientAddress);
    } catch (e) {
      // A document Fedify cannot parse (an invalid key, a malformed property) is the sender's
      // error, not ours: answer 400 so that it does not retry, and log it for the admin.
      if (c.req.method !== "POST" || !(e instanceof TypeError || e instanceof SyntaxError)) throw e;
      logger.info("Refused an unparseable activity at {path}: {error}", { path: c.req.path, error: e });
      c.res = c.json({ error: "Invalid activity" }, 400);
    }
  };
}
