// RSS 2.0 and Atom feeds of a person's posts (/@name.rss, /@name.atom). Off unless both the site
// (instance setting feedsEnabled) and the person (users.privacy `feeds` = "on") turned them on;
// when on, a feed holds public posts only (DESIGN.md, privacy defaults). Feed readers are
// anonymous, so the gate is asked with an anonymous viewer, and then, because "the anonymous
// viewer may see it" is not the same as "meant for everyone" (an admin may widen logged-out
// access one day), only posts whose audience is public and not local-only are kept. Boosts are
// left out entirely: whether a boosted post may travel is its author's choice, not this person's.
import type { Context } from "hono";
import { eq } from "drizzle-orm";
import type { AppEnv } from "../mastodon/env.ts";
import { users } from "../db/schema/index.ts";
import { ANONYMOUS } from "../domain/audience/viewer.ts";
import { profileFacts, profileView } from "../domain/audience/facts.ts";
import { findLocalAccountByUsername, type AccountRow } from "../domain/accounts/find.ts";
import { accountStatusRows } from "../domain/accounts/statuses.ts";
import { accountUrl } from "../domain/accounts/urls.ts";
import { getSetting } from "../domain/instance/settings.ts";
import { serializeStatuses, type MastodonStatus } from "../mastodon/entities/status.ts";
import { escapeHtml } from "./html.ts";
import { notFoundPage } from "./public-page.ts";

const ITEMS = 20;
/** Rows read to find ITEMS public posts among the non-public ones; a short feed is fine. */
const SCAN = 200;

export type FeedKind = "rss" | "atom";

/** The person's public posts, newest first, or null when there is to be no feed at all. */
export async function feedPosts(c: Context<AppEnv>, username: string): Promise<{ account: AccountRow; name: string; posts: MastodonStatus[] } | null> {
  const ctx = c.var.ctx;
  if (!(await getSetting(ctx, "feedsEnabled"))) return null;
  const account = await findLocalAccountByUsername(ctx, username);
  if (!account) return null;
  const [user] = await ctx.db.select({ privacy: users.privacy }).from(users).where(eq(users.accountId, account.id));
  if (user?.privacy?.feeds !== "on") return null;
  const facts = (await profileFacts(ctx, ANONYMOUS, [account.id])).get(account.id)!;
  const view = profileView(ANONYMOUS, facts);
  if (!view.visible) return null;
  const name = view.parts.displayName && account.displayName ? account.displayName : `@${account.username}`;
  if (!view.parts.posts) return { account, name, posts: [] };
  const rows = await accountStatusRows(ctx, account.id, { pinned: false, excludeReplies: false, excludeReblogs: true }, { limit: SCAN });
  const serialized = await serializeStatuses(ctx, ANONYMOUS, rows.map((r) => r.status));
  const posts = serialized.filter((s) => s.caracol.audience === "public" && !s.local_only && s.reblog === null).slice(0, ITEMS);
  return { account, name, posts };
}

const x = escapeHtml;

function title(s: MastodonStatus): string {
  if (s.spoiler_text) return s.spoiler_text;
  const text = s.content.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
  const plain = text.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e]!);
  return plain.length > 80 ? `${plain.slice(0, 79)}…` : plain || "Post";
}

function rss(c: Context<AppEnv>, account: AccountRow, posts: MastodonStatus[], name: string): string {
  const home = accountUrl(c.var.ctx.config.origin, account.username);
  const items = posts.map(
    (s) => `<item>
<guid isPermaLink="true">${x(s.url ?? s.uri)}</guid>
<link>${x(s.url ?? s.uri)}</link>
<title>${x(title(s))}</title>
<pubDate>${new Date(s.created_at).toUTCString()}</pubDate>
<description>${x(s.content)}</description>
</item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>${x(name)}</title>
<link>${x(home)}</link>
<description>${x(`Public posts of @${account.username}`)}</description>
${items.join("\n")}
</channel>
</rss>
`;
}

function atom(c: Context<AppEnv>, account: AccountRow, posts: MastodonStatus[], name: string): string {
  const home = accountUrl(c.var.ctx.config.origin, account.username);
  const updated = posts[0]?.created_at ?? account.createdAt.toISOString();
  const entries = posts.map(
    (s) => `<entry>
<id>${x(s.uri)}</id>
<link rel="alternate" type="text/html" href="${x(s.url ?? s.uri)}"/>
<title>${x(title(s))}</title>
<published>${s.created_at}</published>
<updated>${s.edited_at ?? s.created_at}</updated>
<content type="html">${x(s.content)}</content>
</entry>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>${x(`${home}.atom`)}</id>
<title>${x(name)}</title>
<link rel="alternate" type="text/html" href="${x(home)}"/>
<link rel="self" href="${x(`${home}.atom`)}"/>
<author><name>${x(name)}</name><uri>${x(home)}</uri></author>
<updated>${updated}</updated>
${entries.join("\n")}
</feed>
`;
}

export async function feedResponse(c: Context<AppEnv>, username: string, kind: FeedKind): Promise<Response> {
  const found = await feedPosts(c, username);
  // Off and nonexistent look the same, so a feed URL does not tell who is here.
  if (!found) return notFoundPage(c);
  const { account, name, posts } = found;
  const body = kind === "rss" ? rss(c, account, posts, name) : atom(c, account, posts, name);
  const type = kind === "rss" ? "application/rss+xml" : "application/atom+xml";
  return c.body(body, 200, { "Content-Type": `${type}; charset=utf-8`, "Cache-Control": "public, max-age=300" });
}
