// A plain HTTP server on a loopback address serving blocklists, with ETags and 304s, whose
// documents a test changes between syncs (as a list's maintainer would upstream).
import http from "node:http";
import { createHash } from "node:crypto";
import type { AddressInfo } from "node:net";

export type ListServer = {
  url(path: string): string;
  set(path: string, body: string | Uint8Array, type?: string): void;
  remove(path: string): void;
  /** requests answered 304 Not Modified */
  notModified: number;
  close(): Promise<void>;
};

export async function startListServer(host = "127.0.0.5"): Promise<ListServer> {
  const docs = new Map<string, { body: Buffer; type: string }>();
  const state = { notModified: 0 };
  const server = http.createServer((req, res) => {
    const doc = docs.get(new URL(req.url ?? "/", "http://x").pathname);
    if (!doc) return res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    const etag = `"${createHash("sha256").update(doc.body).digest("hex").slice(0, 16)}"`;
    if (req.headers["if-none-match"] === etag) {
      state.notModified++;
      return res.writeHead(304, { etag }).end();
    }
    res.writeHead(200, { "content-type": doc.type, etag }).end(doc.body);
  });
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://${host}:${port}${path}`,
    set: (path, body, type = "text/csv") => void docs.set(path, { body: Buffer.from(body), type }),
    remove: (path) => void docs.delete(path),
    get notModified() {
      return state.notModified;
    },
    close: () => new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }),
  };
}
