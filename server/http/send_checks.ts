import type { Context, MiddlewareHandler } from "hono";
import { originGuard, type OriginOptions } from "../security/origin_guard.ts";
import type { RateLimiter } from "../security/rate_limiter.ts";
import type { BrowserSession } from "../sessions/browser_session.ts";
import type { SessionRegistry } from "../sessions/session_registry.ts";
import { bodySizeLimit } from "./body_size_limit.ts";
import { refuseInvalid, SessionParam } from "./route_params.ts";
import { authorizedSession } from "./session_owner.ts";

/** What {@link sendChecks} checks with. */
export interface SendChecksOptions {
  registry: SessionRegistry;
  /** Where requests may come from (the origin guard's settings). */
  origins: OriginOptions;
  /** Access control's check (`access_control.ts`): throws 401. */
  access: (c: Context) => Promise<void>;
  clientLimit: RateLimiter;
  sessionLimit: RateLimiter;
  /** The address the client limit counts. */
  client: (c: Context) => string;
  /** Bodies announced larger than this answer 413. */
  maxBodyBytes: number;
}

/** One check of a `POST /send`: throws the `HttpError` that refuses the request. */
type SendCheck = (c: Context) => unknown;

/** A guarding middleware as a check: it throws, or lets the request on. */
function asCheck(middleware: MiddlewareHandler): SendCheck {
  return (c) => middleware(c, () => Promise.resolve());
}

/**
 * The checks a `POST /send/:session_id` passes before its body is read, as
 * one function both paths to {@link sendDelivery} call: the middleware chain
 * (`send_app.ts`, in place of the origin guard, client limit and access
 * control the other routes get as middleware) and the fast lane. A check
 * added here is made on both, in the same order, with the same answer:
 * origin (403), client rate limit (429), access (401), session id (400),
 * body size (413), token (401, or 404 for a stranger), session rate
 * limit (429). The session's own limit comes last, so strangers posting to
 * an id cannot throttle its page.
 *
 * @returns the session the request proved it owns.
 *
 * @example
 * ```ts
 * const check = sendChecks(options);
 * app.post("/send/:session_id", async (c) => c.json({ status: await deliver(await check(c), c.req) }));
 * ```
 */
export function sendChecks(options: SendChecksOptions): (c: Context) => Promise<BrowserSession> {
  const { registry, clientLimit, sessionLimit, maxBodyBytes } = options;
  const checks: SendCheck[] = [
    asCheck(originGuard(options.origins)),
    (c) => clientLimit.spend(options.client(c)),
    options.access,
    (c) => refuseInvalid(SessionParam.safeParse({ session_id: c.req.param("session_id") })),
    // Reads a streamed body in, up to the limit.
    asCheck(bodySizeLimit(maxBodyBytes, "send")),
  ];
  return async (c) => {
    for (const check of checks) await check(c);
    const session = authorizedSession(c, registry);
    sessionLimit.spend(session.id);
    return session;
  };
}
