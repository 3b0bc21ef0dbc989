import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { authorizeRoutes } from "./authorize.ts";
import { tokenRoutes } from "./token.ts";
import { metadataRoutes } from "./metadata.ts";

/** /oauth/authorize, /oauth/token, /oauth/revoke and the authorization-server metadata. */
export function oauthRoutes() {
  const app = new Hono<AppEnv>();
  app.route("/", authorizeRoutes());
  app.route("/", tokenRoutes());
  app.route("/", metadataRoutes());
  return app;
}
