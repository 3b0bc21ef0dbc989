// An HTTP client that connects from a chosen local address (127.0.0.x, ::1) with a chosen
// User-Agent, shaped like a TestApp so the OAuth helpers and the Browser can drive it: this is
// how the retention test makes traffic come from several distinct addresses on a real server.
import net from "node:net";
import { Agent, fetch as undiciFetch } from "undici";
import { serve } from "@hono/node-server";
import { loadConfig } from "../../src/config/index.ts";
import { createApp, type App } from "../../src/app.ts";
import { freshDatabase } from "../helpers/db.ts";
import { freePort, validating, type TestApp } from "../helpers/app.ts";

export type LoopbackClient = Pick<TestApp, "request" | "config"> & { address: string; userAgent: string; close(): Promise<void> };

export function loopbackClient(base: string, origin: string, address: string, userAgent: string): LoopbackClient {
  const dispatcher = new Agent({ localAddress: address });
  return {
    address,
    userAgent,
    config: { origin } as TestApp["config"],
    async request(path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set("user-agent", userAgent);
      if (init.token) headers.set("authorization", `Bearer ${init.token}`);
      let body = init.body;
      if (init.json !== undefined) {
        headers.set("content-type", "application/json");
        body = JSON.stringify(init.json);
      }
      const res = await undiciFetch(new URL(path, base), { method: init.method, headers: [...headers], body: body as string | undefined, redirect: "manual", dispatcher });
      return res as unknown as Response;
    },
    close: () => dispatcher.close(),
  };
}

/** Can this machine talk to itself over IPv6? (some containers have no ::1) */
export async function ipv6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(0, "::1", () => s.close(() => resolve(true)));
  });
}

export type DualServer = { app: App; origin: string; v4: string; v6: string | null; specErrors: string[]; close(): Promise<void> };

/** The real app on a real socket: all interfaces of the loopback when IPv6 works, else 127.0.0.1. */
export async function startDualServer(env: Record<string, string> = {}): Promise<DualServer> {
  const v6 = await ipv6Loopback();
  const port = await freePort("127.0.0.1");
  const origin = `http://127.0.0.1:${port}`;
  const config = loadConfig({ CARACOL_ORIGIN: origin, CARACOL_DATA_DIR: "/nonexistent", ...env });
  const app = await createApp(config, { database: await freshDatabase(), scheduledJobs: false });
  const specErrors: string[] = [];
  const server = serve({ fetch: validating(app.fetch, specErrors), port, hostname: v6 ? "::" : "127.0.0.1" });
  await new Promise<void>((r) => server.once("listening", () => r()));
  return {
    app,
    origin,
    v4: origin,
    v6: v6 ? `http://[::1]:${port}` : null,
    specErrors,
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      await app.close();
    },
  };
}
