// Mastodon knows four visibilities; Caracol has seven audiences plus local-only. This is the
// one mapping between them (docs/decisions/0002-audiences-in-the-mastodon-api.md).
import type { Audience } from "../../db/schema/statuses.ts";

export type MastodonVisibility = "public" | "unlisted" | "private" | "direct";

export function audienceToVisibility(audience: Audience): MastodonVisibility {
  switch (audience) {
    case "public":
      return "public";
    case "unlisted":
    case "authenticated":
    case "local":
      return "unlisted";
    case "circle":
    case "followers":
      return "private";
    case "direct":
      return "direct";
  }
}

/** From what an app sends: visibility, glitch-soc's local_only, and Caracol's own audience field. */
export function audienceFromRequest(visibility: MastodonVisibility, localOnly: boolean, caracolAudience?: Audience): { audience: Audience; localOnly: boolean } {
  if (caracolAudience) return { audience: caracolAudience, localOnly: localOnly || caracolAudience === "local" };
  const base: Audience = visibility === "private" ? "followers" : visibility;
  if (localOnly && (base === "public" || base === "unlisted")) return { audience: "local", localOnly: true };
  return { audience: base, localOnly };
}
