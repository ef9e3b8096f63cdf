import type { Context, MiddlewareHandler } from "hono";
import type { Delivery } from "../../agent/agent_session.ts";
import type { BrowserSession } from "../sessions/browser_session.ts";
import { errorResponse } from "./error_response.ts";
import type { InFlightRequests } from "../observability/in_flight_requests.ts";
import type { Logger } from "../observability/logger.ts";
import type { SendRequestParts } from "./send_delivery.ts";
import { securityHeaderList } from "./security_headers.ts";
import type { SessionRegistry } from "../sessions/session_registry.ts";

/** What the fast lane checks and answers with: what the chain's `/send` route uses. */
export interface SendFastLaneOptions {
  registry: SessionRegistry;
  /** True when CORS is configured: requests that carry an `Origin` then take the full chain. */
  cors: boolean;
  /** The checks of `send_checks.ts`, the very function the chain's route calls. */
  check: (c: Context) => Promise<BrowserSession>;
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
 * The lane makes the chain's checks by calling the same function
 * (`send_checks.ts`), and answers with the same headers (read off Hono's
 * `secureHeaders`), request id and metrics; its refusals are the chain's.
 * What needs the chain's middleware goes on to it: a body without a
 * `Content-Length` (the chain's body limit reads it), a cross-origin
 * request when CORS is configured, a server shutting down. Registered ahead
 * of the middleware, so only the lane's `next()` reaches it.
 *
 * @example
 * ```ts
 * app.post("/send/:session_id", sendFastLane(options)); // before app.use(…)
 * ```
 */
export function sendFastLane(options: SendFastLaneOptions): MiddlewareHandler {
  const { registry, inFlight, metrics } = options;
  // Read off Hono's middleware on the first audio chunk, not at start-up (a
  // request through a Hono app of its own: ~10 ms before the page is served).
  let answers: Record<"http" | "https", Answers> | undefined;
  const answersFor = (scheme: "http" | "https") => {
    answers ??= { http: answersOf(false), https: answersOf(true) };
    return answers[scheme];
  };
  return async (c, next) => {
    if (
      c.req.header("Content-Length") === undefined || registry.draining ||
      (options.cors && c.req.header("Origin") !== undefined)
    ) {
      return next();
    }
    const started = performance.now();
    const scheme = options.isHttps(c) ? "https" : "http";
    const incoming = c.req.header("X-Request-Id");
    const id = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set("requestId", id);
    let status = 200;
    try {
      const delivery = await inFlight.track(async () =>
        await options.deliver(await options.check(c), c.req)
      );
      const response = (await answersFor(scheme)[delivery]).clone();
      status = response.status;
      response.headers.set("X-Request-Id", id);
      return response;
    } catch (error) {
      for (const [name, value] of await answersFor(scheme).headers) c.header(name, value);
      c.header("X-Request-Id", id);
      const response = errorResponse(error as Error, c, options.logger);
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
