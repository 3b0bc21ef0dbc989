// One HTTP read for the policy scanners, through the SSRF-safe fetch. Never throws: a refusal,
// a timeout or an answer that is not JSON is a result too, recorded as evidence ("unknown"),
// never mistaken for a clean answer.
import type { Ctx } from "../../domain/context.ts";
import { safeFetch, SafeFetchError, userAgentFor } from "../fetch/index.ts";

/** Peers lists of large servers run to a few MiB. */
const MAX_BYTES = 8 * 1024 * 1024;
export const SCAN_TIMEOUT_MS = 10_000;

export type Fetched = {
  url: string;
  /** null when the request failed before an answer */
  status: number | null;
  /** the parsed body of a 2xx JSON answer, else undefined */
  json: unknown;
  /** why there is no usable body */
  note?: string;
};

export type ScanOptions = { timeoutMs?: number };

export async function getJson(ctx: Ctx, url: string, init: { method?: "GET" | "POST"; body?: unknown } & ScanOptions = {}): Promise<Fetched> {
  try {
    const res = await safeFetch(url, {
      allowPrivateAddress: ctx.config.allowPrivateAddress,
      userAgent: userAgentFor(ctx.config.origin),
      method: init.method ?? "GET",
      headers: init.body === undefined ? undefined : { "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      timeoutMs: init.timeoutMs ?? SCAN_TIMEOUT_MS,
      maxBytes: MAX_BYTES,
    });
    if (!res.ok) return { url, status: res.status, json: undefined, note: `answered ${res.status}` };
    try {
      return { url, status: res.status, json: res.json() };
    } catch {
      return { url, status: res.status, json: undefined, note: "not JSON" };
    }
  } catch (error) {
    const note = error instanceof SafeFetchError ? `${error.code}: ${error.message}` : `failed: ${(error as Error).message}`;
    return { url, status: null, json: undefined, note };
  }
}

/** Host names from a list that may hold strings or objects with a `domain` (Lemmy's Instance). */
export function hostList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const item of value) {
    const name = typeof item === "string" ? item : item && typeof item === "object" ? (item as Record<string, unknown>).domain : undefined;
    if (typeof name === "string" && name.trim()) out.push(name.trim().toLowerCase());
  }
  return out;
}
