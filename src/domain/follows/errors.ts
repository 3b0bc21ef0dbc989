// Why a relationship change was refused; the API layer maps each kind to Mastodon's status code.
export type RelationshipErrorKind = "not_found" | "self" | "forbidden";

export class RelationshipError extends Error {
  readonly kind: RelationshipErrorKind;
  constructor(kind: RelationshipErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}
