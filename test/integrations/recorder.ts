// A stand-in for the outside world of integrations: a real HTTP server on loopback that records
// every request it receives (method, path, headers, body), serves a page with OpenGraph tags
// under /page/..., and answers LibreTranslate's POST /translate.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Received = { method: string; path: string; headers: http.IncomingHttpHeaders; body: string };
export type Recorder = { origin: string; received: Received[]; close(): Promise<void> };

const PAGE = (path: string) => `<!doctype html><html><head>
<title>Fallback title</title>
<meta property="og:title" content="A page &amp; its card">
<meta property="og:description" content="What ${path} is about">
<meta property="og:site_name" content="Recorder">
<meta property="og:image" content="/image.png">
<meta property="og:image:width" content="640"><meta property="og:image:height" content="480">
</head><body>hello</body></html>`;

export async function startRecorder(host = "127.0.0.1"): Promise<Recorder> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body });
      if (req.method === "GET" && req.url?.startsWith("/page/")) {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE(req.url));
      } else if (req.method === "POST" && req.url === "/translate") {
        const q = (JSON.parse(body) as { q: string }).q;
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ translatedText: `[translated] ${q}`, detectedLanguage: { language: "es", confidence: 90 } }));
      } else res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const origin = `http://${host}:${(server.address() as AddressInfo).port}`;
  return { origin, received, close: () => new Promise((r) => server.close(() => r())) };
}
