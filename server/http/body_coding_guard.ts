import type { MiddlewareHandler } from "hono";
import { HttpError } from "../http_error.ts";

/**
 * Refuses request bodies in a coding the service would not undo: a
 * `Transfer-Encoding` other than plain `chunked` (Deno's server takes
 * `gzip, chunked`, removes the chunking and hands over the gzip bytes) with
 * 501, as RFC 9112 asks, and any `Content-Encoding` but `identity` with 415.
 * Passing such a body on undecoded would have the service read something
 * else than what the client (or a proxy before it) meant.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * new Hono().use(bodyCodingGuard());
 * ```
 */
export function bodyCodingGuard(): MiddlewareHandler {
  return async (c, next) => {
    const transfer = c.req.header("Transfer-Encoding");
    if (transfer !== undefined && transfer.trim().toLowerCase() !== "chunked") {
      throw new HttpError(
        501,
        `Cannot read the body: \`Transfer-Encoding: ${transfer}\` is not supported; send it unencoded`,
      );
    }
    const content = c.req.header("Content-Encoding");
    if (content !== undefined && content.trim().toLowerCase() !== "identity") {
      throw new HttpError(
        415,
        `Cannot read the body: \`Content-Encoding: ${content}\` is not supported; send it unencoded`,
      );
    }
    await next();
  };
}
