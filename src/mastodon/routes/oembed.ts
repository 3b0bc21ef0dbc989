// GET /api/oembed?url=...: embed data for one of our posts, as Mastodon answers it. An embed is
// shown on other sites to anyone, so only posts the anonymous viewer may see AND whose audience
// is public (not local-only) get one; everything else is 404, the same as a post that does not
// exist. The token, if any, is ignored: an embed never carries what only its requester may see.
import { Hono } from "hono";
import { and, eq } from "drizzle-orm";
import type { AppEnv } from "../env.ts";
import { statuses } from "../../db/schema/index.ts";
import { ANONYMOUS } from "../../domain/audience/viewer.ts";
import { findLocalAccountByUsername } from "../../domain/accounts/find.ts";
import { accountUrl, statusUrl } from "../../domain/accounts/urls.ts";
import { isId } from "../../lib/id.ts";
import { serializeStatuses } from "../entities/status.ts";
import { notFound } from "../errors.ts";
import { escapeHtml } from "../../web/html.ts";

/** `/@name/123` or `/users/name/statuses/123` on our own origin. */
function parseStatusUrl(origin: string, raw: string | undefined): { username: string; id: string } | null {
  if (!raw || raw.length > 2000) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.origin !== origin) return null;
  const m = url.pathname.match(/^\/@([A-Za-z0-9_.-]+)\/(\d+)\/?$/) ?? url.pathname.match(/^\/users\/([A-Za-z0-9_.-]+)\/statuses\/(\d+)\/?$/);
  return m && isId(m[2]) ? { username: m[1], id: m[2] } : null;
}

export function oembedRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/oembed", async (c) => {
    const ctx = c.var.ctx;
    const { origin, domain } = ctx.config;
    const target = parseStatusUrl(origin, c.req.query("url"));
    if (!target) throw notFound();
    const account = await findLocalAccountByUsername(ctx, target.username);
    if (!account) throw notFound();
    const [row] = await ctx.db.select().from(statuses).where(and(eq(statuses.id, target.id), eq(statuses.accountId, account.id)));
    if (!row || row.reblogOfId) throw notFound();
    const [status] = await serializeStatuses(ctx, ANONYMOUS, [row]);
    if (!status || status.caracol.audience !== "public" || status.local_only) throw notFound();
    // A signed-in caller is asked about too: someone the author blocks gets no embed from us.
    if (c.var.viewer.kind !== "anonymous" && (await serializeStatuses(ctx, c.var.viewer, [row])).length === 0) throw notFound();

    const width = Math.min(Math.max(Number.parseInt(c.req.query("maxwidth") ?? "", 10) || 400, 100), 1000);
    const authorUrl = accountUrl(origin, account.username);
    const postUrl = statusUrl(origin, account.username, status.id);
    const authorName = status.account.display_name || account.username;
    // A quote of the post rather than an iframe: our pages refuse to be framed (frame-ancestors 'none').
    const body = status.spoiler_text ? `<p>${escapeHtml(status.spoiler_text)}</p>` : status.content;
    const html = `<blockquote class="caracol-embed" cite="${escapeHtml(postUrl)}">${body}<footer>— <a href="${escapeHtml(authorUrl)}">${escapeHtml(authorName)} (@${escapeHtml(account.username)}@${escapeHtml(domain)})</a>, <a href="${escapeHtml(postUrl)}">${status.created_at.slice(0, 10)}</a></footer></blockquote>`;
    return c.json({
      type: "rich",
      version: "1.0",
      title: `New status by ${account.username}`,
      author_name: authorName,
      author_url: authorUrl,
      provider_name: domain,
      provider_url: `${origin}/`,
      cache_age: 86400,
      html,
      width,
      height: null,
    });
  });

  return app;
}
