import { Hono } from "hono";
import { deflateSync } from "node:zlib";
import type { AppEnv } from "../mastodon/env.ts";

/** A one-colour PNG, made at start-up so the repo carries no binary files. */
function solidPng(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

export function staticRoutes() {
  const app = new Hono<AppEnv>();
  const avatar = solidPng(120, 120, [0x8a, 0x9a, 0xa8]);
  const header = solidPng(300, 100, [0xd8, 0xde, 0xe4]);
  const png = (bytes: Uint8Array) => () =>
    new Response(bytes as BodyInit, { headers: { "content-type": "image/png", "cache-control": "public, max-age=86400" } });
  app.get("/static/avatar.png", png(avatar));
  app.get("/static/header.png", png(header));
  return app;
}
