import type { Context } from "hono";
import { HttpError } from "../http_error.ts";
import type { Logger } from "../observability/logger.ts";

/**
 * The one place an error becomes a response: an {@link HttpError} answers
 * `{"error": "…"}` with its status (and `Retry-After` or its own headers);
 * anything else, Hono's `HTTPException` included (none of the middleware we
 * use throws one), is a bug: logged, and answered 500 without details.
 *
 * @example
 * ```ts
 * app.onError((error, c) => errorResponse(error, c, logger));
 * ```
 */
export function errorResponse(
  error: Error,
  c: Context,
  logger: Logger,
): Response {
  if (error instanceof HttpError) {
    if (error.retryAfterSeconds) c.header("Retry-After", String(error.retryAfterSeconds));
    for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
    return c.json({ error: error.message }, error.status);
  }
  logger.error(`${c.req.method} ${c.req.path}: ${error.stack ?? error}`);
  return c.json({ error: "Internal server error" }, 500);
}
