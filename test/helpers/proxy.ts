// Remote media URLs go through the media proxy (/proxy/<kind>.<hmac>.<base64url(url)>), so a
// test that expects a remote URL compares what the token stands for, and a test that checks a
// remote URL is absent must look inside tokens too (the URL is not in them as plain text).
import assert from "node:assert/strict";

const TOKEN = /\/proxy\/[mi]\.[A-Za-z0-9_-]{43}\.([A-Za-z0-9_-]+)/g;

/** The remote URL behind one proxied URL; fails when the URL is not a proxy URL. */
export function unproxy(url: string | null | undefined): string {
  assert.ok(url && new URL(url).pathname.startsWith("/proxy/"), `not a proxied URL: ${url}`);
  return Buffer.from(new URL(url).pathname.split(".").at(-1)!, "base64url").toString("utf8");
}

/** The text with every proxy token replaced by the URL it stands for (for "does not contain" checks). */
export function revealProxied(text: string): string {
  return text.replace(TOKEN, (_, b64: string) => `/proxy/${Buffer.from(b64, "base64url").toString("utf8")}`);
}
