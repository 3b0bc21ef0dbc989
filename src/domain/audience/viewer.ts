import type { Scope } from "../oauth/scopes.ts";

/** Who is asking. Every read path builds one of these and asks the gate about it. */
export type Viewer =
  | { kind: "anonymous" }
  | {
      kind: "local";
      accountId: string;
      /** null when the viewer is a signed-in web session (all of their own rights) */
      scopes: ReadonlySet<Scope> | null;
      /** set when the token was narrowed by its owner or by the app (see Narrowing) */
      narrowed?: Narrowing;
    }
  | {
      kind: "remote";
      /** the remote actor proven by a signature, when we know it as an account */
      accountId: string | null;
      domain: string;
      standing: ServerStanding;
    };

/**
 * What a narrowed token may not read, whatever its scopes say: direct posts (sent or received),
 * and other people's followers-only, circle and local-only posts. Own such posts stay visible.
 */
export type Narrowing = { noDirect: boolean; noOthersFollowersOnly: boolean };

/** How we stand with a remote server; filled in by the federation-policy code. */
export type ServerStanding = "allowed" | "pending" | "limited" | "restricted" | "blocked";

export const ANONYMOUS: Viewer = Object.freeze({ kind: "anonymous" });

export function viewerAccountId(v: Viewer): string | null {
  return v.kind === "anonymous" ? null : v.accountId;
}
