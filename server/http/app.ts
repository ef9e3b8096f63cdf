import { type Context, Hono, type MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import type { ConversationHistory } from "../history/conversation_history.ts";
import type { InFlightRequests } from "../observability/in_flight_requests.ts";
import type { Logger } from "../observability/logger.ts";
import type { ServiceMetrics } from "../observability/service_metrics.ts";
import { accessControl } from "../security/access_control.ts";
import { clientAddress, publicOrigin } from "../security/client_address.ts";
import { originGuard } from "../security/origin_guard.ts";
import { RateLimiter } from "../security/rate_limiter.ts";
import type { SecurityConfig } from "../security/security_config.ts";
import type { SessionRegistry } from "../sessions/session_registry.ts";
import { bodyCodingGuard } from "./body_coding_guard.ts";
import { conversationsApp } from "./conversations_app.ts";
import { errorResponse } from "./error_response.ts";
import { eventsApp } from "./events_app.ts";
import { healthApp } from "./health_app.ts";
import { HistoryOwners } from "./history_owner.ts";
import { hostGuard } from "./host_guard.ts";
import { methodGuard } from "./method_guard.ts";
import { pagesApp } from "./pages_app.ts";
import { securityHeaders } from "./security_headers.ts";
import { sendApp } from "./send_app.ts";
import { sendChecks } from "./send_checks.ts";
import { sendDelivery } from "./send_delivery.ts";
import { sendFastLane } from "./send_fast_lane.ts";
import { sessionApiApp } from "./session_api_app.ts";
import { authorizedSession } from "./session_owner.ts";

/** What the HTTP app is built from. */
export interface AppOptions {
  registry: SessionRegistry;
  logger: Logger;
  maxBodyBytes: number;
  security: SecurityConfig;
  /** Folder of the web client (a file URL ending in `/`). */
  staticRoot: URL;
  /** Counts requests in flight, for a graceful shutdown. */
  inFlight: InFlightRequests;
  /** Prometheus metrics; `/metrics` serves them. */
  metrics: ServiceMetrics;
  /** Bearer token that alone opens `/metrics` (for scrapers); else normal access control. */
  metricsToken?: string;
  /** Whether pages that ask get the agent's voice as Opus (default true). */
  opusDownlink?: boolean;
  /** Injected so tests control time for rate limits. */
  now?: () => number;
  /** What keeps the agent from working for anyone (a model the key cannot use), if anything. */
  agentProblem?: () => string | undefined;
  /** Conversation history (`/conversations`, each session's recorder); none when off. */
  history?: ConversationHistory;
}

/**
 * The service's HTTP app: the middleware every request passes, in order, and
 * the sub-apps mounted among them — the page and its assets
 * (`pages_app.ts`), health and metrics (`health_app.ts`), the event stream
 * (`events_app.ts`), the POSTs to a session (`send_app.ts`,
 * `session_api_app.ts`), with the `/send` fast lane ahead of the chain, and
 * with history the stored conversations (`conversations_app.ts`). Every error
 * answers `{"error": "…"}` from the one `onError`.
 *
 * @example
 * ```ts
 * Deno.serve(createApp(options).fetch);
 * ```
 */
export function createApp(options: AppOptions): Hono {
  const { registry, logger, maxBodyBytes, security, staticRoot, inFlight, metrics } = options;
  const app = new Hono();
  // Without a proxy to believe, the request's own URL says it (no URL parse per POST).
  const isHttps = security.trustProxy
    ? (c: Context) => publicOrigin(c, true).startsWith("https:")
    : (c: Context) => c.req.url.startsWith("https:");
  const client = (c: Context) => clientAddress(c, security.trustProxy);
  const access = accessControl({ ...security, isHttps });
  const clientLimit = RateLimiter.requests(security.clientRequestsPerSecond, options.now);
  const sessionLimit = RateLimiter.requests(security.sessionRequestsPerSecond, options.now);
  const { history } = options;
  // Who owns stored conversations: the trusted user, else the browser's owner cookie.
  const owners = history &&
    new HistoryOwners({ trustedUserHeader: security.trustedUserHeader, isHttps });
  const deliver = sendDelivery({ security, metrics, now: options.now });
  // The session a request proved it owns; only then is the session's own
  // rate limit charged, so strangers posting to an id cannot throttle its page.
  const ownedSession = (c: Context) => {
    const session = authorizedSession(c, registry);
    sessionLimit.spend(session.id);
    return session;
  };
  // POST /send's checks, made by the fast lane and by the chain's route alike.
  const checkSend = sendChecks({
    registry,
    origins: security,
    access: access.check,
    clientLimit,
    sessionLimit,
    client,
    maxBodyBytes,
  });

  app.onError((error, c) => errorResponse(error, c, logger));
  app.notFound((c) => c.json({ error: `Not found: ${c.req.method} ${c.req.path}` }, 404));

  // First of all, for the fast lane as for the chain: a request that names
  // another host (DNS rebinding) reaches no route.
  app.use(hostGuard(security));
  // A body in a coding we would pass on undecoded (`gzip, chunked`) is refused.
  app.use(bodyCodingGuard());
  // A known path with a method it does not take answers 405, and HEAD opens no session.
  app.use(methodGuard(() => app.routes, {
    noHead: ["/events/:session_id"],
    extra: security.allowedOrigins.length > 0 ? ["OPTIONS"] : [],
  }));
  // Ahead of the other middleware: a page's audio chunks skip the chain (see send_fast_lane.ts).
  app.post(
    "/send/:session_id",
    sendFastLane({
      registry,
      cors: security.allowedOrigins.length > 0,
      check: checkSend,
      deliver,
      isHttps,
      inFlight,
      metrics,
      logger,
    }),
  );
  app.use(inFlight.middleware);
  app.use(requestId());
  app.use(metrics.httpMetrics);
  metrics.labelRoutesOf(() => app.routes);
  app.use(securityHeaders(isHttps));
  if (security.allowedOrigins.length > 0) {
    app.use(cors({
      origin: security.allowedOrigins,
      credentials: true,
      allowMethods: ["GET", "POST", "DELETE"],
      allowHeaders: ["Content-Type", "Authorization", "X-Session-Token", "Last-Event-ID"],
    }));
  }
  // What the lane left: the same checks, in place of the three middleware that follow.
  app.route("/", sendApp({ check: checkSend, deliver }));
  app.use(originGuard(security));
  const perClient: MiddlewareHandler = async (c, next) => {
    clientLimit.spend(client(c));
    await next();
  };
  for (
    const path of ["/events/*", "/send/*", "/interrupt/*", "/tools/*", "/login", "/conversations/*"]
  ) {
    app.use(path, perClient);
  }
  // Ahead of access control: the probes are public, and `/metrics` brings its own guard.
  app.route("/", healthApp({ ...options, access: access.middleware }));
  app.use(access.middleware);
  app.route(
    "/",
    pagesApp({ staticRoot, login: security.accessToken ? access.login : undefined, owners }),
  );
  app.route("/", eventsApp({ ...options, client, isHttps, owners }));
  app.route("/", sessionApiApp({ ownedSession }));
  if (history && owners) app.route("/", conversationsApp({ history, owners }));
  return app;
}
