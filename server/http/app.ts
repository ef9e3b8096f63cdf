import { zValidator } from "@hono/zod-validator";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie, setCookie } from "hono/cookie";
import { bearerAuth } from "hono/bearer-auth";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { z } from "zod";
import { accessControl } from "../security/access_control.ts";
import type { BrowserSession } from "../sessions/browser_session.ts";
import { bodyCodingGuard } from "./body_coding_guard.ts";
import { clientAddress, publicOrigin } from "../security/client_address.ts";
import { errorResponse } from "./error_response.ts";
import { eventId } from "../sessions/event_id.ts";
import { hostGuard } from "./host_guard.ts";
import { methodGuard } from "./method_guard.ts";
import { HttpError } from "../http_error.ts";
import type { InFlightRequests } from "../observability/in_flight_requests.ts";
import type { Logger } from "../observability/logger.ts";
import { originGuard, originRefusal } from "../security/origin_guard.ts";
import { RateLimiter } from "../security/rate_limiter.ts";
import type { SecurityConfig } from "../security/security_config.ts";
import { securityHeaders } from "./security_headers.ts";
import type { ServiceMetrics } from "../observability/service_metrics.ts";
import { loadOpus } from "../audio/opus_codec.ts";
import { sendDelivery } from "./send_delivery.ts";
import { sendFastLane } from "./send_fast_lane.ts";
import type { SessionRegistry } from "../sessions/session_registry.ts";
import { tokensMatch } from "../security/session_token.ts";
import { staticFiles } from "./static_files.ts";

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
}

const SessionParam = z.object({
  session_id: z.string().regex(
    /^[A-Za-z0-9_-]{1,64}$/,
    "Invalid session id: use 1 to 64 of A-Z, a-z, 0-9, _ and -",
  ),
});

const EventsQuery = z.object({
  is_audio: z.enum(["true", "false"], { error: "Invalid `is_audio`: use true or false" })
    .optional(),
  last_event_id: z.string().regex(/^\d{1,15}$/, "Invalid `last_event_id`: use an event id")
    .optional(),
  /** How the page wants the agent's voice; raw PCM unless it asks for Opus. */
  codec: z.enum(["pcm", "opus"], { error: "Invalid `codec`: use pcm or opus" }).optional(),
});

const ToolParam = SessionParam.extend({
  call_id: z.string().max(256, "Invalid call id: at most 256 characters"),
});

const ToolAnswer = z.object({
  approved: z.boolean({ error: 'Invalid body: send {"approved": true} or {"approved": false}' }),
});

/** Turns a failed zod validation into our JSON 400 (the hook of `zValidator`). */
function invalid(result: { success: boolean; error?: { issues: { message: string }[] } }): void {
  if (!result.success) throw new HttpError(400, result.error!.issues[0].message);
}

/**
 * The service's routes: the page, its assets, `GET /events/:session_id` (SSE),
 * `POST /send/:session_id`, `POST /interrupt/:session_id`,
 * `POST /tools/:session_id/:call_id` (a tool call's confirmation) and, with an access
 * token, `/login`. Security headers, access control, origin checks, CORS,
 * rate limits and validation apply to every route; every error answers
 * `{"error": "…"}` from the one `onError`.
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
  const deliver = sendDelivery({ security, metrics, now: options.now });
  // The session a request proved it owns; only then is the session's own
  // rate limit charged, so strangers posting to an id cannot throttle its page.
  const ownedSession = (c: Context) => {
    const session = authorizedSession(c, registry);
    throttle(sessionLimit, session.id);
    return session;
  };
  // The lane's check, its refusal left for the chain to give.
  const laneSession = (c: Context) => {
    try {
      return authorizedSession(c, registry);
    } catch (error) {
      if (error instanceof HttpError) return undefined;
      throw error;
    }
  };

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
      maxBodyBytes,
      cors: security.allowedOrigins.length > 0,
      originRefusal: (c) => originRefusal(c, security),
      granted: access.granted,
      ownedSession: laneSession,
      rateLimit: (c, session) => {
        throttle(clientLimit, client(c));
        throttle(sessionLimit, session.id);
      },
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
  app.use(securityHeaders(isHttps));
  if (security.allowedOrigins.length > 0) {
    app.use(cors({
      origin: security.allowedOrigins,
      credentials: true,
      allowMethods: ["GET", "POST"],
      allowHeaders: ["Content-Type", "Authorization", "X-Session-Token", "Last-Event-ID"],
    }));
  }
  app.use(originGuard(security));
  const perClient = rateLimited(client, clientLimit);
  for (const path of ["/events/*", "/send/*", "/interrupt/*", "/tools/*", "/login"]) {
    app.use(path, perClient);
  }
  const serveMetrics = async (c: Context) =>
    c.text(await metrics.registry.metrics(), 200, {
      "Content-Type": metrics.registry.contentType,
    });
  if (options.metricsToken) {
    // Scrapers present their own token instead of the users' access control.
    app.get(
      "/metrics",
      bearerAuth({
        token: options.metricsToken,
        noAuthenticationHeader: { message: "Metrics need `Authorization: Bearer <METRICS_TOKEN>`" },
        invalidToken: { message: "Metrics need `Authorization: Bearer <METRICS_TOKEN>`" },
        invalidAuthenticationHeader: {
          message: "Metrics need `Authorization: Bearer <METRICS_TOKEN>`",
        },
      }),
      serveMetrics,
    );
  }
  app.use(access.middleware);
  if (!options.metricsToken) app.get("/metrics", serveMetrics);

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", (c) => {
    if (registry.draining) return c.json({ status: "draining", sessions: registry.size }, 503);
    const problem = options.agentProblem?.();
    if (problem) {
      return c.json({ status: "misconfigured", error: problem, sessions: registry.size }, 503);
    }
    return c.json({ status: "ready", sessions: registry.size });
  });

  app.get("/", staticFiles(staticRoot, "", "index.html"));
  app.get("/static/*", staticFiles(staticRoot, "/static"));
  if (security.accessToken) {
    app.get("/login", staticFiles(staticRoot, "", "login.html"));
    app.post("/login", bodyLimit({ maxSize: 4096 }), access.login);
  }

  app.get(
    "/events/:session_id",
    zValidator("param", SessionParam, invalid),
    zValidator("query", EventsQuery, invalid),
    async (c) => {
      const id = c.req.valid("param").session_id;
      const query = c.req.valid("query");
      // With OPUS_DOWNLINK off the agent's voice goes as PCM even to pages that ask.
      const codec = options.opusDownlink === false ? "pcm" : query.codec;
      if (codec === "opus") await loadOpus();
      const isAudio = query.is_audio === "true";
      // EventSource sends the header on its own reconnects; a page that opens
      // a new EventSource (a mode switch) passes the query parameter.
      const lastEventId = eventId(c.req.header("Last-Event-ID") ?? query.last_event_id);
      const { session, stream } = await registry.open(id, {
        isAudio,
        token: presentedToken(c, id),
        lastEventId,
        client: client(c),
        codec,
      });
      setCookie(c, cookieName(id), session.token, {
        httpOnly: true,
        sameSite: "Strict",
        path: "/",
        secure: isHttps(c),
      });
      logger.child({ session_id: id, request_id: c.get("requestId") })
        .info(`stream opened (${isAudio ? "audio" : "text"})`);
      return c.body(
        stream,
        200,
        {
          "Content-Type": "text/event-stream; charset=utf-8",
          "Cache-Control": "no-cache, no-transform",
          "X-Accel-Buffering": "no",
        },
      );
    },
  );

  app.post(
    "/send/:session_id",
    zValidator("param", SessionParam, invalid),
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new HttpError(413, `Cannot send: the body is larger than ${maxBodyBytes} bytes`);
      },
    }),
    async (c) => {
      // 202 while Gemini is away: the input may yet be lost (the page is told if so).
      return await deliver(ownedSession(c), c.req) === "queued"
        ? c.json({ status: "queued" }, 202)
        : c.json({ status: "sent" });
    },
  );

  app.post(
    "/interrupt/:session_id",
    zValidator("param", SessionParam, invalid),
    (c) => {
      ownedSession(c).interrupt();
      return c.json({ status: "interrupted" });
    },
  );

  // The user's answer to a tool call that needs confirmation.
  app.post(
    "/tools/:session_id/:call_id",
    zValidator("param", ToolParam, invalid),
    bodyLimit({
      maxSize: 4096,
      onError: () => {
        throw new HttpError(413, "Cannot confirm: the body is larger than 4096 bytes");
      },
    }),
    async (c) => {
      const session = ownedSession(c);
      const body = await c.req.json().catch(() => undefined);
      const answer = ToolAnswer.safeParse(body);
      invalid(answer);
      const { approved } = answer.data!;
      session.confirmTool(c.req.valid("param").call_id, approved);
      return c.json({ status: approved ? "allowed" : "declined" });
    },
  );

  return app;
}

/** Answers 429 with `Retry-After` when `key`'s requests exceed `limiter`'s rate. */
function rateLimited(key: (c: Context) => string, limiter: RateLimiter): MiddlewareHandler {
  return async (c, next) => {
    throttle(limiter, key(c));
    await next();
  };
}

/** Spends one of `key`'s requests, or throws 429 with `Retry-After`. */
function throttle(limiter: RateLimiter, key: string): void {
  const wait = limiter.take(key);
  if (wait > 0) {
    throw new HttpError(429, "Too many requests; slow down", {
      retryAfterSeconds: Math.ceil(wait / 1000),
    });
  }
}

/**
 * The session a POST names, once its token proved the caller owns it. An
 * unknown id and a wrong token get the same 404, so a stranger cannot tell
 * which ids are in use; no token at all is 401 whatever the id.
 */
function authorizedSession(c: Context, registry: SessionRegistry): BrowserSession {
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

function cookieName(id: string): string {
  return `session_${id}`;
}

function presentedToken(c: Context, id: string): string | undefined {
  return c.req.header("X-Session-Token") || getCookie(c, cookieName(id)) || undefined;
}
