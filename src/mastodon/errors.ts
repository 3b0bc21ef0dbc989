// Mastodon-style errors: {"error": "..."} with the right status code.
export class ApiError extends Error {
  readonly status: number;
  readonly description?: string;
  constructor(status: number, message: string, description?: string) {
    super(message);
    this.status = status;
    this.description = description;
  }
}

export const badRequest = (msg = "Bad request") => new ApiError(400, msg);
export const unauthorized = (msg = "The access token is invalid") => new ApiError(401, msg);
export const forbidden = (msg = "This action is outside the authorized scopes") => new ApiError(403, msg);
export const notFound = (msg = "Record not found") => new ApiError(404, msg);
export const unprocessable = (msg: string) => new ApiError(422, `Validation failed: ${msg}`);
export const tooLarge = (msg = "Request too large") => new ApiError(413, msg);
