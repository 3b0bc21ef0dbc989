// Renders one person's own profile and posts as a given kind of viewer gets them, through the
// very code that answers that viewer: the Mastodon API's account and status serializers and,
// for remote servers, the ActivityPub converters (localActor, statusToNote) with the object
// dispatcher's gate check. Shared by GET /api/v1/caracol/view_as and /settings/view_as.
import { and, desc, eq, isNull } from "drizzle-orm";
import { statuses } from "../db/schema/index.ts";
import type { Ctx } from "../domain/context.ts";
import type { Viewer } from "../domain/audience/viewer.ts";
import { filterVisibleStatuses, profileFacts, profileView } from "../domain/audience/facts.ts";
import { REMOTE_VIEW_AS_KINDS, viewAsViewer, type ViewAsKind } from "../domain/audience/view-as.ts";
import { accountStatusRows } from "../domain/accounts/statuses.ts";
import { findAccount, type AccountRow } from "../domain/accounts/find.ts";
import { hasScope } from "../domain/oauth/scopes.ts";
import type { CaracolFederation } from "../federation/federation.ts";
import { localActor } from "../federation/actor.ts";
import { statusToNote } from "../federation/note.ts";
import { serializeAccountById, type MastodonAccount } from "./entities/account.ts";
import type { MastodonStatus } from "./entities/status.ts";
import { visibleStatusPage } from "./status-page.ts";

/** Default filters and page of GET /api/v1/accounts/:id/statuses, so view_as shows the same list. */
const ACCOUNT_STATUSES_DEFAULTS = { pinned: false, excludeReplies: false, excludeReblogs: false, onlyMedia: false };
export const VIEW_AS_LIMIT = 20;

export type ActivityPubView = {
  /** the actor document a signed GET of the actor URL returns; null when it is refused (401) */
  actor: Record<string, unknown> | null;
  /** the Note objects that signed GETs of the post URLs return (the others answer 401 or 404) */
  notes: Record<string, unknown>[];
};

export type ViewAs = {
  viewer: ViewAsKind;
  /** GET /api/v1/accounts/:id as this viewer; null where that answers 404 */
  account: MastodonAccount | null;
  /** GET /api/v1/accounts/:id/statuses as this viewer; null where that answers 403 (token scopes) */
  statuses: MastodonStatus[] | null;
  /** remote kinds only */
  activitypub?: ActivityPubView;
};

/**
 * The same steps as GET /api/v1/accounts/:id and /statuses for this viewer: the gate's profile
 * view (a hidden profile is a 404 there, null here), the posts only when the "posts" part is
 * visible, and the same paged, gated serializer.
 */
async function mastodonView(ctx: Ctx, viewer: Viewer, accountId: string): Promise<Pick<ViewAs, "account" | "statuses">> {
  const view = profileView(viewer, (await profileFacts(ctx, viewer, [accountId])).get(accountId)!);
  const account = view.visible ? await serializeAccountById(ctx, viewer, accountId) : null;
  // optionalUser(c, "read:statuses") refuses such a token before anything is looked at.
  if (viewer.kind === "local" && viewer.scopes && !hasScope(viewer.scopes, "read:statuses")) return { account, statuses: null };
  if (!view.visible || !view.parts.posts) return { account, statuses: [] };
  const page = await visibleStatusPage(ctx, viewer, { limit: VIEW_AS_LIMIT }, (p) => accountStatusRows(ctx, accountId, ACCOUNT_STATUSES_DEFAULTS, p));
  return { account, statuses: page.statuses };
}

/**
 * What a signed fetch by this remote viewer gets: the actor dispatcher refuses blocked servers
 * (authorize), the object dispatcher refuses blocked and pending ones and otherwise answers
 * the Notes the gate lets through; both serialise with the request context, as Fedify does.
 */
async function activityPubView(federation: CaracolFederation, ctx: Ctx, owner: AccountRow, viewer: Viewer): Promise<ActivityPubView> {
  if (viewer.kind !== "remote" || viewer.standing === "blocked") return { actor: null, notes: [] };
  const fctx = federation.createContext(new Request(new URL(`/users/${owner.username}`, ctx.config.origin)), ctx);
  const actor = (await (await localActor(fctx, owner, viewer)).toJsonLd(fctx)) as Record<string, unknown>;
  if (viewer.standing === "pending") return { actor, notes: [] };
  const rows = await ctx.db
    .select()
    .from(statuses)
    .where(and(eq(statuses.accountId, owner.id), isNull(statuses.reblogOfId)))
    .orderBy(desc(statuses.id))
    .limit(VIEW_AS_LIMIT);
  const notes: Record<string, unknown>[] = [];
  for (const s of await filterVisibleStatuses(ctx, viewer, rows)) {
    const note = await statusToNote(fctx, s, owner.username);
    if (note) notes.push((await note.toJsonLd(fctx)) as Record<string, unknown>);
  }
  return { actor, notes };
}

/** Renders `ownerId`'s profile and posts as `kind` gets them. Throws ViewAsError for a bad circle. */
export async function renderViewAs(
  ctx: Ctx,
  federation: CaracolFederation,
  ownerId: string,
  kind: ViewAsKind,
  opts: { circleId?: string } = {},
): Promise<ViewAs> {
  const viewer = await viewAsViewer(ctx, ownerId, kind, opts);
  const out: ViewAs = { viewer: kind, ...(await mastodonView(ctx, viewer, ownerId)) };
  if (REMOTE_VIEW_AS_KINDS.has(kind)) {
    const owner = await findAccount(ctx, ownerId);
    out.activitypub = owner ? await activityPubView(federation, ctx, owner, viewer) : { actor: null, notes: [] };
  }
  return out;
}
