// Real sockets from chosen source addresses (the machine's 127.0.0.0/8 and ::1), for tests of
// what the server sees as the client address.
import http from "node:http";
import net from "node:net";
import { serve } from "@hono/node-server";
import { loadConfig } from "../../src/config/index.ts";
import { createApp, type App } from "../../src/app.ts";
import { freshDatabase } from "../helpers/db.ts";
import { validating } from "../helpers/app.ts";

export type RawResponse = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** One HTTP request from `from` (a local source address) to the server. */
export function send(
  target: { host: string; port: number },
  from: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: target.host, port: target.port, localAddress: from, path, method: init.method ?? "GET", headers: init.headers, family: net.isIPv6(target.host) ? 6 : 4 },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}

export async function ipv6LoopbackWorks(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(0, "::1", () => s.close(() => resolve(true)));
  });
}

export type DualStackServer = { app: App; port: number; specErrors: string[]; close(): Promise<void> };

/**
 * The real app on "::" (IPv6 and, dual-stack, IPv4: IPv4 clients then arrive as ::ffff:a.b.c.d,
 * which the app must read as IPv4), or on 127.0.0.1 where IPv6 is missing.
 */
export async function startDualStackServer(env: Record<string, string> = {}, opts: { clock?: () => number; v6?: boolean } = {}): Promise<DualStackServer> {
  const host = opts.v6 === false ? "127.0.0.1" : "::";
  const port = await new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, host, () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
    s.on("error", reject);
  });
  const config = loadConfig({ CARACOL_ORIGIN: `http://127.0.0.1:${port}`, CARACOL_DATA_DIR: "/nonexistent", ...env });
  const database = await freshDatabase();
  const app = await createApp(config, { database, scheduledJobs: false, clock: opts.clock });
  const specErrors: string[] = [];
  const server = serve({ fetch: validating(app.fetch, specErrors), port, hostname: host });
  await new Promise<void>((r) => server.once("listening", () => r()));
  return {
    app,
    port,
    specErrors,
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      await app.close();
    },
  };
}
