// The one converter to Mastodon's Relationship entity. `caracol_server_notice` is our
// extension (the entity allows additional properties; apps ignore it): for a remote account
// whose server we restrict, limit or block, the plain sentence that tells why posts will not
// (all) reach them, shown to people approving a follower from there.
import type { Ctx } from "../../domain/context.ts";
import { relationshipsOf, type RelationshipFacts } from "../../domain/follows/relationships.ts";
import { serverNoticesFor } from "../../domain/federation-policy/transitive-servers.ts";

export type MastodonRelationship = {
  id: string;
  following: boolean;
  showing_reblogs: boolean;
  notifying: boolean;
  languages: string[] | null;
  followed_by: boolean;
  blocking: boolean;
  blocked_by: boolean;
  muting: boolean;
  muting_notifications: boolean;
  muting_expires_at: string | null;
  requested: boolean;
  requested_by: boolean;
  domain_blocking: boolean;
  endorsed: boolean;
  note: string;
  caracol_server_notice: string | null;
};

export function relationshipToMastodon(r: RelationshipFacts, serverNotice: string | null = null): MastodonRelationship {
  return {
    id: r.id,
    following: r.following,
    showing_reblogs: r.showingReblogs,
    notifying: r.notifying,
    languages: r.languages,
    followed_by: r.followedBy,
    blocking: r.blocking,
    blocked_by: r.blockedBy,
    muting: r.muting,
    muting_notifications: r.mutingNotifications,
    muting_expires_at: r.mutingExpiresAt?.toISOString() ?? null,
    requested: r.requested,
    requested_by: r.requestedBy,
    // Per-person domain blocks and endorsements do not exist yet.
    domain_blocking: false,
    endorsed: false,
    note: r.note,
    caracol_server_notice: serverNotice,
  };
}

export async function serializeRelationships(ctx: Ctx, meId: string, ids: readonly string[]): Promise<MastodonRelationship[]> {
  const [facts, notices] = await Promise.all([relationshipsOf(ctx, meId, ids), serverNoticesFor(ctx, ids)]);
  return facts.map((r) => relationshipToMastodon(r, notices.get(r.id) ?? null));
}

export async function serializeRelationship(ctx: Ctx, meId: string, id: string): Promise<MastodonRelationship> {
  return (await serializeRelationships(ctx, meId, [id]))[0];
}
