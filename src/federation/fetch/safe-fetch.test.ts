// safeFetch against real HTTP servers on loopback. Tests can only run servers on 127.0.0.0/8,
// so where a test needs a "public" server, the server on 127.0.0.2 is declared public through
// the isAllowedAddress seam, and everything else keeps the real rule.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import zlib from "node:zlib";
import type { AddressInfo } from "node:net";
import { isPublicAddress } from "./address.ts";
import { SafeFetchError, safeFetch, userAgentFor } from "./safe-fetch.ts";
import type { Resolver, SafeFetchErrorCode } from "./safe-fetch.ts";

type Seen = { url: string; headers: http.IncomingHttpHeaders };
type Server = { base: string; port: number; seen: Seen[]; close(): Promise<void> };

async function serve(host: string, handler: http.RequestListener): Promise<Server> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? "", headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://${host}:${port}`,
    port,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const json = (res: http.ServerResponse, body: unknown, status = 200) =>
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));

/** 127.0.0.2 plays a public server; the rest of loopback stays private. */
const pretendPublic = (ip: string) => ip === "127.0.0.2" || (ip !== "127.0.0.1" && ip !== "127.0.0.3" && isPublicAddress(ip));

async function refusal(promise: Promise<unknown>, code: SafeFetchErrorCode): Promise<SafeFetchError> {
  const error = await promise.then(
    () => assert.fail(`expected a ${code} refusal`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof SafeFetchError, `expected SafeFetchError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return error;
}

let inside: Server; // 127.0.0.1: a private server
let outside: Server; // 127.0.0.2: the "public" one
let hidden: Server; // 127.0.0.3: private, only reachable through redirects

before(async () => {
  inside = await serve("127.0.0.1", (req, res) => {
    if (req.url === "/big") {
      res.writeHead(200, { "content-type": "application/json" });
      res.write("[");
      for (let i = 0; i < 2048; i++) res.write(`"${"x".repeat(1020)}",`);
      return res.end("0]");
    }
    if (req.url === "/declared-big") return res.writeHead(200, { "content-length": String(5 << 20) }).end();
    if (req.url === "/bomb") {
      const gz = zlib.gzipSync(Buffer.alloc(8 << 20));
      return res.writeHead(200, { "content-encoding": "gzip", "content-type": "application/json" }).end(gz);
    }
    if (req.url === "/gzip") {
      return res.writeHead(200, { "content-encoding": "gzip" }).end(zlib.gzipSync(JSON.stringify({ zipped: true })));
    }
    if (req.url === "/slow-headers") return; // never answers
    if (req.url === "/slow-body") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.write("{"); // and never finishes
    }
    if (req.url?.startsWith("/chain/")) {
      const n = Number(req.url.slice("/chain/".length));
      return n === 0 ? json(res, { end: true }) : res.writeHead(302, { location: `/chain/${n - 1}` }).end();
    }
    json(res, { hello: "inside" });
  });
  hidden = await serve("127.0.0.3", (_req, res) => json(res, { secret: true }));
  outside = await serve("127.0.0.2", (req, res) => {
    if (req.url === "/to-hidden") return res.writeHead(302, { location: `${hidden.base}/` }).end();
    if (req.url === "/to-localhost") return res.writeHead(301, { location: `http://localhost:${hidden.port}/` }).end();
    if (req.url === "/to-file") return res.writeHead(302, { location: "file:///etc/passwd" }).end();
    if (req.url === "/hop") return res.writeHead(307, { location: "/end" }).end();
    json(res, { hello: "outside", url: req.url });
  });
});
after(async () => {
  await Promise.all([inside.close(), outside.close(), hidden.close()]);
});

test("a private address is refused by default and fetched when allowPrivateAddress is set", async () => {
  await refusal(safeFetch(`${inside.base}/`), "forbidden_address");
  assert.equal(inside.seen.length, 0, "no connection was made");
  const ua = userAgentFor("https://caracol.example");
  const r = await safeFetch(`${inside.base}/`, { allowPrivateAddress: true, userAgent: ua, accept: "application/activity+json" });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json(), { hello: "inside" });
  const headers = inside.seen.at(-1)!.headers;
  assert.match(headers["user-agent"]!, /^Caracol\/\d+\.\d+\.\d+ \(\+https:\/\/caracol\.example\)$/);
  assert.equal(headers.accept, "application/activity+json");
});

test("a host name that resolves to loopback (localhost) is refused", async () => {
  await refusal(safeFetch(`http://localhost:${inside.port}/`), "forbidden_address");
  const r = await safeFetch(`http://localhost:${inside.port}/`, { allowPrivateAddress: true });
  assert.equal(r.status, 200);
});

test("each connection checks the address it resolved (no check-then-connect gap)", async () => {
  // A rebinding DNS server: a "public" answer first, a private one the next time.
  let calls = 0;
  const rebinding: Resolver = async () => [{ address: calls++ === 0 ? "127.0.0.2" : "127.0.0.3", family: 4 }];
  const url = `http://rebind.test:${outside.port}/`;
  const first = await safeFetch(url, { resolve: rebinding, isAllowedAddress: pretendPublic });
  assert.deepEqual(first.json(), { hello: "outside", url: "/" });
  await refusal(safeFetch(url, { resolve: rebinding, isAllowedAddress: pretendPublic }), "forbidden_address");
  // One private answer among public ones refuses the host.
  const mixed: Resolver = async () => [
    { address: "127.0.0.2", family: 4 },
    { address: "::1", family: 6 },
  ];
  await refusal(safeFetch(url, { resolve: mixed, isAllowedAddress: pretendPublic }), "forbidden_address");
  // The address the socket actually connected to is checked once more, after the lookup.
  const checked: string[] = [];
  const onlyOnce = (ip: string) => checked.push(ip) === 1 && pretendPublic(ip);
  const fixed: Resolver = async () => [{ address: "127.0.0.2", family: 4 }];
  await refusal(safeFetch(url, { resolve: fixed, isAllowedAddress: onlyOnce }), "forbidden_address");
  assert.deepEqual(checked, ["127.0.0.2", "127.0.0.2"]);
});

test("a redirect to a private address is refused, at every hop", async () => {
  await refusal(safeFetch(`${outside.base}/to-hidden`, { isAllowedAddress: pretendPublic }), "forbidden_address");
  await refusal(safeFetch(`${outside.base}/to-localhost`, { isAllowedAddress: pretendPublic }), "forbidden_address");
  assert.equal(hidden.seen.length, 0, "the private server was never reached");
  await refusal(safeFetch(`${outside.base}/to-file`, { isAllowedAddress: pretendPublic }), "bad_url");
  const ok = await safeFetch(`${outside.base}/hop`, { isAllowedAddress: pretendPublic });
  assert.equal(ok.url, `${outside.base}/end`);
  assert.equal(ok.redirected, true);
});

test("at most 5 redirects are followed", async () => {
  const five = await safeFetch(`${inside.base}/chain/5`, { allowPrivateAddress: true });
  assert.deepEqual(five.json(), { end: true });
  assert.equal(five.url, `${inside.base}/chain/0`);
  await refusal(safeFetch(`${inside.base}/chain/6`, { allowPrivateAddress: true }), "too_many_redirects");
  await refusal(safeFetch(`${inside.base}/chain/2`, { allowPrivateAddress: true, maxRedirects: 1 }), "too_many_redirects");
});

test("a body over the size limit is cut off with an error", async () => {
  await refusal(safeFetch(`${inside.base}/big`, { allowPrivateAddress: true }), "too_large");
  await refusal(safeFetch(`${inside.base}/declared-big`, { allowPrivateAddress: true }), "too_large");
  await refusal(safeFetch(`${inside.base}/bomb`, { allowPrivateAddress: true }), "too_large");
  const raised = await safeFetch(`${inside.base}/big`, { allowPrivateAddress: true, maxBytes: 4 << 20 });
  assert.equal((raised.json() as unknown[]).length, 2049);
  const zipped = await safeFetch(`${inside.base}/gzip`, { allowPrivateAddress: true });
  assert.deepEqual(zipped.json(), { zipped: true });
  assert.equal(zipped.headers.get("content-encoding"), null);
});

test("a slow server times out", async () => {
  const start = Date.now();
  await refusal(safeFetch(`${inside.base}/slow-headers`, { allowPrivateAddress: true, timeoutMs: 300 }), "timeout");
  await refusal(safeFetch(`${inside.base}/slow-body`, { allowPrivateAddress: true, timeoutMs: 300 }), "timeout");
  assert.ok(Date.now() - start < 3000, "both gave up quickly");
});

test("only http and https URLs are fetched", async () => {
  for (const url of ["file:///etc/passwd", "ftp://127.0.0.1/", "data:application/json,{}", "gopher://x/", "javascript:1", "nonsense"]) {
    await refusal(safeFetch(url, { allowPrivateAddress: true }), "bad_url");
  }
  await refusal(safeFetch(`http://user:pw@127.0.0.1:${inside.port}/`, { allowPrivateAddress: true }), "bad_url");
});

test("prepare() sees every hop, and the headers it sets are sent", async () => {
  const hops: string[] = [];
  const r = await safeFetch(`${outside.base}/hop`, {
    isAllowedAddress: pretendPublic,
    prepare: (request) => {
      hops.push(request.url);
      const headers = new Headers(request.headers);
      headers.set("signature", `signed ${new URL(request.url).pathname}`);
      return new Request(request, { headers });
    },
  });
  assert.equal(r.status, 200);
  assert.deepEqual(hops, [`${outside.base}/hop`, `${outside.base}/end`]);
  assert.deepEqual(outside.seen.slice(-2).map((s) => s.headers.signature), ["signed /hop", "signed /end"]);
});
