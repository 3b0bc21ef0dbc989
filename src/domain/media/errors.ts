// Rule violations of the media service; the HTTP edges turn them into status codes.
export type MediaErrorKind = "not_found" | "invalid" | "too_large" | "unsupported";

export class MediaError extends Error {
  readonly kind: MediaErrorKind;
  constructor(kind: MediaErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}
