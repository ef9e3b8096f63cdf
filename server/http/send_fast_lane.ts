import type { Context, MiddlewareHandler } from "hono";
import type { Delivery } from "../../agent/agent_session.ts";
import type { BrowserSession } from "../sessions/browser_session.ts";
import { errorResponse } from "./error_response.ts";
import type { InFlightRequests } from "../observability/in_flight_requests.ts";
import type { Logger } from "../observability/logger.ts";
import type { SendRequestParts } from "./send_delivery.ts";
import { securityHeaderList } from "./security_headers.ts";
import type { SessionRegistry } from "../sessions/session_registry.ts";

/** What the fast lane checks with: the very functions the full chain uses. */
export interface SendFastLaneOptions {
  registry: SessionRegistry;
  /** Bodies announced larger than this take the full chain (it answers 413). */
  maxBodyBytes: number;
  /** True when CORS is configured: requests that carry an `Origin` then take the full chain. */
  cors: boolean;
  /** Why the origin guard refuses a request, if it does. */
  originRefusal: (c: Context) => string | undefined;
  /** Whether access control lets the request pass. */
  granted: (c: Context) => boolean;
  /** The session whose token the request presents, or undefined. */
  ownedSession: (c: Context) => BrowserSession | undefined;
  /** The per-client and per-session rate limits; throw 429. */
  rateLimit: (c: Context, session: BrowserSession) => void;
  /** The body's way to the agent (see `send_delivery.ts`). */
  deliver: (session: BrowserSession, request: SendRequestParts) => Promise<Delivery>;
  isHttps: (c: Context) => boolean;
  inFlight: InFlightRequests;
  metrics: {
    httpRequest(method: string, route: string, status: number, seconds: number): void;
  };
  logger: Logger;
}

const ROUTE = "/send/:session_id";
/** What Hono's `requestId` accepts from a proxy's `X-Request-Id`. */
const REQUEST_ID = /^[\w\-=]{1,255}$/;

/**
 * `POST /send/:session_id` without the middleware chain, for the requests
 * that make up nearly all of its traffic: a page's own, well-formed, owned
 * audio chunks, 25 a second per voice session. Measured under load, the chain
 * (request id, metrics, security headers, origin, rate limits, access,
 * validation, body limit: each cheap alone) cost more than the relay itself.
 *
 * The lane applies the same checks with the same functions, and answers with
 * the same headers (read off Hono's `secureHeaders`), request id and metrics.
 * Anything it does not take on itself — an unannounced or oversized body, a
 * cross-origin request, a refused origin, missing access, an unknown session
 * or token, a server shutting down — goes on to the full chain, which gives
 * the error it always gave. Registered ahead of the middleware, so only the
 * lane's `next()` reaches it.
 *
 * @example
 * ```ts
 * app.post("/send/:session_id", sendFastLane(options)); // before app.use(…)
 * ```
 */
export function sendFastLane(options: SendFastLaneOptions): MiddlewareHandler {
  const { registry, maxBodyBytes, inFlight, metrics } = options;
  // Read off Hono's middleware on the first audio chunk, not at start-up (a
  // request through a Hono app of its own: ~10 ms before the page is served).
  let answers: Record<"http" | "https", Answers> | undefined;
  const answersFor = (scheme: "http" | "https") => {
    answers ??= { http: answersOf(false), https: answersOf(true) };
    return answers[scheme];
  };
  return async (c, next) => {
    const length = Number(c.req.header("Content-Length") ?? NaN);
    if (
      !(length <= maxBodyBytes) || registry.draining ||
      (options.cors && c.req.header("Origin") !== undefined) ||
      options.originRefusal(c) !== undefined || !options.granted(c)
    ) {
      return next();
    }
    const session = options.ownedSession(c);
    if (!session) return next();
    const started = performance.now();
    const scheme = options.isHttps(c) ? "https" : "http";
    const incoming = c.req.header("X-Request-Id");
    const id = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set("requestId", id);
    let status = 200;
    try {
      const delivery = await inFlight.track(async () => {
        options.rateLimit(c, session);
        return await options.deliver(session, c.req);
      });
      const response = (await answersFor(scheme)[delivery]).clone();
      status = response.status;
      response.headers.set("X-Request-Id", id);
      return response;
    } catch (error) {
      for (const [name, value] of await answersFor(scheme).headers) c.header(name, value);
      c.header("X-Request-Id", id);
      const response = await errorResponse(error as Error, c, options.logger);
      status = response.status;
      return response;
    } finally {
      metrics.httpRequest("POST", ROUTE, status, (performance.now() - started) / 1000);
    }
  };
}

/** The security headers of one scheme, and the lane's answer built with them once. */
interface Answers {
  headers: Promise<[string, string][]>;
  /**
   * Deno validates headers one by one as a Response is built (~20 µs for the
   * whole set); a clone of a finished one copies them as they are.
   */
  sent: Promise<Response>;
  /** 202 while the agent reconnects. */
  queued: Promise<Response>;
}

function answersOf(https: boolean): Answers {
  const headers = securityHeaderList(https);
  return {
    headers,
    sent: headers.then((list) => answer(list, "sent")),
    queued: headers.then((list) => answer(list, "queued")),
  };
}

/**
 * Of the security headers, those that mean something on a JSON answer to
 * `fetch`: the rest (CSP, frame and permission policies…) govern documents,
 * and would add 700 bytes to each of 25 answers a second.
 */
const API_HEADERS = new Set([
  "x-content-type-options",
  "cross-origin-resource-policy",
  "strict-transport-security",
]);

function answer(headers: [string, string][], delivery: Delivery): Response {
  return new Response(JSON.stringify({ status: delivery }), {
    status: delivery === "queued" ? 202 : 200,
    headers: [
      ...headers.filter(([name]) => API_HEADERS.has(name)),
      ["Content-Type", "application/json"],
      ["Cache-Control", "no-store"],
    ],
  });
}
