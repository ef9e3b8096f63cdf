import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HttpError } from "../http_error.ts";

/**
 * Hono's `bodyLimit` with our answer: 413 `Cannot <action>: the body is
 * larger than <maxBytes> bytes`. An announced size is compared; a streamed
 * body is read up to the limit.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * new Hono().post("/login", bodySizeLimit(4096, "log in"), (c) => c.json({ status: "ok" }));
 * ```
 */
export function bodySizeLimit(maxBytes: number, action: string): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new HttpError(413, `Cannot ${action}: the body is larger than ${maxBytes} bytes`);
    },
  });
}
