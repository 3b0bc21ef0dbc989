// Link previews, fetched after posts are stored (by a scheduled job, so a slow page never slows
// posting and a crash loses nothing: a post without a status_preview_cards row is still due).
// Only public posts that may leave this server are ever looked at, and every fetch goes through
// the choke point, which checks that again.
import { and, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import { previewCards, statuses, statusPreviewCards } from "../../db/schema/index.ts";
import { idAtTime, newId } from "../../lib/id.ts";
import { appLogger } from "../../lib/logging.ts";
import type { Ctx } from "../context.ts";
import { readPageMeta, firstLink } from "./page-meta.ts";
import { sendToIntegration, type Transport } from "./send.ts";
import { IntegrationError, integrationState } from "./state.ts";
import { isOpenToEveryone } from "../audience/gate.ts";

export type PreviewCard = typeof previewCards.$inferSelect;

/** Posts older than this are not previewed any more (a backlog after a long outage is dropped). */
const LOOK_BACK_MS = 24 * 3600_000;

/** The card for one post: fetched (or reused when another post linked the same page). */
async function cardFor(ctx: Ctx, transport: Transport, post: typeof statuses.$inferSelect, link: string): Promise<string | null> {
  const [known] = await ctx.db.select({ id: previewCards.id }).from(previewCards).where(eq(previewCards.url, link));
  if (known) return known.id;
  const res = await sendToIntegration(ctx, transport, "link-previews", post, { url: link, accept: "text/html,application/xhtml+xml", maxBytes: 1024 * 1024 });
  if (res.status < 200 || res.status > 299 || !/html/i.test(res.contentType)) return null;
  const page = readPageMeta(res.body, res.url);
  if (!page.title) return null;
  const [row] = await ctx.db
    .insert(previewCards)
    .values({ id: newId(), url: link, title: page.title.slice(0, 500), description: page.description.slice(0, 2000), providerName: page.siteName.slice(0, 200), authorName: page.author.slice(0, 200), imageUrl: page.image, width: page.width, height: page.height })
    .onConflictDoUpdate({ target: previewCards.url, set: { url: link } })
    .returning({ id: previewCards.id });
  return row!.id;
}

/** Previews due posts (public, federating, recent, not looked at yet); returns how many were looked at. */
export async function fetchDueLinkPreviews(ctx: Ctx, transport: Transport, limit = 20): Promise<number> {
  const state = await integrationState(ctx, "link-previews");
  if (!state.enabled) return 0;
  // Posts written while it was off were written under the promise that nothing leaves.
  const since = new Date(Math.max(Date.now() - LOOK_BACK_MS, Date.parse(state.enabledAt ?? "") || 0));
  const due = await ctx.db
    .select({ s: statuses })
    .from(statuses)
    .leftJoin(statusPreviewCards, eq(statusPreviewCards.statusId, statuses.id))
    .where(and(eq(statuses.audience, "public"), eq(statuses.localOnly, false), isNull(statuses.reblogOfId), gt(statuses.id, idAtTime(since)), isNull(statusPreviewCards.statusId)))
    .orderBy(sql`${statuses.id} desc`)
    .limit(limit);
  for (const { s } of due) {
    const link = firstLink(s.content);
    let cardId: string | null = null;
    if (link) {
      try {
        cardId = await cardFor(ctx, transport, s, link);
      } catch (error) {
        if (error instanceof IntegrationError && error.kind === "off") return 0;
        appLogger.info("No preview for {link}: {error}", { link, error });
      }
    }
    await ctx.db.insert(statusPreviewCards).values({ statusId: s.id, cardId }).onConflictDoNothing();
  }
  return due.length;
}

/** Cards of the given posts; public ones only, whatever is stored. */
export async function cardsByStatus(ctx: Ctx, posts: readonly { id: string; audience: string; localOnly: boolean }[]): Promise<Map<string, PreviewCard>> {
  const ids = posts.filter(isOpenToEveryone).map((p) => p.id);
  if (!ids.length) return new Map();
  const rows = await ctx.db
    .select({ statusId: statusPreviewCards.statusId, card: previewCards })
    .from(statusPreviewCards)
    .innerJoin(previewCards, eq(previewCards.id, statusPreviewCards.cardId))
    .where(inArray(statusPreviewCards.statusId, ids));
  return new Map(rows.map((r) => [r.statusId, r.card]));
}
