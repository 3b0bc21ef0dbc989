import { Hono } from "hono";
import type { AppEnv } from "../mastodon/env.ts";

/** Server-rendered pages: sign-in, sign-up, sign-out, about, terms, privacy, profiles. */
export function webRoutes() {
  const app = new Hono<AppEnv>();
  return app;
}
