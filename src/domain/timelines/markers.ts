// Read positions that apps sync between devices. `version` lets an app notice it lost a race.
import { and, eq, inArray, sql } from "drizzle-orm";
import { markers } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";

export const MARKER_TIMELINES = ["home", "notifications"] as const;
export type MarkerTimeline = (typeof MARKER_TIMELINES)[number];
export type MarkerRow = typeof markers.$inferSelect;

export async function getMarkers(ctx: Ctx, accountId: string, timelines: readonly MarkerTimeline[]): Promise<MarkerRow[]> {
  if (timelines.length === 0) return [];
  return ctx.db
    .select()
    .from(markers)
    .where(and(eq(markers.accountId, accountId), inArray(markers.timeline, [...timelines])));
}

/** Sets each given marker; a new one starts at version 0 and each change adds one. */
export async function setMarkers(ctx: Ctx, accountId: string, values: Partial<Record<MarkerTimeline, string>>): Promise<MarkerRow[]> {
  const out: MarkerRow[] = [];
  for (const timeline of MARKER_TIMELINES) {
    const lastReadId = values[timeline];
    if (lastReadId === undefined) continue;
    const now = new Date();
    const [row] = await ctx.db
      .insert(markers)
      .values({ accountId, timeline, lastReadId, version: 0, updatedAt: now })
      .onConflictDoUpdate({
        target: [markers.accountId, markers.timeline],
        set: { lastReadId, updatedAt: now, version: sql`${markers.version} + 1` },
      })
      .returning();
    out.push(row);
  }
  return out;
}
