// Public profile and post pages: /@name, /@name/:id, and /users/name for browsers. What each
// viewer sees is what the audience gate allows (profileView for the profile parts,
// serializeStatuses for the posts); nothing here decides visibility on its own.
import { Hono, type Context } from "hono";
import { and, eq } from "drizzle-orm";
import type { AppEnv } from "../mastodon/env.ts";
import { statuses } from "../db/schema/index.ts";
import { findLocalAccountByUsername, type AccountRow } from "../domain/accounts/find.ts";
import { accountStatusRows } from "../domain/accounts/statuses.ts";
import { profileFacts, profileView, type ProfileView } from "../domain/audience/facts.ts";
import { serializeStatuses, type MastodonStatus } from "../mastodon/entities/status.ts";
import { visibleStatusPage } from "../mastodon/status-page.ts";
import { isId } from "../lib/id.ts";
import { html, SafeHtml } from "./html.ts";
import { currentSession } from "./session.ts";
import { NOINDEX, notFoundPage, publicPage, robotsFor, signInRequiredPage, viewerOf } from "./public-page.ts";
import { feedResponse } from "./feeds.ts";

const PAGE_SIZE = 20;
const HANDLE = "@[A-Za-z0-9_.-]+";

/** Post content, bios and field values are stored sanitised (when stored), so they go in as they are. */
const rawHtml = (s: string): SafeHtml => new SafeHtml(s);

const date = (iso: string) => iso.slice(0, 10);

/** Links from remote servers end up in href: only http(s) ones are kept. */
const safeUrl = (u: string | null | undefined): string | null => (u && /^https?:\/\//i.test(u) ? u : null);

function statusHtml(s: MastodonStatus): SafeHtml {
  const shown = s.reblog ?? s;
  const link = safeUrl(shown.url) ?? safeUrl(shown.uri);
  const body = rawHtml(shown.content);
  const media = shown.media_attachments.map((m) => html`<li><a href="${safeUrl(m.url) ?? "#"}">${m.description || "Attachment"}</a></li>`);
  const content = shown.spoiler_text
    ? html`<details><summary>${shown.spoiler_text}</summary>${body}</details>`
    : body;
  return html`<article class="post">
${s.reblog ? html`<p class="notice">Boosted from @${shown.account.acct}</p>` : ""}
${content}
${media.length ? html`<ul>${media}</ul>` : ""}
<p>${link ? html`<a href="${link}">${date(shown.created_at)}</a>` : date(shown.created_at)}</p>
</article>`;
}

function profileHeader(a: AccountRow, view: ProfileView): SafeHtml {
  const p = view.parts;
  const counts = [
    p.statusesCount ? html`<li>${a.statusesCount} posts</li>` : "",
    p.followingCount ? html`<li>${a.followingCount} following</li>` : "",
    p.followersCount ? html`<li>${a.followersCount} followers</li>` : "",
    p.joinDate ? html`<li>Joined ${date(a.createdAt.toISOString())}</li>` : "",
  ];
  return html`<section class="profile">
${p.avatar && safeUrl(a.avatarUrl) ? html`<img src="${a.avatarUrl}" alt="" width="96" height="96">` : ""}
<p><strong>${p.displayName && a.displayName ? a.displayName : a.username}</strong> @${a.username}</p>
${p.bio && a.note ? html`<div class="bio">${rawHtml(a.note)}</div>` : ""}
${p.fields && a.fields.length ? html`<dl class="fields">${a.fields.map((f) => html`<dt>${f.name}</dt><dd>${rawHtml(f.value)}</dd>`)}</dl>` : ""}
${counts.some((x) => x) ? html`<ul class="counts">${counts}</ul>` : ""}
</section>`;
}

/** The account and how it looks to this viewer; null when there is no such (visible) person. */
async function loadProfile(c: Context<AppEnv>, username: string) {
  const ctx = c.var.ctx;
  const session = await currentSession(c);
  const viewer = viewerOf(session);
  const account = await findLocalAccountByUsername(ctx, username);
  if (!account) return { session, viewer, account: null, view: null, facts: null };
  const facts = (await profileFacts(ctx, viewer, [account.id])).get(account.id)!;
  return { session, viewer, account, view: profileView(viewer, facts), facts };
}

async function profilePage(c: Context<AppEnv>, username: string): Promise<Response> {
  const ctx = c.var.ctx;
  const { session, viewer, account, view, facts } = await loadProfile(c, username);
  if (!account || !view || !facts) return notFoundPage(c, session?.username);
  if (!view.visible) {
    // "none" for a logged-out visitor: say why rather than pretend the profile is missing.
    if (viewer.kind === "anonymous" && facts.loggedOutAccess === "none" && !facts.suspended) return signInRequiredPage(c, `/@${account.username}`);
    return notFoundPage(c, session?.username);
  }
  let posts: SafeHtml;
  if (!view.parts.posts) {
    posts = viewer.kind === "anonymous" ? html`<p class="notice">Sign in to see the posts.</p>` : html`<p>Posts are not shown to you.</p>`;
  } else {
    const maxId = c.req.query("max_id");
    const page = { maxId: maxId && isId(maxId) ? maxId : undefined, limit: PAGE_SIZE };
    const noFilters = { pinned: false, excludeReplies: false, excludeReblogs: false };
    const result = await visibleStatusPage(ctx, viewer, page, (p) => accountStatusRows(ctx, account.id, noFilters, p));
    const older =
      result.statuses.length === PAGE_SIZE && result.oldest
        ? html`<p><a rel="next" href="/@${account.username}?max_id=${result.oldest}">Older posts</a></p>`
        : "";
    posts = result.statuses.length ? html`${result.statuses.map(statusHtml)}${older}` : html`<p>No posts to show.</p>`;
  }
  const body = html`${profileHeader(account, view)}<h2>Posts</h2>${posts}`;
  // A profile page lists posts of several audiences, so it stays out of search engines.
  return publicPage(c, { title: `@${account.username}`, body, signedInAs: session?.username, robots: NOINDEX });
}

async function postPage(c: Context<AppEnv>, username: string, id: string): Promise<Response> {
  const ctx = c.var.ctx;
  const { session, viewer, account, view } = await loadProfile(c, username);
  if (!account || !view?.visible || !isId(id)) return notFoundPage(c, session?.username);
  const [row] = await ctx.db.select().from(statuses).where(and(eq(statuses.id, id), eq(statuses.accountId, account.id)));
  // A boost has no page of its own; its original does.
  if (!row || row.reblogOfId) return notFoundPage(c, session?.username);
  const [status] = await serializeStatuses(ctx, viewer, [row]);
  if (!status) return notFoundPage(c, session?.username);
  const body = html`<p><a href="/@${account.username}">${view.parts.displayName && account.displayName ? account.displayName : account.username}</a> @${account.username}</p>${statusHtml(status)}`;
  return publicPage(c, { title: `Post by @${account.username}`, body, signedInAs: session?.username, robots: robotsFor(account, row) });
}

export function profileRoutes() {
  const app = new Hono<AppEnv>();

  app.get(`/:handle{${HANDLE}}`, async (c) => {
    const name = c.req.param("handle").slice(1);
    const feed = name.match(/^(.+)\.(rss|atom)$/);
    // A person whose name itself ends in .rss keeps their profile; everyone else gets a feed.
    if (feed && !(await findLocalAccountByUsername(c.var.ctx, name))) return feedResponse(c, feed[1], feed[2] as "rss" | "atom");
    return profilePage(c, name);
  });

  app.get(`/:handle{${HANDLE}}/:id`, (c) => postPage(c, c.req.param("handle").slice(1), c.req.param("id")));

  // Fedify answers ActivityPub requests for /users/*; a browser asking for HTML ends up here.
  app.get("/users/:username", (c) => {
    const accept = c.req.header("accept") ?? "";
    if (!accept.includes("text/html")) return c.notFound();
    return c.redirect(`/@${encodeURIComponent(c.req.param("username"))}`, 302);
  });

  return app;
}
