import type { MarkerRow } from "../../domain/timelines/markers.ts";

export type MastodonMarker = { last_read_id: string; version: number; updated_at: string };

/** Markers keyed by timeline, as GET and POST /api/v1/markers answer. */
export function markersToMastodon(rows: readonly MarkerRow[]): Record<string, MastodonMarker> {
  const out: Record<string, MastodonMarker> = {};
  for (const m of rows) out[m.timeline] = { last_read_id: m.lastReadId, version: m.version, updated_at: m.updatedAt.toISOString() };
  return out;
}
