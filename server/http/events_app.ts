import { zValidator } from "@hono/zod-validator";
import { type Context, Hono } from "hono";
import { setCookie } from "hono/cookie";
import { z } from "zod";
import { loadOpus } from "../audio/opus_codec.ts";
import type { ConversationHistory } from "../history/conversation_history.ts";
import type { Logger } from "../observability/logger.ts";
import { eventId } from "../sessions/event_id.ts";
import type { SessionRegistry } from "../sessions/session_registry.ts";
import type { HistoryOwners } from "./history_owner.ts";
import { refuseInvalid, SessionParam } from "./route_params.ts";
import { presentedToken, sessionCookieName } from "./session_owner.ts";

/** What {@link eventsApp} opens streams with. */
export interface EventsAppOptions {
  registry: SessionRegistry;
  logger: Logger;
  /** Whether pages that ask get the agent's voice as Opus (default true). */
  opusDownlink?: boolean;
  /** The address rate limits and per-client caps count the request against. */
  client: (c: Context) => string;
  isHttps: (c: Context) => boolean;
  /** Conversation history: each new session's recorder and what it continues; none when off. */
  history?: ConversationHistory;
  /** Who owns a stream's conversation (given the owner cookie if new); with `history`. */
  owners?: HistoryOwners;
}

const EventsQuery = z.object({
  is_audio: z.enum(["true", "false"], { error: "Invalid `is_audio`: use true or false" })
    .optional(),
  last_event_id: z.string().regex(/^\d{1,15}$/, "Invalid `last_event_id`: use an event id")
    .optional(),
  /** How the page wants the agent's voice; raw PCM unless it asks for Opus. */
  codec: z.enum(["pcm", "opus"], { error: "Invalid `codec`: use pcm or opus" }).optional(),
  /** A stored conversation of the same owner that a new session continues. */
  continue: SessionParam.shape.session_id.optional(),
});

/**
 * `GET /events/:session_id`: opens (or reopens) a session and answers its
 * event stream, replaying what a reconnecting page missed; the session's
 * token goes in an HttpOnly cookie as well as the first event. With history,
 * a new session records its conversation for the stream's owner (a browser
 * without one gets the owner cookie) and `?continue=<id>` carries an earlier
 * conversation of that owner into it.
 *
 * @example
 * ```ts
 * app.route("/", eventsApp({ registry, logger, client, isHttps }));
 * ```
 */
export function eventsApp(options: EventsAppOptions): Hono {
  const { registry, logger, isHttps, history, owners } = options;
  return new Hono().get(
    "/events/:session_id",
    zValidator("param", SessionParam, refuseInvalid),
    zValidator("query", EventsQuery, refuseInvalid),
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
      const owner = history && owners && await owners.ensure(c);
      const { session, stream } = await registry.open(id, {
        isAudio,
        token: presentedToken(c, id),
        lastEventId,
        client: options.client(c),
        codec,
        recording: history && owner
          ? {
            recorder: history.recorder(owner, id),
            context: query.continue && await history.continuation(owner, query.continue),
          }
          : undefined,
      });
      setCookie(c, sessionCookieName(id), session.token, {
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
}
