// Forgets client addresses and user agents once CARACOL_IP_RETENTION_HOURS has passed.
import type { ScheduledJob } from "./jobs.ts";
import { purgeAddresses } from "../domain/privacy/retention.ts";

export const purgeAddressesJob: ScheduledJob = {
  name: "purge-addresses",
  // a window counted in hours is overrun by at most this much
  everyMs: 10 * 60_000,
  run: async (ctx) => {
    await purgeAddresses(ctx);
  },
};
