// Shared by the outbox tests: remote accounts for test peers, local users with tokens, and a
// tiny API client. (Not a *.test.ts file: the runner does not pick it up on its own.)
import type { Database } from "../../src/db/client.ts";
import type { Ctx } from "../../src/domain/context.ts";
import { accounts, follows } from "../../src/db/schema/index.ts";
import { newId } from "../../src/lib/id.ts";
import { createLocalAccount } from "../../src/domain/accounts/create.ts";
import { issueToken } from "../../src/domain/oauth/tokens.ts";
import type { Peer, ReceivedActivity } from "../helpers/peer.ts";

type Db = Database["db"];

/** Inserts `name` of `peer` as a remote account; `personal` leaves out the shared inbox. */
export async function remoteAccount(db: Db, peer: Peer, name: string, opts: { personal?: boolean } = {}): Promise<string> {
  const id = newId();
  await db.insert(accounts).values({
    id,
    username: name,
    domain: `${peer.host}:${peer.port}`,
    uri: peer.actorUrl(name),
    url: peer.actorUrl(name),
    inboxUrl: peer.inboxUrl(name),
    sharedInboxUrl: opts.personal ? null : peer.sharedInboxUrl,
    followersUrl: `${peer.actorUrl(name)}/followers`,
    locked: false,
  });
  return id;
}

export async function follow(db: Db, followerId: string, targetId: string, uri: string | null = null): Promise<void> {
  await db.insert(follows).values({ id: newId(), accountId: followerId, targetAccountId: targetId, uri });
}

export async function localUser(ctx: Ctx, username: string): Promise<{ id: string; token: string }> {
  const { accountId } = await createLocalAccount(ctx, { username, password: `${username} password!`, approved: true });
  const tok = await issueToken(ctx, { appId: null, accountId, scopes: ["read", "write", "follow"] });
  return { id: accountId, token: tok.accessToken };
}

export function api(base: string) {
  return async (token: string, method: string, path: string, json?: unknown): Promise<any> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(json === undefined ? {} : { "content-type": "application/json" }) },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const body = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${body}`);
    return body ? JSON.parse(body) : null;
  };
}

/** The object id of an activity, also when the object is embedded. */
export function objectId(a: ReceivedActivity): string | null {
  const o = a.raw?.object;
  return typeof o === "string" ? o : (o?.id ?? null);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the app's workers; the function returned stops them and waits until they have. */
export function startWorkers(app: { startWorkers(signal: AbortSignal): Promise<void> }): () => Promise<void> {
  const workers = new AbortController();
  const working = app.startWorkers(workers.signal);
  return async () => {
    workers.abort();
    await working;
  };
}
