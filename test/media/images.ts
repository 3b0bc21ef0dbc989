// Real image files for the media tests, built with sharp: a JPEG carrying EXIF (GPS included)
// and an orientation, a PNG carrying a text chunk. Plus small helpers around uploads.
import sharp from "sharp";
import zlib from "node:zlib";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestApp } from "../helpers/app.ts";

export const GPS_MARKER = "secretgpsdatum";
export const EXIF_MARKER = "secretartist";
export const PNG_TEXT_MARKER = "secretpngtext";

/** 40x20 pixels stored, EXIF orientation 6 (shown rotated: 20x40), GPS position and an artist. */
export async function jpegWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 40, height: 20, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Artist: EXIF_MARKER },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 30/1", GPSLongitudeRef: "E", GPSLongitude: "2/1 17/1 40/1", GPSMapDatum: GPS_MARKER },
    })
    .toBuffer();
}

/** A PNG with a tEXt chunk after IHDR (sharp does not write text chunks, so it is spliced in). */
export async function pngWithText(width = 30, height = 30): Promise<Buffer> {
  const png = await sharp({ create: { width, height, channels: 4, background: { r: 0, g: 255, b: 0, alpha: 0.5 } } }).png().toBuffer();
  const data = Buffer.from(`Comment\0${PNG_TEXT_MARKER}`);
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write("tEXt", 4, "latin1");
  data.copy(chunk, 8);
  chunk.writeUInt32BE(zlib.crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  const afterIhdr = 8 + 25; // signature, then IHDR (length, type, 13 bytes, CRC)
  return Buffer.concat([png.subarray(0, afterIhdr), chunk, png.subarray(afterIhdr)]);
}

export function form(file: { bytes: Uint8Array; type: string; name?: string; field?: string }, fields: Record<string, string> = {}): FormData {
  const f = new FormData();
  f.append(file.field ?? "file", new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name ?? "upload.bin");
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
}

export async function upload(app: TestApp, token: string, bytes: Uint8Array, type: string, fields: Record<string, string> = {}, version = "v2"): Promise<Response> {
  return app.request(`/api/${version}/media`, { method: "POST", token, body: form({ bytes, type }, fields) });
}

/** The media id and file path of a successful upload. */
export async function uploaded(app: TestApp, token: string, bytes: Uint8Array, type = "image/jpeg"): Promise<{ id: string; url: string; path: string }> {
  const res = await upload(app, token, bytes, type);
  if (res.status !== 200) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
  const m = await res.json();
  return { id: m.id, url: m.url, path: new URL(m.url).pathname };
}

/** The file on disk behind a /media/<key>/<file> URL. */
export function diskPath(app: TestApp, url: string): string {
  const [, , key, file] = new URL(url, app.config.origin).pathname.split("/");
  return path.join(app.config.mediaDir, key.slice(0, 2), key, file);
}

export async function tempMediaDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "caracol-media-"));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
