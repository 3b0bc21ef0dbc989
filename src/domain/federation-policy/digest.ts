import { createHash } from "node:crypto";

/** SHA-256 hex of a domain name, as Mastodon publishes next to obfuscated domain blocks. */
export function sha256Hex(domain: string): string {
  return createHash("sha256").update(domain).digest("hex");
}
