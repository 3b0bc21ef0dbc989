// Who may load a local media file (decision record: docs/decisions, media capability URLs).
//
// A file URL is a capability: 128 random bits, given only to those the gate showed the post or
// profile to. Apps load images with plain GETs (no token on an <img>) and remote servers fetch
// attachments unsigned, so the URL alone must be enough for media of a post one may see. On
// top of that, every request is checked against what the gate says now:
//  - a deleted post's rows are gone with it: its files are a 404 at once;
//  - an upload not attached yet: only its uploader (token or web session), else 404;
//  - a request that says who it is (token, session) gets the file only if the gate lets that
//    viewer see the post or the profile part; being told "no" about someone is final (404);
//  - a request naming a server (an HTTP signature's keyId) that is blocked or held, or that is
//    restricted while the post is not public, gets 404; the claim is not verified, which is
//    safe because it can only take access away;
//  - a suspended author's files are a 404 for everyone but the author;
//  - otherwise, a request without credentials gets the file by the capability alone, with
//    private caching when the gate would not show it to a logged-out visitor.
import { eq } from "drizzle-orm";
import { accounts, mediaAttachments, statuses } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { ANONYMOUS, viewerAccountId, type Viewer } from "../audience/viewer.ts";
import { canViewStatusRow, profileFacts, profileView } from "../audience/facts.ts";
import { serverStanding } from "../federation-policy/standing.ts";
import { isMediaFileName, isStorageKey } from "./storage.ts";
import type { MediaRow } from "./uploads.ts";
import { isOpenToEveryone } from "../audience/gate.ts";

export type MediaRequest = {
  viewer: Viewer;
  /** a token or session came with the request (even one that resolved to nobody) */
  credentials: boolean;
  /** the host named by an HTTP signature, unverified */
  claimedServer: string | null;
};

export type MediaAccess = { allowed: false } | { allowed: true; row: MediaRow; publicCache: boolean };

const DENY: MediaAccess = { allowed: false };

export async function mediaAccess(ctx: Ctx, key: string, file: string, req: MediaRequest): Promise<MediaAccess> {
  if (!isStorageKey(key) || !isMediaFileName(file)) return DENY;
  const [found] = await ctx.db
    .select({ row: mediaAttachments, suspendedAt: accounts.suspendedAt, avatarUrl: accounts.avatarUrl, headerUrl: accounts.headerUrl })
    .from(mediaAttachments)
    .innerJoin(accounts, eq(accounts.id, mediaAttachments.accountId))
    .where(eq(mediaAttachments.storageKey, key));
  if (!found) return DENY;
  const { row } = found;
  if (row.url !== `/media/${key}/${file}` && row.previewUrl !== `/media/${key}/${file}`) return DENY;
  const isOwner = viewerAccountId(req.viewer) === row.accountId && req.viewer.kind === "local";
  if (isOwner) return { allowed: true, row, publicCache: false };
  if (found.suspendedAt) return DENY;

  if (row.usage !== "attachment") {
    // only the current avatar/header is served; a replaced one is already on its way out
    const current = row.usage === "avatar" ? found.avatarUrl : found.headerUrl;
    if (current !== new URL(row.url!, ctx.config.origin).href) return DENY;
    const part = row.usage;
    const seen = async (v: Viewer) => profileView(v, (await profileFacts(ctx, v, [row.accountId])).get(row.accountId)!).parts[part];
    return decide(ctx, req, row, await seen(req.viewer), await seen(ANONYMOUS), true);
  }
  if (!row.statusId) return DENY; // an upload nobody has posted: its uploader's alone
  const [status] = await ctx.db
    .select({ id: statuses.id, accountId: statuses.accountId, audience: statuses.audience, localOnly: statuses.localOnly, circleId: statuses.circleId })
    .from(statuses)
    .where(eq(statuses.id, row.statusId));
  if (!status) return DENY;
  const anonymous = await canViewStatusRow(ctx, ANONYMOUS, status);
  const viewer = req.viewer.kind === "anonymous" ? anonymous : await canViewStatusRow(ctx, req.viewer, status);
  return decide(ctx, req, row, viewer, anonymous, isOpenToEveryone(status));
}

async function decide(ctx: Ctx, req: MediaRequest, row: MediaRow, viewerAllowed: boolean, anonymousAllowed: boolean, subjectPublic: boolean): Promise<MediaAccess> {
  if (req.claimedServer) {
    const standing = await serverStanding(ctx, req.claimedServer);
    if (standing === "blocked" || standing === "pending") return DENY;
    if (standing === "restricted" && !subjectPublic) return DENY;
  }
  if (req.credentials && !viewerAllowed) return DENY;
  return { allowed: true, row, publicCache: anonymousAllowed };
}
