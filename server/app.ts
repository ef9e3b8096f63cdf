import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie, setCookie } from "hono/cookie";
import type { BrowserSession } from "./browser_session.ts";
import { HttpError } from "./http_error.ts";
import type { InFlightRequests } from "./in_flight_requests.ts";
import type { Logger } from "./logger.ts";
import { parseSendRequest } from "./send_request.ts";
import { ServerSentEventStream } from "./server_sent_event.ts";
import type { SessionRegistry } from "./session_registry.ts";
import { tokensMatch } from "./session_token.ts";
import { staticFiles } from "./static_files.ts";

/** What the HTTP app is built from. */
export interface AppOptions {
  registry: SessionRegistry;
  logger: Logger;
  maxBodyBytes: number;
  /** Folder of the web client (a file URL ending in `/`). */
  staticRoot: URL;
  /** Counts requests in flight, for a graceful shutdown. */
  inFlight: InFlightRequests;
}

const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The service's routes: the page, its assets, `GET /events/:session_id` (SSE),
 * `POST /send/:session_id` and `POST /interrupt/:session_id`. Every error
 * answers `{"error": "…"}`.
 */
export function createApp(
  { registry, logger, maxBodyBytes, staticRoot, inFlight }: AppOptions,
): Hono {
  const app = new Hono();
  app.use(inFlight.middleware);

  app.onError((error, c) => {
    if (error instanceof HttpError) {
      if (error.retryAfterSeconds) c.header("Retry-After", String(error.retryAfterSeconds));
      return c.json({ error: error.message }, error.status);
    }
    logger.error(`${c.req.method} ${c.req.path}: ${error.stack ?? error}`);
    return c.json({ error: "Internal server error" }, 500);
  });
  app.notFound((c) => c.json({ error: `Not found: ${c.req.method} ${c.req.path}` }, 404));

  app.get("/", staticFiles(staticRoot, "", "index.html"));
  app.get("/static/*", staticFiles(staticRoot, "/static"));

  app.get("/events/:session_id", (c) => {
    const id = sessionId(c);
    const isAudio = isAudioParam(c.req.query("is_audio"));
    const { session, stream } = registry.open(id, {
      isAudio,
      token: presentedToken(c, id),
      // EventSource sends the header on its own reconnects; a page that opens
      // a new EventSource (a mode switch) passes the query parameter.
      lastEventId: lastEventId(c.req.header("Last-Event-ID") ?? c.req.query("last_event_id")),
    });
    setCookie(c, cookieName(id), session.token, {
      httpOnly: true,
      sameSite: "Strict",
      path: "/",
      secure: new URL(c.req.url).protocol === "https:",
    });
    logger.info(`Session ${id}: stream opened (${isAudio ? "audio" : "text"})`);
    return c.body(stream.pipeThrough(new ServerSentEventStream()), 200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      "X-Accel-Buffering": "no",
    });
  });

  app.post(
    "/send/:session_id",
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new HttpError(413, `Cannot send: the body is larger than ${maxBodyBytes} bytes`);
      },
    }),
    async (c) => {
      const session = authorizedSession(c, registry);
      const body = await c.req.text().catch((cause) => {
        throw new HttpError(400, "Cannot send: the body could not be read", { cause });
      });
      session.send(parseSendRequest(body));
      return c.json({ status: "sent" });
    },
  );

  app.post("/interrupt/:session_id", (c) => {
    authorizedSession(c, registry).interrupt();
    return c.json({ status: "interrupted" });
  });

  return app;
}

/** The session a POST names, once its token proved the caller owns it. */
function authorizedSession(c: Context, registry: SessionRegistry): BrowserSession {
  const id = sessionId(c);
  const session = registry.get(id);
  if (!session) throw new HttpError(404, `Cannot send: session \`${id}\` does not exist`);
  const token = presentedToken(c, id);
  if (!token) {
    throw new HttpError(401, "Cannot send: no session token (cookie or `X-Session-Token`)");
  }
  if (!tokensMatch(token, session.token)) {
    throw new HttpError(403, "Cannot send: the session token does not match");
  }
  return session;
}

function sessionId(c: Context): string {
  const id = c.req.param("session_id") ?? "";
  if (!SESSION_ID.test(id)) {
    throw new HttpError(400, "Invalid session id: use 1 to 64 of A-Z, a-z, 0-9, _ and -");
  }
  return id;
}

function isAudioParam(value: string | undefined): boolean {
  if (value === undefined || value === "false") return false;
  if (value === "true") return true;
  throw new HttpError(400, "Invalid `is_audio`: use true or false");
}

function lastEventId(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  if (!/^\d{1,15}$/.test(value)) {
    throw new HttpError(400, "Invalid `Last-Event-ID`: use the id of an event of this session");
  }
  return Number(value);
}

function cookieName(id: string): string {
  return `session_${id}`;
}

function presentedToken(c: Context, id: string): string | undefined {
  return c.req.header("X-Session-Token") || getCookie(c, cookieName(id)) || undefined;
}
