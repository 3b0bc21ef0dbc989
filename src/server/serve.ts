import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import type { Config } from "../config/index.ts";
import { createApp, type App } from "../app.ts";
import { acquireLock } from "../cli/lock.ts";
import { listenAdminSocket } from "../cli/admin-socket.ts";
import { releaseStaleLeases } from "../federation/outbox/index.ts";

export type RunningServer = { app: App; url: string; port: number; stop(): Promise<void> };

/** Starts the HTTP server (and, on PGlite, the admin socket). */
export async function startServer(config: Config): Promise<RunningServer> {
  const release = config.databaseUrl ? () => {} : acquireLock(config.dataDir);
  let app: App;
  try {
    app = await createApp(config);
  } catch (e) {
    release();
    throw e;
  }
  // Embedded: the lock makes this process the only worker, so claims left by a killed one resume now.
  if (!config.databaseUrl) await releaseStaleLeases(app.ctx.db);
  const workers = new AbortController();
  const working = app.startWorkers(workers.signal);
  const admin = !config.databaseUrl && config.adminSocket ? listenAdminSocket(app.ctx, config.dataDir) : null;
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
    s.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  let stopped = false;
  return {
    app,
    port,
    url: `http://${config.host && !config.host.includes(":") ? config.host : "localhost"}:${port}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      admin?.close();
      workers.abort();
      await working.catch(() => {});
      await new Promise<void>((r) => server.close(() => r()));
      await app.close();
      release();
    },
  };
}
