// Turns an uploaded image into the files we keep: decoded and re-encoded by sharp, so nothing
// of the original file survives but its pixels. Orientation from EXIF is applied first (the
// pixels end up the right way up), then every piece of metadata is left behind: EXIF (GPS,
// camera, time), XMP, IPTC, comments, PNG text chunks and ICC profiles (colours are converted
// to sRGB instead). sharp writes no metadata unless asked to, and we never ask.
import sharp, { type Sharp } from "sharp";
import type { MediaMeta } from "../../db/schema/index.ts";
import { encodeBlurhash } from "./blurhash.ts";
import { MediaError } from "./errors.ts";

/** Decoding more than this many pixels is refused (a 16 MP photo is about 4900x3300). */
export const MAX_INPUT_PIXELS = 16_777_216;
/** The kept "original" fits in this box, as Mastodon's does. */
export const ORIGINAL_BOX = 1920;
export const SMALL_BOX = 640;

type OutputFormat = { ext: "jpg" | "png" | "webp"; contentType: string; encode: (s: Sharp) => Sharp };

const JPEG: OutputFormat = { ext: "jpg", contentType: "image/jpeg", encode: (s) => s.jpeg({ quality: 85, mozjpeg: true }) };
const PNG: OutputFormat = { ext: "png", contentType: "image/png", encode: (s) => s.png({ compressionLevel: 8 }) };
const WEBP: OutputFormat = { ext: "webp", contentType: "image/webp", encode: (s) => s.webp({ quality: 85 }) };

/**
 * Accepted inputs, by what the bytes are (not what the client says they are). A GIF becomes a
 * still PNG of its first frame: keeping animation honestly would mean a video pipeline (gifv).
 */
const OUTPUT_FOR: Record<string, OutputFormat> = { jpeg: JPEG, png: PNG, webp: WEBP, gif: PNG };

export type Rendition = { bytes: Buffer; width: number; height: number };
export type ProcessedImage = {
  ext: OutputFormat["ext"];
  contentType: string;
  original: Rendition;
  small: Rendition;
  meta: MediaMeta;
  blurhash: string | null;
};

const dims = (r: Rendition) => ({ width: r.width, height: r.height, size: `${r.width}x${r.height}`, aspect: r.width / r.height });

function open(bytes: Uint8Array): Sharp {
  // animated: false reads the first frame only; failOn "error" refuses truncated files.
  return sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, animated: false, failOn: "error" }).autoOrient().toColourspace("srgb");
}

async function render(base: Sharp, box: number, format: OutputFormat): Promise<Rendition> {
  const { data, info } = await format
    .encode(base.clone().resize(box, box, { fit: "inside", withoutEnlargement: true }))
    .toBuffer({ resolveWithObject: true });
  return { bytes: data, width: info.width, height: info.height };
}

async function blurhashOf(base: Sharp): Promise<string | null> {
  try {
    const { data, info } = await base.clone().resize(32, 32, { fit: "inside" }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return encodeBlurhash(data, info.width, info.height);
  } catch {
    return null; // a preview nicety: never a reason to refuse the upload
  }
}

export async function processImage(bytes: Uint8Array): Promise<ProcessedImage> {
  let format: string | undefined;
  try {
    ({ format } = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata());
  } catch (e) {
    const message = String((e as Error).message ?? e);
    if (/pixel limit/i.test(message)) throw new MediaError("invalid", `Images may have at most ${MAX_INPUT_PIXELS} pixels`);
    throw new MediaError("unsupported", "The file is not an image that can be read (accepted: JPEG, PNG, WebP, GIF)");
  }
  const output = format ? OUTPUT_FOR[format] : undefined;
  if (!output) throw new MediaError("unsupported", `Images of type ${format ?? "unknown"} are not accepted (accepted: JPEG, PNG, WebP, GIF)`);
  const base = open(bytes);
  try {
    const [original, small, blurhash] = await Promise.all([render(base, ORIGINAL_BOX, output), render(base, SMALL_BOX, output), blurhashOf(base)]);
    return {
      ext: output.ext,
      contentType: output.contentType,
      original,
      small,
      meta: { original: dims(original), small: dims(small) },
      blurhash,
    };
  } catch (e) {
    const message = String((e as Error).message ?? e);
    if (/pixel limit/i.test(message)) throw new MediaError("invalid", `Images may have at most ${MAX_INPUT_PIXELS} pixels`);
    throw new MediaError("invalid", "The image could not be decoded (damaged or truncated file)");
  }
}
