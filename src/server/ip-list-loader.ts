// Reads a subscribed IP list from where it lives: an https URL through the SSRF-safe fetch, or
// a file on this machine. Errors are thrown with a readable message (recorded as last_status).
import fs from "node:fs/promises";
import type { Ctx } from "../domain/context.ts";
import type { IpListLoader } from "../domain/abuse/ip-lists.ts";
import { safeFetch, userAgentFor } from "../federation/fetch/index.ts";

const MAX_BYTES = 8 * 1024 * 1024;

export function ipListLoader(ctx: Ctx): IpListLoader {
  return async (source) => {
    if (source.startsWith("/")) {
      const stat = await fs.stat(source);
      if (stat.size > MAX_BYTES) throw new Error(`the list is larger than ${MAX_BYTES} bytes`);
      return fs.readFile(source, "utf8");
    }
    const res = await safeFetch(source, {
      allowPrivateAddress: ctx.config.allowPrivateAddress,
      userAgent: userAgentFor(ctx.config.origin),
      accept: "text/plain, text/csv;q=0.9, */*;q=0.1",
      timeoutMs: 30_000,
      maxBytes: MAX_BYTES,
    });
    if (!res.ok) throw new Error(`the list's server answered ${res.status}`);
    return res.text();
  };
}
