// Test apps and servers: the real app on a fresh database, driven through fetch or a real
// HTTP server on loopback. Every JSON response from /api is checked against the OpenAPI spec.
import net from "node:net";
import assert from "node:assert/strict";
import { serve } from "@hono/node-server";
import { loadConfig, type Config } from "../../src/config/index.ts";
import { createApp, type App } from "../../src/app.ts";
import { freshDatabase } from "./db.ts";
import { openapiValidator } from "./openapi.ts";
import { createLocalAccount } from "../../src/domain/accounts/create.ts";
import { issueToken } from "../../src/domain/oauth/tokens.ts";

export type TestApp = App & {
  config: Config;
  /** fetch a path on the app; JSON responses under /api are validated against the spec */
  request(path: string, init?: RequestInit & { token?: string; json?: unknown; /** client address (default TEST_CLIENT_ADDRESS) */ from?: string }): Promise<Response>;
  /** creates an approved local account and a token for it */
  user(username: string, opts?: { scopes?: string; admin?: boolean; password?: string }): Promise<{ id: string; token: string; username: string }>;
  specErrors: string[];
};

export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, host, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/** Wraps a fetch handler so every /api JSON response is validated; failures are collected. */
export function validating(fetchFn: (r: Request, env?: unknown) => Promise<Response>, errors: string[]) {
  const validate = openapiValidator();
  return async (req: Request, env?: unknown): Promise<Response> => {
    const res = await fetchFn(req, env);
    const url = new URL(req.url);
    if (validate && url.pathname.startsWith("/api/") && (res.headers.get("content-type") ?? "").includes("application/json")) {
      const body = await res.clone().json();
      const problem = validate(req.method, url.pathname, res.status, body);
      if (problem) errors.push(problem);
    }
    return res;
  };
}

/** Where requests made through fetch (no socket) come from, unless a test names another address. */
export const TEST_CLIENT_ADDRESS = "192.0.2.10";

export async function createTestApp(env: Record<string, string> = {}, opts: { clock?: () => number } = {}): Promise<TestApp> {
  const config = loadConfig({ CARACOL_ORIGIN: "http://caracol.test", CARACOL_DATA_DIR: "/nonexistent", ...env });
  const database = await freshDatabase();
  const from = new WeakMap<Request, string>();
  const app = await createApp(config, { database, scheduledJobs: false, testClientAddress: (req) => from.get(req) ?? TEST_CLIENT_ADDRESS, clock: opts.clock });
  const specErrors: string[] = [];
  const fetchValidated = validating(app.fetch, specErrors);
  const t = app as TestApp;
  t.config = config;
  t.specErrors = specErrors;
  t.request = (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set("authorization", `Bearer ${init.token}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(init.json);
    }
    const req = new Request(new URL(path, config.origin), { ...init, headers, body });
    if (init.from) from.set(req, init.from);
    return fetchValidated(req);
  };
  t.user = async (username, opts = {}) => {
    const { accountId } = await createLocalAccount(app.ctx, {
      username,
      password: opts.password ?? "correct horse battery",
      approved: true,
      role: opts.admin ? "admin" : "user",
    });
    const tok = await issueToken(app.ctx, { appId: null, accountId, scopes: (opts.scopes ?? "read write follow").split(" ") });
    return { id: accountId, token: tok.accessToken, username };
  };
  const close = app.close;
  t.close = async () => {
    await close();
    assert.deepEqual(specErrors, [], "responses that do not match the Mastodon OpenAPI spec");
  };
  return t;
}

export type TestServer = { app: App; url: string; specErrors: string[]; close(): Promise<void> };

/** The real app behind a real HTTP server on a loopback address; origin is its own URL. */
export async function startTestServer(env: Record<string, string> = {}, host = "127.0.0.1"): Promise<TestServer> {
  const port = await freePort(host);
  const origin = `http://${host}:${port}`;
  const config = loadConfig({ CARACOL_ORIGIN: origin, CARACOL_DATA_DIR: "/nonexistent", ...env });
  const database = await freshDatabase();
  const app = await createApp(config, { database, scheduledJobs: false });
  const specErrors: string[] = [];
  const server = serve({ fetch: validating(app.fetch, specErrors), port, hostname: host });
  await new Promise<void>((r) => server.once("listening", () => r()));
  return {
    app,
    url: origin,
    specErrors,
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      await app.close();
      assert.deepEqual(specErrors, [], "responses that do not match the Mastodon OpenAPI spec");
    },
  };
}
