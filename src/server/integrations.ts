// The integrations' HTTP client (safeFetch: SSRF-safe, size- and time-limited, never follows a
// redirect to a private address) and the scheduled job that fetches link previews.
import type { Ctx } from "../domain/context.ts";
import type { Transport } from "../domain/integrations/send.ts";
import { fetchDueLinkPreviews } from "../domain/integrations/link-previews.ts";
import { safeFetch } from "../federation/fetch/index.ts";
import type { ScheduledJob } from "./jobs.ts";

export function integrationTransport(ctx: Ctx): Transport {
  return async (r) => {
    const res = await safeFetch(r.url, {
      method: r.method,
      headers: r.headers,
      body: r.body,
      maxBytes: r.maxBytes,
      timeoutMs: r.timeoutMs,
      allowPrivateAddress: ctx.config.allowPrivateAddress,
    });
    return { status: res.status, url: res.url, contentType: res.headers.get("content-type") ?? "", body: res.text() };
  };
}

export const linkPreviewsJob: ScheduledJob = {
  name: "link previews",
  everyMs: 15_000,
  run: async (ctx) => {
    await fetchDueLinkPreviews(ctx, integrationTransport(ctx));
  },
};
