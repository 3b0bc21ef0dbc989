// Recurring abuse-resistance work: rate-limit counters are dropped once their window has ended,
// so the client addresses in them are kept minutes, not days; subscribed IP lists are re-read
// when due.
import type { ScheduledJob } from "./jobs.ts";
import { purgeRateLimitCounters } from "../domain/abuse/rate-limit.ts";
import { dueIpLists, syncIpList } from "../domain/abuse/ip-lists.ts";
import { ipListLoader } from "./ip-list-loader.ts";
import { appLogger } from "../lib/logging.ts";

export const purgeRateLimitCountersJob: ScheduledJob = {
  name: "purge rate-limit counters",
  everyMs: 5 * 60_000,
  run: async (ctx) => {
    await purgeRateLimitCounters(ctx);
  },
};

export const syncIpListsJob: ScheduledJob = {
  name: "sync subscribed IP lists",
  everyMs: 15 * 60_000,
  run: async (ctx, _federation, signal) => {
    for (const sub of await dueIpLists(ctx)) {
      if (signal.aborted) return;
      const outcome = await syncIpList(ctx, sub, ipListLoader(ctx), true);
      if (!outcome.ok) appLogger.warn("IP list {name} was not applied: {error}", { name: sub.name, error: outcome.error });
    }
  },
};
