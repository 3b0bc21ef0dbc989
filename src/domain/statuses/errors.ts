// Rule violations in the statuses domain. The HTTP layer turns them into Mastodon errors:
// "invalid" -> 422, "not_found" -> 404 (also for things the person may not see), "forbidden" -> 403.
export type StatusErrorKind = "invalid" | "not_found" | "forbidden";

export class StatusError extends Error {
  readonly kind: StatusErrorKind;
  constructor(kind: StatusErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

export const invalid = (message: string) => new StatusError("invalid", message);
export const notFoundError = () => new StatusError("not_found", "Record not found");
export const forbiddenError = (message = "This action is not allowed") => new StatusError("forbidden", message);
