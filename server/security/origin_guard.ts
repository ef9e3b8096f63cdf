import type { Context, MiddlewareHandler } from "hono";
import { publicOrigin } from "./client_address.ts";
import { HttpError } from "../http_error.ts";

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
export function originGuard(options: OriginOptions): MiddlewareHandler {
  return async (c, next) => {
    const refusal = originRefusal(c, options);
    if (refusal) throw new HttpError(403, refusal);
    await next();
  };
}

/** Origins a request may come from, besides this server's own. */
export interface OriginOptions {
  allowedOrigins: string[];
  /** Believe `X-Forwarded-Proto` / `X-Forwarded-Host` for this server's origin. */
  trustProxy: boolean;
}

/** Why {@link originGuard} refuses the request, or `undefined` when it lets it pass. */
function originRefusal(
  c: Context,
  { allowedOrigins, trustProxy }: OriginOptions,
): string | undefined {
  if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "OPTIONS") return;
  const origin = c.req.header("Origin");
  const allowed = origin !== undefined &&
    (origin === publicOrigin(c, trustProxy) || allowedOrigins.includes(origin));
  if (origin !== undefined && !allowed) return `Refused: requests from ${origin} are not allowed`;
  const site = c.req.header("Sec-Fetch-Site");
  if ((site === "cross-site" || site === "same-site") && !allowed) {
    return "Refused: cross-site requests are not allowed";
  }
}
