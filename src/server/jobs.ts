// Recurring background work (re-fetching subscribed blocklists, refreshing transitive scans,
// purging old data). Each job finds for itself what is due (from timestamps in the database),
// so a tick that runs twice, or in two processes at once, does no harm.
import type { Ctx } from "../domain/context.ts";
import type { CaracolFederation } from "../federation/federation.ts";
import { appLogger } from "../lib/logging.ts";
import { transitiveScanJob } from "../federation/policy-scan/job.ts";
import { purgeRateLimitCountersJob, syncIpListsJob } from "./abuse-jobs.ts";
import { purgeAddressesJob } from "./privacy-jobs.ts";
import { purgeDetectionJob } from "./access-recorder.ts";
import { blocklistSubscriptionsJob } from "../federation/policy-lists/sync-subscription.ts";
import { mediaPurgeJob } from "../domain/media/purge.ts";
import { linkPreviewsJob } from "./integrations.ts";

export type ScheduledJob = {
  name: string;
  /** how often to look for due work */
  everyMs: number;
  run(ctx: Ctx, federation: CaracolFederation, signal: AbortSignal): Promise<void>;
};

/** One line per job module. */
export const SCHEDULED_JOBS: ScheduledJob[] = [
  blocklistSubscriptionsJob,
  transitiveScanJob,
  purgeRateLimitCountersJob,
  syncIpListsJob,
  purgeAddressesJob,
  purgeDetectionJob,
  linkPreviewsJob,
  mediaPurgeJob,
];

/** Runs every job once shortly after start, then on its interval, until the signal aborts. */
export async function runScheduledJobs(ctx: Ctx, federation: CaracolFederation, signal: AbortSignal, jobs = SCHEDULED_JOBS): Promise<void> {
  await Promise.all(jobs.map((job) => loop(ctx, federation, signal, job)));
}

async function loop(ctx: Ctx, federation: CaracolFederation, signal: AbortSignal, job: ScheduledJob): Promise<void> {
  let delay = 30_000;
  while (!signal.aborted) {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, delay);
      signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
    });
    if (signal.aborted) return;
    try {
      await job.run(ctx, federation, signal);
    } catch (error) {
      appLogger.error("Scheduled job {name} failed: {error}", { name: job.name, error });
    }
    delay = job.everyMs;
  }
}
