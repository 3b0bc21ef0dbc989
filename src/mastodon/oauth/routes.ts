import { Hono } from "hono";
import type { AppEnv } from "../env.ts";

/** /oauth/authorize, /oauth/token, /oauth/revoke and the authorization-server metadata. */
export function oauthRoutes() {
  const app = new Hono<AppEnv>();
  return app;
}
