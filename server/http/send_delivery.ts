import type { Delivery } from "../../agent/agent_session.ts";
import type { BrowserSession } from "../sessions/browser_session.ts";
import { eventId } from "../sessions/event_id.ts";
import { HttpError } from "../http_error.ts";
import { loadOpus } from "../audio/opus_codec.ts";
import { RateLimiter } from "../security/rate_limiter.ts";
import type { SecurityConfig } from "../security/security_config.ts";
import { parseSendRequest } from "./send_request.ts";
import type { SessionMetrics } from "../observability/service_metrics.ts";

/** 16 kHz, 16-bit mono. */
const PCM_BYTES_PER_SECOND = 32_000;

/** The parts of a `POST /send` request {@link sendDelivery} reads (Hono's `c.req` has them). */
export interface SendRequestParts {
  text(): Promise<string>;
  header(name: string): string | undefined;
}

/** What {@link sendDelivery} needs. */
export interface SendDeliveryOptions {
  security: Pick<
    SecurityConfig,
    | "maxTextChars"
    | "maxAudioSecondsPerPost"
    | "audioSecondsPerMinute"
    | "maxImageBytes"
    | "imageFramesPerSecond"
  >;
  metrics: Pick<SessionMetrics, "postBytes" | "audioSeconds" | "relayTime">;
  /** Injected so tests control time for the audio and frame limits. */
  now?: () => number;
}

/**
 * The work of `POST /send/:session_id` once the caller owns the session:
 * takes note of the events the page has received (its `Last-Event-ID`
 * header, see {@link BrowserSession.acknowledge}), reads and parses the
 * body, applies the per-request and per-minute limits on text, audio and
 * frames, decodes Opus, and hands the message to the session.
 * Both routes to it (the full middleware chain and the fast lane) call this,
 * and answer `sent` (200) or, while the agent reconnects, `queued` (202).
 *
 * @throws {HttpError} 400 for an invalid `Last-Event-ID`; 400, 413, 415 or
 *   429 for a body the limits refuse;
 *   whatever {@link BrowserSession.send} throws.
 *
 * @example
 * ```ts
 * const deliver = sendDelivery({ security, metrics });
 * await deliver(session, {
 *   text: () => Promise.resolve('{"mime_type":"text/plain","data":"Hi"}'),
 *   header: (name) => (name === "Last-Event-ID" ? "41" : undefined),
 * });
 * ```
 */
export function sendDelivery(
  { security, metrics, now }: SendDeliveryOptions,
): (session: BrowserSession, request: SendRequestParts) => Promise<Delivery> {
  const frameLimit = RateLimiter.requests(security.imageFramesPerSecond, now);
  const audioLimit = new RateLimiter({
    ratePerSecond: security.audioSecondsPerMinute / 60,
    burst: security.audioSecondsPerMinute,
    now,
  });
  return async (session, request) => {
    const received = eventId(request.header("Last-Event-ID"));
    if (received !== undefined) session.acknowledge(received);
    const body = await request.text().catch((cause) => {
      throw new HttpError(400, "Cannot send: the body could not be read", { cause });
    });
    const readAt = performance.now();
    metrics.postBytes(body.length);
    const parsed = parseSendRequest(body);
    if (parsed.mimeType === "text/plain" && parsed.data.length > security.maxTextChars) {
      throw new HttpError(
        413,
        `Cannot send: the text has ${parsed.data.length} characters; the limit is ${security.maxTextChars}`,
      );
    }
    if (parsed.mimeType === "audio/pcm" || parsed.mimeType === "audio/opus") {
      // Opus counts what it decodes to, read from the packets' headers before decoding.
      const seconds = parsed.mimeType === "audio/opus"
        ? parsed.seconds
        : parsed.bytes / PCM_BYTES_PER_SECOND;
      if (seconds > security.maxAudioSecondsPerPost) {
        throw new HttpError(
          413,
          `Cannot send: ${
            seconds.toFixed(1)
          } s of audio in one request; the limit is ${security.maxAudioSecondsPerPost} s`,
        );
      }
      const wait = audioLimit.take(session.id, seconds);
      if (wait > 0) {
        throw new HttpError(
          429,
          `Cannot send: more than ${security.audioSecondsPerMinute} s of audio per minute`,
          { retryAfterSeconds: Math.ceil(wait / 1000) },
        );
      }
    }
    if (parsed.mimeType === "image/jpeg") {
      if (parsed.bytes > security.maxImageBytes) {
        throw new HttpError(
          413,
          `Cannot send: the image has ${parsed.bytes} bytes; the limit is ${security.maxImageBytes}`,
        );
      }
      const wait = frameLimit.take(session.id);
      if (wait > 0) {
        throw new HttpError(
          429,
          `Cannot send: more than ${security.imageFramesPerSecond} frames per second`,
          { retryAfterSeconds: Math.ceil(wait / 1000) },
        );
      }
    }
    // The agent takes 16 kHz PCM: Opus is decoded here, with the session's decoder.
    if (parsed.mimeType === "audio/opus") await loadOpus();
    const message = parsed.mimeType === "audio/opus"
      ? { mimeType: "audio/pcm" as const, ...session.decodeOpus(parsed.packets) }
      : parsed;
    const delivery = session.send(message);
    if (message.mimeType === "audio/pcm") {
      metrics.audioSeconds("in", message.bytes / PCM_BYTES_PER_SECOND);
    }
    metrics.relayTime("up", (performance.now() - readAt) / 1000);
    return delivery;
  };
}
