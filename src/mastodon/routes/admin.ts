import { Hono } from "hono";
import type { AppEnv } from "../env.ts";

export function adminRoutes() {
  const app = new Hono<AppEnv>();
  return app;
}
