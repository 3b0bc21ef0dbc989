// The one converter to Mastodon's Relationship entity.
import type { Ctx } from "../../domain/context.ts";
import { relationshipsOf, type RelationshipFacts } from "../../domain/follows/relationships.ts";

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
};

export function relationshipToMastodon(r: RelationshipFacts): MastodonRelationship {
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
  };
}

export async function serializeRelationships(ctx: Ctx, meId: string, ids: readonly string[]): Promise<MastodonRelationship[]> {
  return (await relationshipsOf(ctx, meId, ids)).map(relationshipToMastodon);
}

export async function serializeRelationship(ctx: Ctx, meId: string, id: string): Promise<MastodonRelationship> {
  return (await serializeRelationships(ctx, meId, [id]))[0];
}
