// Mastodon-style errors: {"error": "..."} with the right status code.
/** Mastodon's `details` of a 422: per field, a list of {error: "ERR_INVALID", description}. */
export type ErrorDetails = Record<string, { error: string; description: string }[]>;

export class ApiError extends Error {
  readonly status: number;
  readonly description?: string;
  readonly details?: ErrorDetails;
  constructor(status: number, message: string, description?: string, details?: ErrorDetails) {
    super(message);
    this.status = status;
    this.description = description;
    this.details = details;
  }
}

export const badRequest = (msg = "Bad request") => new ApiError(400, msg);
export const unauthorized = (msg = "The access token is invalid") => new ApiError(401, msg);
export const forbidden = (msg = "This action is outside the authorized scopes") => new ApiError(403, msg);
export const notFound = (msg = "Record not found") => new ApiError(404, msg);
export const unprocessable = (msg: string, details?: ErrorDetails) => new ApiError(422, `Validation failed: ${msg}`, undefined, details);
export const tooLarge = (msg = "Request too large") => new ApiError(413, msg);
