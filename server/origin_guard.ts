import type { MiddlewareHandler } from "hono";
import { publicOrigin } from "./client_address.ts";
import { HttpError } from "./http_error.ts";

/**
 * Refuses state-changing requests sent by another site's page: `Origin` (and,
 * where the browser sends it, `Sec-Fetch-Site`) must name this server or one
 * of `allowedOrigins`. Hono's `csrf` middleware checks only form-like content
 * types, and our POSTs are JSON, hence this guard. Requests without either
 * header (curl, server-side clients) pass: they hold no victim's cookies.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * new Hono().use(originGuard({ allowedOrigins: [], trustProxy: false }));
 * ```
 */
export function originGuard(
  { allowedOrigins, trustProxy }: { allowedOrigins: string[]; trustProxy: boolean },
): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD" && c.req.method !== "OPTIONS") {
      const origin = c.req.header("Origin");
      const allowed = origin !== undefined &&
        (origin === publicOrigin(c, trustProxy) || allowedOrigins.includes(origin));
      const site = c.req.header("Sec-Fetch-Site");
      if (origin !== undefined && !allowed) {
        throw new HttpError(403, `Refused: requests from ${origin} are not allowed`);
      }
      if ((site === "cross-site" || site === "same-site") && !allowed) {
        throw new HttpError(403, "Refused: cross-site requests are not allowed");
      }
    }
    await next();
  };
}
