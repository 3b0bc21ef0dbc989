// Shared set-up of the inbox and resolve tests: Caracol on 127.0.0.1 with its queue workers
// running (inbox processing goes through the queue), test peers on 127.0.0.2 and 127.0.0.3, and
// helpers to wait until the inbox queue has nothing left to do.
import { and, eq, isNull, lte, sql } from "drizzle-orm";
import { startTestServer, type TestServer } from "../helpers/app.ts";
import { startPeer, type Peer } from "../helpers/peer.ts";
import { createLocalAccount } from "../../src/domain/accounts/create.ts";
import { issueToken } from "../../src/domain/oauth/tokens.ts";
import { accounts, fedifyQueue } from "../../src/db/schema/index.ts";

export const AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

export type World = {
  server: TestServer;
  peer: Peer;
  other: Peer;
  close(): Promise<void>;
};

export async function startWorld(peerActors: string[] = ["bob", "mallory"], otherActors: string[] = ["carol"]): Promise<World> {
  const [server, peer, other] = await Promise.all([
    startTestServer({ CARACOL_ALLOW_PRIVATE_ADDRESS: "true" }, "127.0.0.1"),
    startPeer({ host: "127.0.0.2", actors: peerActors }),
    startPeer({ host: "127.0.0.3", actors: otherActors, requireSignedFetch: true }),
  ]);
  const ac = new AbortController();
  const working = server.app.startWorkers(ac.signal);
  return {
    server,
    peer,
    other,
    async close() {
      ac.abort();
      await working.catch(() => {});
      await Promise.all([peer.close(), other.close()]);
      await server.close();
    },
  };
}

export type LocalUser = { id: string; username: string; token: string; uri: string; inbox: string };

export async function localUser(server: TestServer, username: string, opts: { locked?: boolean } = {}): Promise<LocalUser> {
  const ctx = server.app.ctx;
  const { accountId } = await createLocalAccount(ctx, { username, password: "correct horse battery", approved: true });
  if (opts.locked === false) await ctx.db.update(accounts).set({ locked: false }).where(eq(accounts.id, accountId));
  const tok = await issueToken(ctx, { appId: null, accountId, scopes: ["read", "write", "follow"] });
  return { id: accountId, username, token: tok.accessToken, uri: `${server.url}/users/${username}`, inbox: `${server.url}/users/${username}/inbox` };
}

/** Waits until the inbox queue holds nothing that is due (everything sent so far is handled). */
export async function settled(server: TestServer, timeoutMs = 10_000): Promise<void> {
  const db = server.app.ctx.db;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ n }] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(fedifyQueue)
      .where(and(eq(fedifyQueue.queue, "inbox"), isNull(fedifyQueue.failedAt), lte(fedifyQueue.deliverAfter, sql`now()`)));
    if (Number(n) === 0) return;
    if (Date.now() > deadline) throw new Error(`inbox queue still holds ${n} message(s)`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Sends and waits for the inbox to handle it; the status code must be 202 (accepted, queued). */
export async function deliver(world: World, from: Peer, actor: string, inbox: string, activity: Record<string, unknown>): Promise<void> {
  const res = await from.send(actor, inbox, activity);
  if (res.status !== 202) throw new Error(`delivery answered ${res.status}: ${res.body}`);
  await settled(world.server);
}

export async function api(server: TestServer, path: string, token?: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const headers = new Headers(init.headers);
  if (token) headers.set("authorization", `Bearer ${token}`);
  const res = await fetch(`${server.url}${path}`, { ...init, headers });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body };
}
