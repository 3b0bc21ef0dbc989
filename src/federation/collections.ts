// Followers, following and featured collections. What a viewer gets of the social graph is what
// the account's profile audiences allow them (hidden by default: no items and no count).
import type { Context, RequestContext } from "@fedify/fedify";
import { and, desc, eq, inArray } from "drizzle-orm";
import { accounts, follows, pins, statuses } from "../db/schema/index.ts";
import type { Ctx } from "../domain/context.ts";
import { localAccountByUsername } from "../domain/accounts/create.ts";
import { filterVisibleStatuses, profileFacts, profileView } from "../domain/audience/facts.ts";
import type { ProfilePart } from "../domain/audience/profile.ts";
import type { CaracolFederation } from "./federation.ts";
import { authorizeFetch } from "./federation.ts";
import { fetchViewer } from "./remote-viewer.ts";
import { statusToNote } from "./note.ts";
import type { Note } from "@fedify/vocab";

const isRequest = (c: Context<Ctx>): c is RequestContext<Ctx> => "request" in c && (c as RequestContext<Ctx>).request instanceof Request;

/** Which parts of the social graph of `username` the requester may see. */
async function graphAccess(fctx: Context<Ctx>, username: string, list: ProfilePart, countPart: ProfilePart) {
  if (!isRequest(fctx)) return null;
  const account = await localAccountByUsername(fctx.data, username);
  const viewer = await fetchViewer(fctx);
  if (!account || !viewer) return { account: null, items: false, count: false };
  const facts = (await profileFacts(fctx.data, viewer, [account.id])).get(account.id)!;
  const view = profileView(viewer, facts);
  return { account, items: view.parts[list], count: view.parts[countPart] };
}

/** Whether the requester may list `accountId`'s posts at all (the profile's "list of posts" part). */
export async function mayListPosts(fctx: Context<Ctx>, viewer: Parameters<typeof profileView>[0], accountId: string): Promise<boolean> {
  const facts = (await profileFacts(fctx.data, viewer, [accountId])).get(accountId);
  return !!facts && profileView(viewer, facts).parts.posts;
}

const PAGE = 50;

export function registerCollections(federation: CaracolFederation): void {
  federation
    .setFollowersDispatcher("/users/{identifier}/followers", async (fctx, identifier) => {
      const access = await graphAccess(fctx, identifier, "followers", "followersCount");
      if (!access?.account || !access.items) return { items: [] };
      const rows = await fctx.data.db
        .select({ uri: accounts.uri, inbox: accounts.inboxUrl, shared: accounts.sharedInboxUrl })
        .from(follows)
        .innerJoin(accounts, eq(accounts.id, follows.accountId))
        .where(eq(follows.targetAccountId, access.account.id))
        .orderBy(desc(follows.id))
        .limit(PAGE);
      return {
        items: rows.map((r) => ({
          id: new URL(r.uri),
          inboxId: r.inbox ? new URL(r.inbox) : null,
          endpoints: r.shared ? { sharedInbox: new URL(r.shared) } : null,
        })),
      };
    })
    .setCounter(async (fctx, identifier) => {
      const access = await graphAccess(fctx, identifier, "followers", "followersCount");
      return access?.account && access.count ? access.account.followersCount : null;
    })
    .authorize(authorizeFetch);

  federation
    .setFollowingDispatcher("/users/{identifier}/following", async (fctx, identifier) => {
      const access = await graphAccess(fctx, identifier, "following", "followingCount");
      if (!access?.account || !access.items) return { items: [] };
      const rows = await fctx.data.db
        .select({ uri: accounts.uri })
        .from(follows)
        .innerJoin(accounts, eq(accounts.id, follows.targetAccountId))
        .where(eq(follows.accountId, access.account.id))
        .orderBy(desc(follows.id))
        .limit(PAGE);
      return { items: rows.map((r) => new URL(r.uri)) };
    })
    .setCounter(async (fctx, identifier) => {
      const access = await graphAccess(fctx, identifier, "following", "followingCount");
      return access?.account && access.count ? access.account.followingCount : null;
    })
    .authorize(authorizeFetch);

  federation
    .setFeaturedDispatcher("/users/{identifier}/collections/featured", async (fctx, identifier) => {
      const viewer = await fetchViewer(fctx);
      const account = await localAccountByUsername(fctx.data, identifier);
      if (!viewer || !account || !(await mayListPosts(fctx, viewer, account.id))) return { items: [] };
      const pinned = fctx.data.db.select({ id: pins.statusId }).from(pins).where(eq(pins.accountId, account.id));
      const rows = await fctx.data.db.select().from(statuses).where(and(eq(statuses.accountId, account.id), inArray(statuses.id, pinned)));
      const items: Note[] = [];
      for (const s of await filterVisibleStatuses(fctx.data, viewer, rows)) {
        const note = await statusToNote(fctx, s, account.username);
        if (note) items.push(note);
      }
      return { items };
    })
    .authorize(authorizeFetch);
}
