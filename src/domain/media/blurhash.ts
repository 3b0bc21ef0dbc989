// BlurHash (https://blurha.sh) encoder: a few dozen bytes that clients paint while the image
// loads. Written here rather than adding a dependency; it runs on a 32x32 thumbnail, so its
// cost is negligible next to decoding the upload.

const DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

function encode83(value: number, length: number): string {
  let out = "";
  for (let i = 1; i <= length; i++) out += DIGITS[Math.floor(value / 83 ** (length - i)) % 83];
  return out;
}

const toLinear = (v: number): number => {
  const x = v / 255;
  return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
};

const toSrgb = (v: number): number => {
  const x = Math.max(0, Math.min(1, v));
  return x <= 0.0031308 ? Math.round(x * 12.92 * 255 + 0.5) : Math.round((1.055 * x ** (1 / 2.4) - 0.055) * 255 + 0.5);
};

const signPow = (v: number, exp: number): number => Math.sign(v) * Math.abs(v) ** exp;

/** `pixels`: packed RGB (3 bytes per pixel), `width` x `height`. */
export function encodeBlurhash(pixels: Uint8Array, width: number, height: number, xComponents = 4, yComponents = 3): string {
  if (pixels.length < width * height * 3) throw new Error("blurhash: not enough pixel data");
  const linear = new Float64Array(width * height * 3);
  for (let i = 0; i < linear.length; i++) linear[i] = toLinear(pixels[i]);
  const factors: [number, number, number][] = [];
  for (let j = 0; j < yComponents; j++) {
    for (let i = 0; i < xComponents; i++) {
      const norm = i === 0 && j === 0 ? 1 : 2;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let y = 0; y < height; y++) {
        const cy = Math.cos((Math.PI * j * y) / height);
        for (let x = 0; x < width; x++) {
          const basis = Math.cos((Math.PI * i * x) / width) * cy;
          const p = (y * width + x) * 3;
          r += basis * linear[p];
          g += basis * linear[p + 1];
          b += basis * linear[p + 2];
        }
      }
      const scale = norm / (width * height);
      factors.push([r * scale, g * scale, b * scale]);
    }
  }
  const [dc, ...ac] = factors;
  let hash = encode83(xComponents - 1 + (yComponents - 1) * 9, 1);
  let maximum = 1;
  if (ac.length > 0) {
    const actualMax = Math.max(...ac.flat().map(Math.abs));
    const quantised = Math.floor(Math.max(0, Math.min(82, Math.floor(actualMax * 166 - 0.5))));
    maximum = (quantised + 1) / 166;
    hash += encode83(quantised, 1);
  } else {
    hash += encode83(0, 1);
  }
  hash += encode83((toSrgb(dc[0]) << 16) + (toSrgb(dc[1]) << 8) + toSrgb(dc[2]), 4);
  const q = (v: number) => Math.floor(Math.max(0, Math.min(18, Math.floor(signPow(v / maximum, 0.5) * 9 + 9.5))));
  for (const [r, g, b] of ac) hash += encode83(q(r) * 19 * 19 + q(g) * 19 + q(b), 2);
  return hash;
}
