// Remote resolution as the Mastodon API uses it. Only signed-in people make this server fetch
// anything (a logged-out visitor cannot use it to probe or scrape other servers through us);
// everything found is still shown through the audience gate by the route's serialisers. Thread
// fetching is given a short time: the request answers with what is there by then, and the rest
// keeps arriving for the next view.
import { sql } from "drizzle-orm";
import { accounts } from "../db/schema/index.ts";
import type { Ctx } from "../domain/context.ts";
import type { Viewer } from "../domain/audience/viewer.ts";
import { resolveLogger as logger, budget, federationContext } from "./resolve-context.ts";
import { isLocalUri, resolveUrl, type AccountRow, type StatusRow } from "./resolve.ts";
import { resolveHandle } from "./resolve-webfinger.ts";
import { fetchThread } from "./resolve-thread.ts";

const HANDLE = /^@?([^@\s/:?#]+)@([a-z0-9.-]+(?::\d{1,5})?)$/i;
/** How long GET /statuses/:id/context waits for missing ancestors. */
export const CONTEXT_WAIT_MS = 3_000;

function signedIn(viewer: Viewer): boolean {
  return viewer.kind === "local";
}

/** `user@domain` on another server: the stored account, or (signed in) one looked up by WebFinger. */
export async function lookupRemoteAccount(ctx: Ctx, viewer: Viewer, username: string, domain: string): Promise<AccountRow | null> {
  const [known] = await ctx.db
    .select()
    .from(accounts)
    .where(sql`lower(${accounts.username}) = lower(${username}) and lower(${accounts.domain}) = ${domain.toLowerCase()}`);
  const fctx = signedIn(viewer) ? federationContext(ctx) : null;
  if (!fctx) return known ?? null;
  try {
    return (await resolveHandle(fctx, `${username}@${domain}`)) ?? known ?? null;
  } catch (error) {
    logger.warn("Lookup of {username}@{domain} failed: {error}", { username, domain, error: String(error) });
    return known ?? null;
  }
}

/** What `resolve=true` adds to a search: the account of a handle, or the account or post at a URL. */
export async function resolveForSearch(ctx: Ctx, viewer: Viewer, q: string): Promise<{ accounts: AccountRow[]; statuses: StatusRow[] }> {
  const none = { accounts: [], statuses: [] };
  const fctx = signedIn(viewer) ? federationContext(ctx) : null;
  if (!fctx) return none;
  const text = q.trim();
  try {
    if (/^https?:\/\//i.test(text)) {
      const found = await resolveUrl(fctx, text, budget(4));
      return { accounts: found.account ? [found.account] : [], statuses: found.status ? [found.status] : [] };
    }
    const m = HANDLE.exec(text);
    if (m && m[2].toLowerCase() !== ctx.config.domain.toLowerCase()) {
      const account = await resolveHandle(fctx, text);
      return { accounts: account ? [account] : [], statuses: [] };
    }
  } catch (error) {
    logger.warn("Resolving {q} failed: {error}", { q: text, error: String(error) });
  }
  return none;
}

/** Before a remote post's context is read: fetch its missing ancestors, for a little while. */
export async function fetchAncestorsForApi(ctx: Ctx, viewer: Viewer, status: StatusRow): Promise<void> {
  if (!signedIn(viewer) || isLocalUri(ctx, status.uri)) return;
  const fctx = federationContext(ctx);
  if (!fctx) return;
  const work = fetchThread(fctx, status.id).catch((error) => {
    logger.warn("Fetching the thread of {uri} failed: {error}", { uri: status.uri, error: String(error) });
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((r) => (timer = setTimeout(r, CONTEXT_WAIT_MS)))]);
  clearTimeout(timer);
}
