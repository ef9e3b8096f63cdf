import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { HttpError } from "../http_error.ts";
import { tokensMatch } from "../security/session_token.ts";
import type { BrowserSession } from "../sessions/browser_session.ts";
import type { SessionRegistry } from "../sessions/session_registry.ts";

/**
 * The cookie that holds session `id`'s token, set when the page opens its
 * event stream.
 *
 * @example
 * ```ts
 * sessionCookieName("abc"); // "session_abc"
 * ```
 */
export function sessionCookieName(id: string): string {
  return `session_${id}`;
}

/**
 * The session token a request presents for session `id`: the
 * `X-Session-Token` header, else the session's cookie.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * new Hono().get("/:id", (c) => c.text(presentedToken(c, c.req.param("id")) ?? "none"));
 * ```
 */
export function presentedToken(c: Context, id: string): string | undefined {
  return c.req.header("X-Session-Token") || getCookie(c, sessionCookieName(id)) || undefined;
}

/**
 * The session a POST names, once its token proved the caller owns it. An
 * unknown id and a wrong token get the same 404, so a stranger cannot tell
 * which ids are in use; no token at all is 401 whatever the id.
 *
 * @throws {HttpError} 401 without a token; 404 for an unknown id or a wrong token.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { SessionRegistry } from "../sessions/session_registry.ts";
 * declare const registry: SessionRegistry;
 * new Hono().post("/interrupt/:session_id", (c) => {
 *   authorizedSession(c, registry).interrupt();
 *   return c.json({ status: "interrupted" });
 * });
 * ```
 */
export function authorizedSession(c: Context, registry: SessionRegistry): BrowserSession {
  const id = c.req.param("session_id") ?? "";
  const token = presentedToken(c, id);
  if (!token) {
    throw new HttpError(401, "Cannot send: no session token (cookie or `X-Session-Token`)");
  }
  const session = registry.get(id);
  if (!session || !tokensMatch(token, session.token)) {
    throw new HttpError(404, `Cannot send: no session \`${id}\` with that token`);
  }
  return session;
}
