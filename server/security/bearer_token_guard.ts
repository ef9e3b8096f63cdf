import type { MiddlewareHandler } from "hono";
import { HttpError } from "../http_error.ts";
import { tokensMatch } from "./session_token.ts";

/** What a bearer token may look like (RFC 6750's `b64token`). */
const B64TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;

/**
 * Lets through requests whose `Authorization: Bearer` header carries `token`
 * (compared in constant time), with Hono's `bearerAuth` answers as our
 * error: 401 without the header, 400 for a malformed one, 401 for another
 * token, each with its `WWW-Authenticate` and `message`.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * new Hono().get("/metrics", bearerTokenGuard("scraper-secret", "Metrics need a token"), (c) => c.text("…"));
 * ```
 */
export function bearerTokenGuard(token: string, message: string): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header("Authorization");
    if (!header) {
      throw new HttpError(401, message, { headers: { "WWW-Authenticate": 'Bearer realm=""' } });
    }
    const presented = /^bearer /i.test(header) ? header.slice(7).trimStart() : "";
    if (!B64TOKEN.test(presented)) {
      throw new HttpError(400, message, {
        headers: { "WWW-Authenticate": 'Bearer error="invalid_request"' },
      });
    }
    if (!tokensMatch(presented, token)) {
      throw new HttpError(401, message, {
        headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' },
      });
    }
    await next();
  };
}
