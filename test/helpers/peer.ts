// A small ActivityPub server of our own for federation tests, built on Fedify: actors (Person
// with an RSA-2048 key pair) at /users/NAME, WebFinger, personal and shared inboxes that verify
// HTTP signatures (Fedify refuses anything unverified with 401) and record what they accept,
// objects it publishes for others to fetch, and signed sending of any JSON to any inbox.
// It lives on loopback (give each peer its own 127.0.0.x), so private addresses are allowed.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import {
  createFederation,
  getDocumentLoader,
  MemoryKvStore,
  signRequest,
  verifyRequest,
} from "@fedify/fedify";
import type { Federation, HttpMessageSignaturesSpec } from "@fedify/fedify";
import { Activity, Endpoints, Person } from "@fedify/vocab";

const AS = "https://www.w3.org/ns/activitystreams";

export type PeerOptions = {
  /** A loopback address of its own, so domain rules can tell peers apart (default 127.0.0.2). */
  host?: string;
  port?: number;
  actors: string[];
  /** Published objects and collections answer only signed GETs (actor documents stay
   * readable, so that others can fetch the key that verifies our own signatures). */
  requireSignedFetch?: boolean;
  /**
   * Plain JSON documents served at fixed paths (NodeInfo, /api/v1/instance/peers, ...), or an
   * HTTP status to answer there instead; changeable later through `peer.routes`.
   */
  routes?: Record<string, unknown | { status: number }>;
};

export type ReceivedActivity = {
  id: string | null;
  type: string;
  actor: string | null;
  /** The object's id when it has one (or is a bare URL), else null; see `raw.object`. */
  object: string | null;
  to: string[];
  cc: string[];
  /** The JSON exactly as it was posted. */
  raw: any;
  inbox: "shared" | "personal";
  /** The addressee of a personal inbox; null for the shared inbox. */
  recipient: string | null;
  /** The key id of the HTTP signature, checked here as well; null if only an LD signature or
   * object proof made Fedify accept it. */
  signedBy: string | null;
};

export type Refused = { path: string; status: number; body: string; signed: boolean };
export type FetchRecord = { path: string; status: number; signedBy: string | null };
export type SendOptions = {
  spec?: HttpMessageSignaturesSpec;
  /** Sign with another key (a forgery) or not at all. */
  privateKey?: CryptoKey;
  unsigned?: boolean;
};

export type Peer = {
  origin: string;
  host: string;
  port: number;
  federation: Federation<RequestData>;
  actorUrl(name: string): string;
  inboxUrl(name: string): string;
  sharedInboxUrl: string;
  keyId(name: string): string;
  /** Accepted activities, in order of arrival. */
  received: ReceivedActivity[];
  /** Inbox POSTs that were refused (bad or missing signature, ...). */
  refused: Refused[];
  /** GETs of published objects and of `routes`. */
  fetches: FetchRecord[];
  /** The documents of options.routes, by path (edit to change what the peer serves). */
  routes: Map<string, unknown | { status: number }>;
  /** Serves `object` (given an id under this peer if it has none) and returns it. */
  publish(actor: string, object: Record<string, unknown>): Record<string, any>;
  publishNote(actor: string, note: { content: string; to?: string[]; cc?: string[]; inReplyTo?: string }): Record<string, any>;
  /** A fresh activity id under this peer. */
  newId(kind?: string): string;
  /** POSTs `activity`, signed as `from`, to `inbox`; ids under this peer are also published. */
  send(from: string, inbox: string, activity: Record<string, unknown>, options?: SendOptions): Promise<{ status: number; body: string }>;
  /** A slow server: until release(), inbox POSTs wait unanswered; `waiting` counts them. */
  hold(): void;
  release(): void;
  readonly waiting: number;
  /** Resolves with the first received activity (already there or yet to come) that matches. */
  waitFor(match: (a: ReceivedActivity) => boolean, timeoutMs?: number): Promise<ReceivedActivity>;
  close(): Promise<void>;
};

type RequestData = { raw: any; signedBy: string | null } | null;

const idOf = (value: unknown): string | null =>
  typeof value === "string" ? value : value && typeof value === "object" && typeof (value as any).id === "string" ? (value as any).id : null;
const list = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(idOf).filter((v): v is string => v !== null);

async function rsaKeyPair(): Promise<CryptoKeyPair> {
  // RSA-2048 as Mastodon uses: Fedify's generateCryptoKeyPair() makes slower 4096-bit keys.
  return (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
}

export async function startPeer(options: PeerOptions): Promise<Peer> {
  const host = options.host ?? "127.0.0.2";
  const keys = new Map<string, CryptoKeyPair>();
  for (const name of options.actors) keys.set(name, await rsaKeyPair());
  const received: ReceivedActivity[] = [];
  const refused: Refused[] = [];
  const fetches: FetchRecord[] = [];
  const objects = new Map<string, Record<string, any>>();
  const loader = getDocumentLoader({ allowPrivateAddress: true });
  let counter = 0;
  let held: { gate: Promise<void>; open: () => void } | null = null;
  let waiting = 0;

  const federation = createFederation<RequestData>({ kv: new MemoryKvStore(), allowPrivateAddress: true });
  federation
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
      if (!keys.has(identifier)) return null;
      const pairs = await ctx.getActorKeyPairs(identifier);
      return new Person({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        name: identifier,
        inbox: ctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        followers: ctx.getFollowersUri(identifier),
        outbox: ctx.getOutboxUri(identifier),
        publicKey: pairs[0].cryptographicKey,
        assertionMethods: pairs.map((p) => p.multikey),
      });
    })
    .setKeyPairsDispatcher((_ctx, identifier) => {
      const pair = keys.get(identifier);
      return pair ? [pair] : [];
    });
  const signedOnly = async (ctx: { getSignedKey(): Promise<unknown> }) =>
    !options.requireSignedFetch || (await ctx.getSignedKey()) !== null;
  federation.setFollowersDispatcher("/users/{identifier}/followers", () => ({ items: [] })).authorize(signedOnly);
  federation.setOutboxDispatcher("/users/{identifier}/outbox", () => ({ items: [] })).authorize(signedOnly);
  federation
    .setInboxListeners("/users/{identifier}/inbox", "/inbox")
    .on(Activity, (ctx, activity) => {
      const raw = ctx.data?.raw ?? null;
      received.push({
        id: activity.id?.href ?? null,
        type: typeof raw?.type === "string" ? raw.type : activity.constructor.name,
        actor: idOf(raw?.actor) ?? activity.actorId?.href ?? null,
        object: idOf(raw?.object) ?? activity.objectId?.href ?? null,
        to: list(raw?.to),
        cc: list(raw?.cc),
        raw,
        inbox: ctx.recipient === null ? "shared" : "personal",
        recipient: ctx.recipient,
        signedBy: ctx.data?.signedBy ?? null,
      });
    });

  /** The key id of a valid HTTP signature on `request`, or null. */
  async function signer(request: Request): Promise<string | null> {
    const spec = request.headers.has("signature-input") ? "rfc9421" : "draft-cavage-http-signatures-12";
    const key = await verifyRequest(request, { documentLoader: loader, contextLoader: loader, spec }).catch(() => null);
    return key?.id?.href ?? null;
  }

  const routes = new Map(Object.entries(options.routes ?? {}));

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (routes.has(url.pathname) && (request.method === "GET" || request.method === "POST")) {
      const doc = routes.get(url.pathname);
      const status = doc && typeof doc === "object" && "status" in doc && Object.keys(doc).length === 1 ? (doc as { status: number }).status : 200;
      fetches.push({ path: url.pathname, status, signedBy: null });
      return status === 200 ? Response.json(doc) : new Response("", { status });
    }
    const object = objects.get(url.pathname);
    if (object && (request.method === "GET" || request.method === "HEAD")) {
      const signedBy = request.headers.has("signature") || request.headers.has("signature-input") ? await signer(request) : null;
      const status = options.requireSignedFetch && signedBy === null ? 401 : 200;
      fetches.push({ path: url.pathname, status, signedBy });
      if (status === 401) return new Response("Signature required", { status, headers: { vary: "Signature" } });
      return Response.json(object, { headers: { "content-type": "application/activity+json" } });
    }
    if (request.method === "POST" && (url.pathname === "/inbox" || /^\/users\/[^/]+\/inbox$/.test(url.pathname))) {
      if (held) {
        waiting++;
        await held.gate;
        waiting--;
      }
      // Fedify consumes the body; keep the exact bytes to verify and to record.
      const body = await request.text();
      const copy = () => new Request(request.url, { method: "POST", headers: request.headers, body });
      let raw: any = null;
      try {
        raw = JSON.parse(body);
      } catch {
        // Fedify answers malformed JSON itself.
      }
      const signedBy = await signer(copy());
      const response = await federation.fetch(copy(), { contextData: { raw, signedBy } });
      if (!response.ok) {
        const signed = copy().headers.has("signature") || copy().headers.has("signature-input");
        refused.push({ path: url.pathname, status: response.status, body: await response.clone().text(), signed });
      }
      return response;
    }
    return federation.fetch(request, { contextData: null });
  }

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: handle, port: options.port ?? 0, hostname: host }, () => resolve(s));
    s.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${host}:${port}`;
  const actorUrl = (name: string) => `${origin}/users/${name}`;

  function publish(actor: string, object: Record<string, unknown>): Record<string, any> {
    const id = typeof object.id === "string" ? object.id : `${origin}/users/${actor}/objects/${++counter}`;
    const stored = { "@context": AS, attributedTo: actorUrl(actor), ...object, id };
    if (!id.startsWith(`${origin}/`)) throw new Error(`${id} is not under ${origin}`);
    objects.set(new URL(id).pathname, stored);
    return stored;
  }

  return {
    origin,
    host,
    port,
    federation,
    actorUrl,
    inboxUrl: (name) => `${actorUrl(name)}/inbox`,
    sharedInboxUrl: `${origin}/inbox`,
    // Fedify names the first RSA key of an actor #main-key, as Mastodon does.
    keyId: (name) => `${actorUrl(name)}#main-key`,
    received,
    refused,
    fetches,
    routes,
    publish,
    publishNote: (actor, note) =>
      publish(actor, {
        type: "Note",
        content: note.content,
        to: note.to ?? [`${AS}#Public`],
        cc: note.cc ?? [],
        ...(note.inReplyTo ? { inReplyTo: note.inReplyTo } : {}),
        published: new Date().toISOString(),
      }),
    newId: (kind = "activities") => `${origin}/${kind}/${++counter}`,
    async send(from, inbox, activity, sendOptions = {}) {
      const pair = keys.get(from);
      if (!pair) throw new Error(`${from} is not an actor of this peer`);
      const json: Record<string, unknown> = { "@context": AS, ...activity };
      if (typeof json.id === "string" && json.id.startsWith(`${origin}/`)) publish(from, json);
      const request = new Request(inbox, {
        method: "POST",
        headers: { "content-type": "application/activity+json", accept: "application/activity+json" },
        body: JSON.stringify(json),
      });
      const signed = sendOptions.unsigned
        ? request
        : await signRequest(request, sendOptions.privateKey ?? pair.privateKey, new URL(`${actorUrl(from)}#main-key`), {
            spec: sendOptions.spec ?? "draft-cavage-http-signatures-12",
          });
      const response = await fetch(signed);
      return { status: response.status, body: await response.text() };
    },
    hold() {
      if (held) return;
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      held = { gate, open };
    },
    release() {
      held?.open();
      held = null;
    },
    get waiting() {
      return waiting;
    },
    async waitFor(match, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find(match);
        if (found) return found;
        if (Date.now() > deadline) {
          throw new Error(`No matching activity within ${timeoutMs} ms; received: ${JSON.stringify(received.map((r) => r.raw))}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
}
