import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { HttpError } from "../http_error.ts";
import type { Logger } from "../observability/logger.ts";

/**
 * The one place an error becomes a response: `{"error": "…"}` with the
 * error's status (and `Retry-After`, `WWW-Authenticate` or its own headers when it has them);
 * anything unexpected is logged and answers 500 without details.
 *
 * @example
 * ```ts
 * app.onError((error, c) => errorResponse(error, c, logger));
 * ```
 */
export async function errorResponse(
  error: Error,
  c: Context,
  logger: Logger,
): Promise<Response> {
  if (error instanceof HttpError) {
    if (error.retryAfterSeconds) c.header("Retry-After", String(error.retryAfterSeconds));
    for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
    return c.json({ error: error.message }, error.status);
  }
  if (error instanceof HTTPException) {
    const response = error.getResponse();
    for (const name of ["WWW-Authenticate", "Retry-After"]) {
      const value = response.headers.get(name);
      if (value) c.header(name, value);
    }
    // Hono's middleware put their message in the response body, as plain text.
    const message = error.message || (await response.text()) || response.statusText;
    return c.json({ error: message }, error.status);
  }
  logger.error(`${c.req.method} ${c.req.path}: ${error.stack ?? error}`);
  return c.json({ error: "Internal server error" }, 500);
}
