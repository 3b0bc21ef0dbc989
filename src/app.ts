// Composition root: wires configuration, database and routes into one Hono app.
// Nothing happens at import time; createApp does the work and returns a handle to close it.
import { Hono } from "hono";
import type { Config } from "./config/index.ts";
import { openDatabase, type Database } from "./db/client.ts";
import { createCtx, type Ctx } from "./domain/context.ts";
import type { AppEnv } from "./mastodon/env.ts";
import { ApiError } from "./mastodon/errors.ts";
import { mastodonApi } from "./mastodon/routes/index.ts";
import { webRoutes } from "./web/index.ts";
import { staticRoutes } from "./web/static.ts";
import { ensureDefaults } from "./domain/instance/defaults.ts";
import { appLogger } from "./lib/logging.ts";
import { createCaracolFederation, type CaracolFederation, type CaracolFederationOptions } from "./federation/federation.ts";
import { federationMiddleware } from "./federation/middleware.ts";
import { nodeInfoRoutes } from "./federation/nodeinfo.ts";
import { createOutbox } from "./federation/outbox/index.ts";
import { runScheduledJobs } from "./server/jobs.ts";
import { clientAddressMiddleware, type TestClientAddress } from "./server/client-address.ts";
import { ipBlockMiddleware } from "./server/ip-block-middleware.ts";
import { rateLimitMiddleware } from "./server/rate-limit-middleware.ts";
import { accessRecorderMiddleware } from "./server/access-recorder.ts";

export type App = {
  hono: Hono<AppEnv>;
  ctx: Ctx;
  database: Database;
  federation: CaracolFederation;
  /** starts the delivery and inbox workers; they stop when the signal aborts */
  startWorkers(signal: AbortSignal): Promise<void>;
  /** `env` carries the Node socket (from @hono/node-server): the client address comes from it */
  fetch: (req: Request, env?: unknown) => Promise<Response>;
  close(): Promise<void>;
};

export async function createApp(config: Config, opts: { database?: Database; federation?: CaracolFederationOptions; /** tests run jobs by calling them */ scheduledJobs?: boolean; /** tests without a socket name the client address; a socket always wins */ testClientAddress?: TestClientAddress; /** clock for IP-block expiry and rate-limit windows (tests) */ clock?: () => number } = {}): Promise<App> {
  const database =
    opts.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : `${config.dataDir}/db` }));
  const ctx = createCtx(database.db, config);
  await ensureDefaults(ctx);
  const federation = createCaracolFederation(ctx, opts.federation);
  const outbox = createOutbox(ctx, federation);
  ctx.events = outbox.sink;
  const hono = new Hono<AppEnv>();

  hono.use(async (c, next) => {
    c.set("ctx", ctx);
    c.set("federation", federation);
    await next();
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "same-origin");
    if (!c.res.headers.has("X-Robots-Tag")) c.header("X-Robots-Tag", "noindex, nofollow, noarchive");
  });

  hono.onError((err, c) => {
    if (err instanceof ApiError) {
      const body: Record<string, unknown> = { error: err.message };
      if (err.description) body.error_description = err.description;
      // Mastodon's ValidationError always carries `details` (clients and the spec expect it).
      if (err.status === 422) body.details = err.details ?? {};
      return c.json(body, err.status as 400);
    }
    if (err && typeof err === "object" && "getResponse" in err && typeof (err as { getResponse: unknown }).getResponse === "function") {
      return (err as { getResponse(): Response }).getResponse();
    }
    appLogger.error("Unhandled error in {method} {path}: {error}", { method: c.req.method, path: new URL(c.req.url).pathname, error: err });
    return c.json({ error: "Internal server error" }, 500);
  });

  hono.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    if (path.startsWith("/api/") || path.startsWith("/oauth/")) return c.json({ error: "Not found" }, 404);
    return c.html("<!doctype html><title>Not found</title><h1>Not found</h1><p>There is nothing here.</p>", 404);
  });

  hono.use(clientAddressMiddleware(config.trustedProxies, opts.testClientAddress));
  hono.use(ipBlockMiddleware(opts.clock));
  hono.use(rateLimitMiddleware(undefined, opts.clock));
  hono.use(accessRecorderMiddleware(opts.clock));
  hono.use(federationMiddleware(federation));
  hono.route("/", nodeInfoRoutes());
  hono.route("/", staticRoutes());
  hono.route("/", mastodonApi());
  hono.route("/", webRoutes());

  return {
    hono,
    ctx,
    database,
    federation,
    startWorkers: async (signal) => {
      await Promise.all([federation.startQueue(ctx, { signal }), outbox.work(signal), opts.scheduledJobs === false ? null : runScheduledJobs(ctx, federation, signal)]);
    },
    fetch: async (req, env) => hono.fetch(req, env),
    close: () => database.close(),
  };
}
