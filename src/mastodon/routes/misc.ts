import { Hono } from "hono";
import type { AppEnv } from "../env.ts";

export function miscRoutes() {
  const app = new Hono<AppEnv>();
  return app;
}
