// Outbound HTTP for everything Caracol fetches from other servers (ActivityPub documents,
// NodeInfo, blocklists, ...). Built on node:http rather than fetch() because the address check
// has to happen where the socket connects: the DNS answer is validated inside the `lookup` the
// socket itself uses, and the connected peer address is checked again, so a name that resolves
// to a public address for a pre-check and to 127.0.0.1 a moment later (DNS rebinding) cannot
// get through. Redirects are followed by hand so that every hop is checked the same way.
import http from "node:http";
import https from "node:https";
import net from "node:net";
import dns from "node:dns";
import zlib from "node:zlib";
import type { Readable } from "node:stream";
import { FetchError } from "@fedify/fedify";
import { CARACOL_VERSION } from "../../lib/version.ts";
import { isPublicAddress } from "./address.ts";

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 5;

export type SafeFetchErrorCode =
  | "bad_url"
  | "forbidden_address"
  | "too_many_redirects"
  | "too_large"
  | "timeout"
  | "network";

/** A refused or failed outbound fetch. A FetchError, so Fedify treats it like its own. */
export class SafeFetchError extends FetchError {
  readonly code: SafeFetchErrorCode;
  constructor(url: URL | string, code: SafeFetchErrorCode, message: string, cause?: unknown) {
    super(url, message);
    this.name = "SafeFetchError";
    this.code = code;
    if (cause !== undefined) this.cause = cause;
  }
}

/** Resolves a host name to addresses; replaceable so tests can play a DNS server. */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

export type SafeFetchOptions = {
  /** Allow loopback, private and other non-public addresses (tests on loopback only). */
  allowPrivateAddress?: boolean;
  method?: string;
  headers?: HeadersInit;
  body?: string | Uint8Array;
  /** Default: application/json. */
  accept?: string;
  /** Default: `Caracol/<version>`; pass `userAgentFor(origin)`. */
  userAgent?: string;
  /** Total time for all hops and the body (default 10 s). */
  timeoutMs?: number;
  /** Largest (decoded) body accepted (default 1 MiB). */
  maxBytes?: number;
  /** Redirects followed before giving up (default 5). */
  maxRedirects?: number;
  signal?: AbortSignal;
  /**
   * Called for the first request and again for each redirect hop, for example to sign it with
   * an HTTP signature that must cover the URL actually requested. Must keep the headers it got.
   */
  prepare?: (request: Request) => Request | Promise<Request>;
  resolve?: Resolver;
  /**
   * Which addresses count as public when allowPrivateAddress is off (default isPublicAddress).
   * A seam for tests, which can only run servers on loopback yet need a "public" one.
   */
  isAllowedAddress?: (address: string) => boolean;
};

export type SafeResponse = {
  /** The URL of the final hop. */
  url: string;
  status: number;
  ok: boolean;
  redirected: boolean;
  headers: Headers;
  body: Uint8Array;
  text(): string;
  json(): unknown;
  /** A standard Response with the (already size-limited) body, for APIs that want one. */
  toResponse(): Response;
};

/** The User-Agent we send: `Caracol/<version> (+<origin>)`, so admins can tell who fetched. */
export function userAgentFor(origin: string): string {
  return `Caracol/${CARACOL_VERSION} (+${origin})`;
}

type Hop = { status: number; headers: Headers; body: Uint8Array };

/** Fetches `input` with the protections described at the top of this file. */
export async function safeFetch(input: string | URL, options: SafeFetchOptions = {}): Promise<SafeResponse> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  let url = parseUrl(input);
  const firstOrigin = url.origin;
  let method = (options.method ?? "GET").toUpperCase();
  let body = options.body;
  const headers = new Headers(options.headers);
  if (!headers.has("user-agent")) headers.set("user-agent", options.userAgent ?? `Caracol/${CARACOL_VERSION}`);
  if (!headers.has("accept")) headers.set("accept", options.accept ?? "application/json");
  if (!headers.has("accept-encoding")) headers.set("accept-encoding", "gzip, deflate, br");
  for (let redirects = 0; ; redirects++) {
    if (url.origin !== firstOrigin) {
      // Credentials meant for the first server are not handed to whoever it redirects to.
      for (const h of ["authorization", "cookie", "proxy-authorization"]) headers.delete(h);
    }
    const payload = body === undefined ? null : typeof body === "string" ? body : new Uint8Array(body);
    let request = new Request(url, { method, headers, body: payload, redirect: "manual" });
    if (options.prepare) request = await options.prepare(request);
    let hop: Hop;
    try {
      hop = await requestOnce(url, request, signal, options);
    } catch (error) {
      if (error instanceof SafeFetchError) throw error;
      if (timeout.aborted) throw new SafeFetchError(url, "timeout", `Timed out after ${timeoutMs} ms: ${url.href}`, error);
      if (options.signal?.aborted) throw options.signal.reason;
      throw new SafeFetchError(url, "network", `Could not fetch ${url.href}: ${(error as Error).message}`, error);
    }
    const location = hop.headers.get("location");
    if (hop.status >= 300 && hop.status < 400 && location !== null) {
      if (redirects >= maxRedirects) {
        throw new SafeFetchError(url, "too_many_redirects", `More than ${maxRedirects} redirects: ${url.href}`);
      }
      url = parseUrl(location, url);
      if (hop.status === 303 || ((hop.status === 301 || hop.status === 302) && method === "POST")) {
        method = "GET";
        body = undefined;
      }
      continue;
    }
    const finalUrl = url.href;
    const result = hop;
    return {
      url: finalUrl,
      status: result.status,
      ok: result.status >= 200 && result.status < 300,
      redirected: redirects > 0,
      headers: result.headers,
      body: result.body,
      text: () => new TextDecoder().decode(result.body),
      json: () => JSON.parse(new TextDecoder().decode(result.body)),
      toResponse: () =>
        new Response(result.status === 204 || result.status === 304 ? null : new Uint8Array(result.body), {
          status: result.status,
          headers: result.headers,
        }),
    };
  }
}

function parseUrl(input: string | URL, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(input, base);
  } catch (error) {
    // FetchError needs a URL, and there is none to give.
    throw new SafeFetchError("about:invalid", "bad_url", `Not a valid URL: ${String(input)}`, error);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new SafeFetchError(url, "bad_url", `Only http and https URLs are fetched, not ${url.protocol}`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new SafeFetchError(url, "bad_url", "URLs with credentials are not fetched");
  }
  return url;
}

function forbidden(url: URL, address: string): SafeFetchError {
  return new SafeFetchError(url, "forbidden_address", `Refused to connect to non-public address ${address} for ${url.href}`);
}

/** A socket `lookup` that only hands out addresses we may connect to. */
function guardedLookup(url: URL, resolve: Resolver, allowed: (a: string) => boolean, onRefused: (e: SafeFetchError) => void) {
  return (hostname: string, opts: dns.LookupOptions, callback: (...args: any[]) => void) => {
    resolve(hostname).then(
      (all) => {
        const family = opts.family === 4 || opts.family === "IPv4" ? 4 : opts.family === 6 || opts.family === "IPv6" ? 6 : 0;
        const addresses = all.filter((a) => family === 0 || a.family === family);
        if (addresses.length === 0) {
          const e = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
          return callback(e);
        }
        // One non-public answer refuses the host: a name pointing partly inside is not innocent.
        const bad = addresses.find((a) => !allowed(a.address));
        if (bad) {
          const e = forbidden(url, bad.address);
          onRefused(e);
          return callback(e);
        }
        if (opts.all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      },
      (error) => callback(error),
    );
  };
}

async function requestOnce(url: URL, request: Request, signal: AbortSignal, options: SafeFetchOptions): Promise<Hop> {
  const allowed =
    options.allowPrivateAddress === true ? () => true : (options.isAllowedAddress ?? isPublicAddress);
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  // Node connects to IP literals without calling `lookup`, so they are checked here.
  if (net.isIP(host) !== 0 && !allowed(host)) throw forbidden(url, host);
  const body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let refused: SafeFetchError | undefined;
  return await new Promise<Hop>((resolvePromise, reject) => {
    const fail = (error: unknown) => reject(refused ?? error);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = value));
    const req = (url.protocol === "https:" ? https : http).request(url, {
      method: request.method,
      headers,
      agent: false, // no pooled sockets: each connection is made, and checked, for this request
      signal,
      lookup: guardedLookup(url, options.resolve ?? systemResolver, allowed, (e) => (refused = e)) as any,
    });
    req.on("socket", (socket) => {
      socket.once("connect", () => {
        // The address actually connected to, whatever resolved it.
        const remote = socket.remoteAddress;
        if (remote === undefined || !allowed(remote)) {
          refused = forbidden(url, remote ?? "unknown");
          req.destroy(refused);
        }
      });
    });
    req.on("error", fail);
    req.on("response", (res) => {
      const responseHeaders = new Headers();
      for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
        responseHeaders.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
      }
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && responseHeaders.has("location")) {
        res.resume(); // the body of a redirect is of no interest
        return resolvePromise({ status, headers: responseHeaders, body: new Uint8Array() });
      }
      const length = Number(responseHeaders.get("content-length") ?? "0");
      const encoding = (responseHeaders.get("content-encoding") ?? "identity").trim().toLowerCase();
      if (encoding === "identity" && length > maxBytes) {
        fail(new SafeFetchError(url, "too_large", `Response larger than ${maxBytes} bytes: ${url.href}`));
        return res.destroy();
      }
      let stream: Readable = res;
      const decoder =
        encoding === "gzip" || encoding === "x-gzip"
          ? zlib.createGunzip()
          : encoding === "deflate"
            ? zlib.createInflate()
            : encoding === "br"
              ? zlib.createBrotliDecompress()
              : null;
      if (decoder) {
        stream = res.pipe(decoder);
        res.on("error", (e) => decoder.destroy(e));
        // The decoded body is what we hand on, so its own headers no longer apply.
        responseHeaders.delete("content-encoding");
        responseHeaders.delete("content-length");
      }
      const chunks: Buffer[] = [];
      let size = 0;
      // The limit applies to decoded bytes, so a small compressed bomb is cut off as well.
      stream.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          // Settle first: destroying the streams emits events that would report something else.
          fail(new SafeFetchError(url, "too_large", `Response larger than ${maxBytes} bytes: ${url.href}`));
          stream.destroy();
          res.destroy();
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      stream.on("error", fail);
      res.on("aborted", () => fail(new Error("connection closed before the body was complete")));
      stream.on("end", () => resolvePromise({ status, headers: responseHeaders, body: new Uint8Array(Buffer.concat(chunks)) }));
    });
    if (body !== undefined) req.end(body);
    else req.end();
  });
}
