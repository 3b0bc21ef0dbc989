// The scheduled refresh of transitive scans: every hour it looks for servers whose evidence is
// older than the transitiveScanHours setting (24 by default) or that were never scanned. With
// the transitive policy off nothing is fetched: the scans would change nothing.
import type { ScheduledJob } from "../../server/jobs.ts";
import type { Ctx } from "../../domain/context.ts";
import { getSetting } from "../../domain/instance/settings.ts";
import { scanDueServers, type ScanResult } from "./scan.ts";

export async function runTransitiveScan(ctx: Ctx, signal?: AbortSignal): Promise<ScanResult[]> {
  if ((await getSetting(ctx, "transitivePolicy")) === "off") return [];
  return scanDueServers(ctx, { olderThanHours: await getSetting(ctx, "transitiveScanHours"), signal });
}

export const transitiveScanJob: ScheduledJob = {
  name: "transitive-scan",
  everyMs: 3600_000,
  run: async (ctx, _federation, signal) => {
    await runTransitiveScan(ctx, signal);
  },
};
