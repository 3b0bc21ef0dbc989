import type { Ctx } from "../../domain/context.ts";
import type { TagRow } from "../../domain/search/search.ts";

export type MastodonTag = { id: string; name: string; url: string; history: { day: string; uses: string; accounts: string }[]; following: boolean };

// Usage history is left empty: counting who used a tag each day is the kind of aggregate a
// harvester would read, and no client needs it to work.
export function tagToMastodon(ctx: Ctx, t: TagRow): MastodonTag {
  return { id: t.id, name: t.name, url: `${ctx.config.origin}/tags/${encodeURIComponent(t.name)}`, history: [], following: false };
}
