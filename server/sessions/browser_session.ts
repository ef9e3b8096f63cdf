import { Buffer } from "node:buffer";
import type { Span } from "@opentelemetry/api";
import { AgentError } from "../../agent/agent_error.ts";
import type { AgentEvent } from "../../agent/agent_event.ts";
import type { AgentConnector, AgentSession, Delivery } from "../../agent/agent_session.ts";
import { agentEventMessage, errorMessage, opusAudioMessage } from "./agent_event_message.ts";
import { HttpError } from "../http_error.ts";
import type { Logger } from "../observability/logger.ts";
import type { SessionRecorder } from "../history/conversation_recorder.ts";
import { OpusCodec } from "../audio/opus_codec.ts";
import { FrameLog, type SentEvent } from "./frame_log.ts";
import type { NumberedMessage } from "./replay_buffer.ts";
import type { EndReason, SessionMetrics } from "../observability/service_metrics.ts";
import { startSessionSpan, startTurnSpan } from "../observability/session_tracing.ts";
import { encodeServerSentEvent, type ServerSentEventMessage } from "./server_sent_event.ts";

/** Limits and intervals of browser sessions, from the server config. */
export interface SessionLimits {
  /** Interval of `:` comments on idle streams, so proxies keep them open. */
  heartbeatMs: number;
  /** Events kept for replay to a page that reconnects. */
  replayEvents: number;
  /** Bytes of events kept for replay. */
  replayBytes: number;
  /** Bytes queued for a page that stopped reading before its stream is dropped. */
  streamBufferBytes: number;
  /** The session ends after this long without input or output. */
  idleTimeoutMs: number;
  /** The session ends this long after it started, whatever happens. */
  maxDurationMs: number;
  /** Tokens (summed from Gemini's per-turn usage) after which the session ends; 0: no limit. */
  tokenBudget: number;
}

/** What a {@link BrowserSession} needs from its owner. */
export interface BrowserSessionOptions {
  id: string;
  token: string;
  isAudio: boolean;
  /** Ids continue after this one, e.g. the `Last-Event-ID` of a page whose server restarted. */
  firstEventId: number;
  connector: AgentConnector;
  logger: Logger;
  limits: SessionLimits;
  /** Called when the session's stream went away, to start the grace period. */
  onIdle: () => void;
  /** Called when the session ended by itself (idle, too long, out of tokens). */
  onEnd: (reason: EndReason) => void;
  /** Where the session reports what it relays; optional for tests. */
  metrics?: SessionMetrics;
  /** Events of the conversation so far, kept for replay (a session taken over from another instance). */
  replayed?: readonly NumberedMessage[];
  /** Handle of the Gemini conversation to continue (a session taken over from another instance). */
  resumeHandle?: string;
  /**
   * Told when what {@link BrowserSession.durableState} returns changed; `soon`
   * when it should be stored without delay (a new handle, a turn's end).
   * Called on the hot path: it must only take note.
   */
  onChange?: (soon: boolean) => void;
  /** Records the conversation (typed text, agent events) for its history; none when off. */
  recorder?: SessionRecorder;
  /** An earlier conversation's transcript the agent goes on from (the page's Continue). */
  context?: string;
}

/** How the agent's voice goes to the page: raw PCM (the default) or Opus. */
export type AudioCodec = "pcm" | "opus";

/** `retry:` sent to EventSource: come back soon after a drop. */
const RECONNECT_MS = 2000;

/** What a page sends the agent, validated and decoded (Opus already PCM). */
export type SessionInput =
  | { mimeType: "text/plain"; data: string }
  /** `data` is the base64 string as received: the bytes go upstream unchanged. */
  | { mimeType: "audio/pcm"; data: string; bytes: number }
  /** A camera or screen frame, base64 as received. */
  | { mimeType: "image/jpeg"; data: string; bytes: number };

/**
 * One browser's conversation: its agent session and the SSE stream it reads
 * now. Streams come and go (reconnects, mode switches); every event gets the
 * next id of the session and is kept for replay, so a page that reconnects
 * with `Last-Event-ID` receives exactly what it missed.
 */
export class BrowserSession {
  /** The session id chosen by the browser. */
  readonly id: string;
  /** The secret that binds requests to the browser that opened the session. */
  readonly token: string;
  readonly #options: BrowserSessionOptions;
  readonly #replay: FrameLog;
  #isAudio: boolean;
  #lastId: number;
  #deliveredId: number;
  #stream: ReadableStreamDefaultController<Uint8Array> | null = null;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #upstream: AgentSession | null = null;
  #fatal: string | null = null;
  #replying = false;
  #muted = false;
  #lastActivity = Date.now();
  #tokensUsed = 0;
  /** When the first input of the current turn came, until the agent answers. */
  #turnInput: { at: number; kind: "text" | "audio" } | null = null;
  readonly #span: Span | undefined;
  #turnSpan: Span | undefined;
  #lifetime: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  /** What the current stream asked for the agent's voice. */
  #codec: AudioCodec = "pcm";
  /** Opus state of this session; its WebAssembly memory is taken on first use. */
  readonly #opus = new OpusCodec();
  /** The newest handle that resumes the current agent conversation. */
  #handle: string | undefined;

  constructor(options: BrowserSessionOptions) {
    this.id = options.id;
    this.token = options.token;
    this.#isAudio = options.isAudio;
    this.#lastId = this.#deliveredId = options.firstEventId;
    this.#options = options;
    const { replayEvents, replayBytes } = options.limits;
    this.#replay = new FrameLog({ maxEvents: replayEvents, maxBytes: replayBytes });
    for (const message of options.replayed ?? []) {
      this.#replay.push(message.id, encodeServerSentEvent(message), message);
    }
    this.#handle = options.resumeHandle;
    this.#span = startSessionSpan(options.id, options.isAudio ? "audio" : "text");
    this.#watchLifetime();
  }

  /** True while the session answers in audio. */
  get isAudio(): boolean {
    return this.#isAudio;
  }

  /**
   * What another instance needs to continue this session: its mode, the
   * handle of its Gemini conversation, and its newest events (up to `count`;
   * the agent's voice among them has no message).
   */
  durableState(count: number): {
    mode: "text" | "audio";
    handle?: string;
    lastEventId: number;
    events: { id: number; message?: NumberedMessage }[];
  } {
    return {
      mode: this.#isAudio ? "audio" : "text",
      handle: this.#handle,
      lastEventId: this.#lastId,
      events: this.#replay.newest(count),
    };
  }

  /**
   * Opens a new stream for the browser, replacing any previous one, and
   * replays what the page missed after `lastEventId` (by default, what no
   * stream has carried yet). A change of mode reopens the agent session.
   * `codec` is how this stream gets the agent's voice; replayed events keep
   * the codec they were sent in.
   */
  attach(
    isAudio: boolean,
    lastEventId?: number,
    codec: AudioCodec = "pcm",
  ): ReadableStream<Uint8Array> {
    if (codec !== this.#codec) {
      this.#opus.reset();
      this.#codec = codec;
    }
    this.#stopHeartbeat();
    this.#stream?.close();
    this.#stream = null;
    if (isAudio !== this.#isAudio) {
      this.#isAudio = isAudio;
      this.#fatal = null;
      this.#closeUpstream();
      // The other mode is a new conversation.
      this.#handle = undefined;
      this.#options.onChange?.(true);
    }
    const resumeFrom = lastEventId !== undefined && lastEventId <= this.#lastId
      ? lastEventId
      : this.#deliveredId;
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    // Frames are encoded as they are written, so the response reads bytes
    // straight from here: no transform stream (and its promises) per event.
    const stream = new ReadableStream<Uint8Array>({
      start: (c) => {
        controller = c;
      },
      cancel: () => {
        if (this.#stream !== controller) return;
        this.#options.logger.info("stream closed by the client");
        this.#detach();
      },
    }, {
      // Counted in bytes, so a page that stops reading is noticed by size.
      highWaterMark: this.#options.limits.streamBufferBytes,
      size: (frame) => frame.byteLength,
    });
    this.#stream = controller;
    // The session event marks where this stream resumes; it is not replayed.
    this.#enqueue(
      controller,
      encodeServerSentEvent({
        event: "session",
        id: resumeFrom,
        retry: RECONNECT_MS,
        data: JSON.stringify({
          session_id: this.id,
          token: this.token,
          is_audio: this.#isAudio,
          codec: this.#codec,
          // Microphone audio may come as either, whatever the agent's voice goes as.
          upload_codecs: ["pcm", "opus"],
        }),
      }),
    );
    this.#deliveredId = resumeFrom;
    const missed = this.#replay.since(resumeFrom);
    if (missed === null) {
      this.#emit(errorMessage(
        "Some of the agent's output was lost while this page was disconnected",
        false,
      ));
      this.#emit(agentEventMessage({ type: "turn_complete" }));
    } else {
      for (const message of missed) this.#write(message);
    }
    this.#heartbeat = setInterval(
      () =>
        this.#stream &&
        this.#enqueue(this.#stream, encodeServerSentEvent({ comment: "keep-alive" })),
      this.#options.limits.heartbeatMs,
    );
    if (this.#fatal) this.#emit(errorMessage(this.#fatal, true));
    else if (!this.#upstream) this.#openUpstream();
    return stream;
  }

  /**
   * Lets go of the events up to `lastEventId`, which the page says it has
   * received (`Last-Event-ID` on its POSTs): they need no replay, so a voice
   * session keeps the few frames in flight instead of `replayBytes`. An id
   * no stream has carried yet is ignored.
   */
  acknowledge(lastEventId: number): void {
    if (lastEventId <= this.#deliveredId) this.#replay.forget(lastEventId);
  }

  /**
   * Delivers a browser message to the agent, opening it again if it ended.
   * Input given while the agent reconnects is queued and delivered in order.
   * Opus goes through {@link decodeOpus} first.
   *
   * @returns `sent`, or `queued` while the agent (re)connects.
   * @throws {HttpError} 503 when the agent cannot take the message.
   */
  send(request: SessionInput): Delivery {
    if (this.#closed) throw new HttpError(404, `Cannot send: session \`${this.id}\` has ended`);
    this.#lastActivity = Date.now();
    if (!this.#replying && !this.#turnInput) {
      const kind = request.mimeType === "text/plain" ? "text" : "audio";
      this.#turnInput = { at: performance.now(), kind };
      this.#turnSpan ??= startTurnSpan(this.#span, kind);
    }
    if (!this.#upstream) {
      if (this.#fatal) throw new HttpError(503, this.#fatal);
      this.#openUpstream();
    }
    let delivery: Delivery;
    try {
      if (request.mimeType === "text/plain") delivery = this.#upstream!.sendText(request.data);
      else if (request.mimeType === "audio/pcm") {
        delivery = this.#upstream!.sendAudio(request.data);
      } else delivery = this.#upstream!.sendVideo(request.data);
    } catch (error) {
      if (!(error instanceof AgentError)) throw error;
      throw new HttpError(503, `Cannot send: ${error.message}`, {
        cause: error,
        retryAfterSeconds: error.fatal ? undefined : 1,
      });
    }
    if (request.mimeType === "text/plain") this.#options.recorder?.userText(request.data);
    const { logger } = this.#options;
    if (!logger.debugEnabled) return delivery;
    if (request.mimeType === "text/plain") {
      logger.debug(`[CLIENT TO AGENT] ${this.id}: text/plain: ${request.data}`);
    } else {
      logger.debug(`[CLIENT TO AGENT] ${this.id}: ${request.mimeType}: ${request.bytes} bytes.`);
    }
    return delivery;
  }

  /**
   * Decodes the page's Opus packets with this session's decoder, to what
   * {@link send} takes as `audio/pcm` (16 kHz).
   *
   * @throws {HttpError} 400 when a packet does not decode; 404 once the session ended.
   */
  decodeOpus(packets: readonly Uint8Array[]): { data: string; bytes: number } {
    if (this.#closed) throw new HttpError(404, `Cannot send: session \`${this.id}\` has ended`);
    let pcm: Uint8Array;
    try {
      pcm = this.#opus.decode(packets);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      throw new HttpError(400, `Cannot send: ${error.message}`);
    }
    const data = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString("base64");
    return { data, bytes: pcm.byteLength };
  }

  /**
   * Cuts the agent's current reply short for this page: it gets
   * `{"interrupted":true}` at once and nothing more of the reply.
   */
  interrupt(): void {
    if (this.#replying) this.#muted = true;
    this.#opus.reset();
    this.#emit(agentEventMessage({ type: "interrupted" }));
  }

  /**
   * Passes the user's answer to a tool call that awaits confirmation.
   *
   * @throws {HttpError} 404 when no call of that id awaits an answer.
   */
  confirmTool(callId: string, approved: boolean): void {
    if (this.#closed || !this.#upstream?.confirmTool(callId, approved)) {
      throw new HttpError(
        404,
        `Cannot confirm: no tool call \`${callId}\` awaits an answer in this session`,
      );
    }
    this.#lastActivity = Date.now();
    this.#options.logger.info(`tool call ${callId} ${approved ? "allowed" : "declined"}`);
  }

  /** Tells the page something went wrong that it can go on from (`event: error`, not fatal). */
  notify(message: string): void {
    this.#emit(errorMessage(message, false));
  }

  /** Ends the session with a last word to the page; it may open a new session. */
  end(reason: string): void {
    if (this.#closed) return;
    this.notify(reason);
    this.close();
  }

  /** Ends the session: closes the agent session and the stream. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#options.recorder?.close();
    clearInterval(this.#lifetime);
    this.#turnSpan?.end();
    this.#span?.end();
    this.#closeUpstream();
    this.#opus.close();
    this.#stopHeartbeat();
    this.#stream?.close();
    this.#stream = null;
  }

  #openUpstream(): void {
    const mode = this.#isAudio ? "audio" : "text";
    const { connector, logger } = this.#options;
    logger.info(`opening the agent (${mode})`);
    const upstream: AgentSession = connector.open({
      mode,
      resumeHandle: this.#handle,
      context: this.#options.context,
      onEvent: (event) => {
        if (upstream === this.#upstream) this.#onAgentEvent(event);
      },
      onResumable: (handle) => {
        if (upstream !== this.#upstream) return;
        this.#handle = handle;
        this.#options.onChange?.(true);
      },
    });
    this.#upstream = upstream;
  }

  #closeUpstream(): void {
    const upstream = this.#upstream;
    this.#upstream = null;
    this.#replying = this.#muted = false;
    this.#opus.reset();
    upstream?.close();
  }

  #onAgentEvent(event: AgentEvent): void {
    const { logger } = this.#options;
    this.#options.recorder?.agentEvent(event);
    this.#lastActivity = Date.now();
    switch (event.type) {
      case "closed":
        this.#upstream = null;
        this.#handle = undefined;
        if (event.fatal) {
          this.#fatal = event.message;
          logger.warnOnce(event.message);
        } else {
          logger.warn(event.message);
        }
        break;
      case "warning":
        logger.warn(event.message);
        break;
      case "turn_complete":
        this.#replying = this.#muted = false;
        this.#turnInput = null;
        this.#turnSpan?.end();
        this.#turnSpan = undefined;
        break;
      case "text":
      case "audio":
      case "transcript":
        if (event.type !== "transcript" || event.role === "model") {
          this.#replying = true;
          this.#answered();
          if (this.#muted) return;
        }
        break;
      case "usage":
        this.#options.metrics?.tokens(event.usage.promptTokens, event.usage.responseTokens);
        break;
    }
    if (event.type === "audio") {
      // base64 of 24 kHz 16-bit mono: 4 chars carry 3 bytes, 48,000 bytes a second.
      this.#options.metrics?.audioSeconds("out", event.data.length * 3 / 4 / 48_000);
    }
    if (logger.debugEnabled) {
      // Built only when written: this runs for every chunk of the agent's voice.
      logger.debug(
        event.type === "audio"
          ? `[AGENT TO CLIENT] ${this.id}: audio/pcm: ${event.data.length} base64 chars.`
          : `[AGENT TO CLIENT] ${this.id}: ${JSON.stringify(event)}`,
      );
    }
    if (event.type === "audio" && this.#codec === "opus") {
      const framed = this.#opus.encode(event.data);
      if (framed) this.#emit(opusAudioMessage(framed), { voice: true });
    } else {
      // A turn's last partial frame goes before its end; a barge-in drops it.
      if (event.type === "turn_complete") this.#flushOpus();
      if (event.type === "interrupted") this.#opus.reset();
      this.#emit(agentEventMessage(event), { voice: event.type === "audio" });
    }
    if (event.type === "turn_complete") this.#options.onChange?.(true);
    if (event.type === "usage") this.#spend(event.usage.totalTokens);
  }

  /** Sends the agent's voice left over in the Opus encoder, padded to a frame. */
  #flushOpus(): void {
    const framed = this.#opus.flush();
    if (framed) this.#emit(opusAudioMessage(framed), { voice: true });
  }

  /** Records how long the agent took to start answering the turn's first input. */
  #answered(): void {
    if (!this.#turnInput) return;
    this.#options.metrics?.firstOutput(
      this.#turnInput.kind,
      (performance.now() - this.#turnInput.at) / 1000,
    );
    this.#turnSpan?.addEvent("first output");
    this.#turnInput = null;
  }

  /** Ends the session politely once it has used its token budget. */
  #spend(tokens: number): void {
    const budget = this.#options.limits.tokenBudget;
    this.#tokensUsed += tokens;
    if (budget === 0 || this.#tokensUsed < budget) return;
    this.end(`This conversation used its budget of ${budget} tokens; start a new one to go on`);
    this.#options.onEnd("token_budget");
  }

  /**
   * Numbers a message, keeps it for replay, and sends it if a page is
   * reading. The agent's `voice` is kept as bytes only (see {@link SentEvent}).
   */
  #emit(message: ServerSentEventMessage, { voice = false } = {}): void {
    const numbered: NumberedMessage = { ...message, id: ++this.#lastId };
    const event: SentEvent = { id: numbered.id, frame: encodeServerSentEvent(numbered) };
    this.#replay.push(event.id, event.frame, voice ? undefined : numbered);
    this.#write(event);
    this.#options.onChange?.(false);
  }

  #write(event: SentEvent): void {
    const stream = this.#stream;
    if (!stream) return;
    this.#enqueue(stream, event.frame);
    this.#deliveredId = event.id;
    if (stream.desiredSize !== null && stream.desiredSize < 0) {
      const { logger, limits } = this.#options;
      logger.warn(
        `dropping the stream of a page that stopped reading ` +
          `(over ${limits.streamBufferBytes} bytes queued); it can reconnect and resume`,
      );
      stream.error(new Error("The page stopped reading its event stream"));
      this.#detach();
    }
  }

  #enqueue(stream: ReadableStreamDefaultController<Uint8Array>, frame: Uint8Array): void {
    this.#options.metrics?.sseBytes(frame.byteLength);
    stream.enqueue(frame);
  }

  /** Forgets the current stream and starts the grace period. */
  #detach(): void {
    if (!this.#stream) return;
    this.#stream = null;
    this.#stopHeartbeat();
    this.#options.onIdle();
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  #watchLifetime(): void {
    const { idleTimeoutMs, maxDurationMs } = this.#options.limits;
    const started = Date.now();
    const every = Math.min(Math.max(Math.min(idleTimeoutMs, maxDurationMs) / 10, 20), 30_000);
    this.#lifetime = setInterval(() => {
      const now = Date.now();
      if (now - started >= maxDurationMs) {
        this.end(`This session reached its maximum length of ${minutes(maxDurationMs)}`);
        this.#options.onEnd("max_duration");
      } else if (now - this.#lastActivity >= idleTimeoutMs) {
        this.end(`This session ended after ${minutes(idleTimeoutMs)} without activity`);
        this.#options.onEnd("idle");
      }
    }, every);
  }
}

function minutes(ms: number): string {
  const value = ms / 60_000;
  return value >= 1 ? `${Math.round(value)} min` : `${Math.round(ms / 1000)} s`;
}
