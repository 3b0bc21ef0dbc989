// Pages about people and their posts. Unlike the site pages they may, when the person opted in,
// be indexed; so the robots meta tag and the X-Robots-Tag header are chosen here, together, and
// always say the same thing.
import type { Context } from "hono";
import type { AppEnv } from "../mastodon/env.ts";
import type { Viewer } from "../domain/audience/viewer.ts";
import { html, layout, page, type PageOptions } from "./html.ts";
import type { WebSession } from "../domain/accounts/sessions.ts";

/** The default: not indexed, not archived (DESIGN.md, privacy defaults). */
export const NOINDEX = "noindex, noarchive";
/** An opted-in person's public post: indexing allowed, archiving still not. */
export const INDEXABLE = "noarchive";

/** Indexing needs the person's opt-in and a post that anyone, anywhere, may read. */
export function robotsFor(account: { indexable: boolean }, status?: { audience: string; localOnly: boolean }): string {
  return account.indexable && status && status.audience === "public" && !status.localOnly ? INDEXABLE : NOINDEX;
}

/** A signed-in web session acts with all of its person's rights; no session is anonymous. */
export function viewerOf(session: WebSession | null): Viewer {
  return session ? { kind: "local", accountId: session.accountId, scopes: null } : { kind: "anonymous" };
}

// html.ts's layout hard-codes the site pages' robots tag; this swaps it for the chosen one.
const SITE_ROBOTS = '<meta name="robots" content="noindex">';

export function publicPage(c: Context<AppEnv>, opts: PageOptions & { robots: string }, status = 200): Response {
  // page() sets the protective headers; its body is then replaced by ours with the right tag.
  const base = page(c, opts, status);
  const body = layout(c, opts).replace(SITE_ROBOTS, html`<meta name="robots" content="${opts.robots}">`.value);
  const headers = new Headers(base.headers);
  headers.set("X-Robots-Tag", opts.robots);
  return new Response(body, { status, headers });
}

export function notFoundPage(c: Context<AppEnv>, signedInAs?: string | null): Response {
  const body = html`<p>There is nothing here, or it is not shown to you.</p><p><a href="/">Back to the home page</a></p>`;
  return publicPage(c, { title: "Not found", body, signedInAs, robots: NOINDEX }, 404);
}

/** Shown to logged-out visitors when the person or the site allows signed-in viewers only. */
export function signInRequiredPage(c: Context<AppEnv>, returnTo: string): Response {
  const body = html`<p class="notice">This profile is only visible to people who are signed in.</p>
<p><a href="/auth/sign_in?return_to=${returnTo}">Sign in</a> to see it. <a href="/about">About this server</a></p>`;
  return publicPage(c, { title: "Sign in to see this profile", body, robots: NOINDEX }, 403);
}
