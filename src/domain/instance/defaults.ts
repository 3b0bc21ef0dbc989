// Protective defaults that live in the database. Each is written once, on the first start, so
// that an admin who later removes one does not see it come back.
import { eq } from "drizzle-orm";
import { domainBlocks, instanceSettings } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { newId } from "../../lib/id.ts";

/** Meta's Threads: the harvester this server is designed against (DESIGN.md, privacy defaults). */
export const DEFAULT_SUSPENDED_DOMAINS = ["threads.net", "threads.com"];

const MARKER = "defaults.v1";

export async function ensureDefaults(ctx: Ctx): Promise<void> {
  const [done] = await ctx.db.select().from(instanceSettings).where(eq(instanceSettings.key, MARKER));
  if (done) return;
  await ctx.db.transaction(async (tx) => {
    for (const domain of DEFAULT_SUSPENDED_DOMAINS) {
      await tx
        .insert(domainBlocks)
        .values({ id: newId(), domain, severity: "suspend", rejectMedia: true, rejectReports: true, publicComment: "Meta's Threads: data harvesting", privateComment: "Caracol default" })
        .onConflictDoNothing();
    }
    await tx.insert(instanceSettings).values({ key: MARKER, value: { at: new Date().toISOString() } }).onConflictDoNothing();
  });
}
