/**
 * The one error type of the HTTP layer: a status and a message a client can
 * show. `http/error_response.ts` turns it into `{"error": message}` with
 * that status. Hono's own `HTTPException` is not used: one type, one answer.
 *
 * @example
 * ```ts
 * throw new HttpError(404, "Cannot send: session `abc` does not exist");
 * ```
 */
export class HttpError extends Error {
  /** HTTP status of the response. */
  readonly status:
    | 400
    | 401
    | 403
    | 404
    | 405
    | 409
    | 413
    | 415
    | 421
    | 429
    | 500
    | 501
    | 502
    | 503;
  /** Sent as `Retry-After` when set: when trying again may succeed. */
  readonly retryAfterSeconds?: number;
  /** Headers the answer carries, e.g. `Allow` with a 405. */
  readonly headers?: Record<string, string>;

  constructor(
    status: HttpError["status"],
    message: string,
    options?: ErrorOptions & { retryAfterSeconds?: number; headers?: Record<string, string> },
  ) {
    super(message, options);
    this.name = "HttpError";
    this.status = status;
    this.retryAfterSeconds = options?.retryAfterSeconds;
    this.headers = options?.headers;
  }
}
