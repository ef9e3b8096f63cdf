import { AgentError } from "../agent/agent_error.ts";
import type { AgentEvent } from "../agent/agent_event.ts";
import type { AgentConnector, AgentSession } from "../agent/agent_session.ts";
import { agentEventMessage, errorMessage } from "./agent_event_message.ts";
import { HttpError } from "./http_error.ts";
import type { Logger } from "./logger.ts";
import type { SendRequest } from "./send_request.ts";
import type { ServerSentEventMessage } from "./server_sent_event.ts";

/** What a {@link BrowserSession} needs from its owner. */
export interface BrowserSessionOptions {
  id: string;
  token: string;
  isAudio: boolean;
  connector: AgentConnector;
  logger: Logger;
  heartbeatMs: number;
  maxPendingEvents: number;
  /** Called when the session's stream went away, to start the grace period. */
  onIdle: () => void;
}

/** `retry:` sent to EventSource: come back soon after a drop. */
const RECONNECT_MS = 2000;

/**
 * One browser's conversation: its upstream agent session and the SSE stream
 * it currently reads. Streams come and go (reconnects, mode switches); the
 * session and its upstream outlive them until the registry closes it.
 */
export class BrowserSession {
  /** The session id chosen by the browser. */
  readonly id: string;
  /** The secret that binds requests to the browser that opened the session. */
  readonly token: string;
  readonly #options: BrowserSessionOptions;
  #isAudio: boolean;
  #nextEventId = 1;
  #stream: ReadableStreamDefaultController<ServerSentEventMessage> | null =
    null;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #pending: ServerSentEventMessage[] = [];
  #dropped = 0;
  #upstream: Promise<AgentSession> | null = null;
  #generation = 0;
  #fatal: string | null = null;
  #closed = false;

  constructor(options: BrowserSessionOptions) {
    this.id = options.id;
    this.token = options.token;
    this.#isAudio = options.isAudio;
    this.#options = options;
  }

  /** True while the session answers in audio. */
  get isAudio(): boolean {
    return this.#isAudio;
  }

  /**
   * Opens a new stream for the browser, replacing any previous one. A change
   * of mode reopens the upstream in the new mode.
   */
  attach(isAudio: boolean): ReadableStream<ServerSentEventMessage> {
    this.#stream?.close();
    this.#stopHeartbeat();
    this.#stream = null;
    if (isAudio !== this.#isAudio) {
      this.#isAudio = isAudio;
      this.#fatal = null;
      this.#disconnect();
    }
    let controller!: ReadableStreamDefaultController<ServerSentEventMessage>;
    const stream = new ReadableStream<ServerSentEventMessage>({
      start: (c) => {
        controller = c;
      },
      cancel: () => {
        if (this.#stream !== controller) return;
        this.#stream = null;
        this.#stopHeartbeat();
        this.#options.logger.info(
          `Session ${this.id}: stream closed by the client`,
        );
        this.#options.onIdle();
      },
    });
    this.#stream = controller;
    this.#write({
      event: "session",
      retry: RECONNECT_MS,
      data: JSON.stringify({
        session_id: this.id,
        token: this.token,
        is_audio: this.#isAudio,
      }),
    });
    if (this.#dropped > 0) {
      this.#write(errorMessage(
        `${this.#dropped} agent messages were dropped while this page was disconnected`,
        false,
      ));
      this.#dropped = 0;
    }
    for (const message of this.#pending.splice(0)) this.#write(message);
    this.#heartbeat = setInterval(
      () => this.#stream?.enqueue({ comment: "keep-alive" }),
      this.#options.heartbeatMs,
    );
    if (this.#fatal) this.#write(errorMessage(this.#fatal, true));
    else if (!this.#upstream) this.#connect();
    return stream;
  }

  /**
   * Delivers a browser message to the agent, opening the upstream again if it
   * ended. Messages posted while it connects wait for it, in order.
   *
   * @throws {HttpError} 502/503 when the agent cannot take the message.
   */
  async send(request: SendRequest): Promise<void> {
    const { logger } = this.#options;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (this.#closed) {
        throw new HttpError(
          404,
          `Cannot send: session \`${this.id}\` has ended`,
        );
      }
      if (!this.#upstream) {
        if (this.#fatal) throw new HttpError(503, this.#fatal);
        this.#connect();
      }
      const upstream = this.#upstream!;
      let session: AgentSession;
      try {
        session = await upstream;
      } catch (error) {
        if (upstream !== this.#upstream && this.#upstream) continue;
        throw agentFailure(error);
      }
      // A mode switch may have replaced the upstream while this request waited.
      if (upstream !== this.#upstream) continue;
      try {
        if (request.mimeType === "text/plain") {
          session.sendText(request.data);
          logger.debug(
            `[CLIENT TO AGENT] ${this.id}: text/plain: ${request.data}`,
          );
        } else {
          session.sendAudio(request.data);
          logger.debug(
            `[CLIENT TO AGENT] ${this.id}: audio/pcm: ${request.bytes} bytes.`,
          );
        }
        return;
      } catch (error) {
        throw agentFailure(error);
      }
    }
    throw new HttpError(
      502,
      "Cannot send: the agent connection keeps changing; try again",
    );
  }

  /** Ends the session: closes the upstream and the stream. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#disconnect();
    this.#stopHeartbeat();
    this.#stream?.close();
    this.#stream = null;
    this.#pending = [];
  }

  #connect(): void {
    const generation = ++this.#generation;
    const mode = this.#isAudio ? "audio" : "text";
    const { connector, logger } = this.#options;
    logger.info(`Session ${this.id}: connecting to the agent (${mode})`);
    const upstream = connector.connect({
      mode,
      onEvent: (event) => {
        if (generation === this.#generation) this.#onAgentEvent(event);
      },
    });
    this.#upstream = upstream;
    upstream.then(
      () => logger.info(`Session ${this.id}: agent connected (${mode})`),
      (error) => {
        if (generation !== this.#generation) return;
        this.#upstream = null;
        const fatal = error instanceof AgentError && error.fatal;
        const message = error instanceof Error ? error.message : String(error);
        if (fatal) {
          this.#fatal = message;
          logger.warnOnce(message);
          logger.debug(`Session ${this.id}: ${message}`);
        } else {
          logger.warn(`Session ${this.id}: ${message}`);
        }
        this.#emit(errorMessage(message, fatal));
      },
    );
  }

  #disconnect(): void {
    this.#generation++;
    const upstream = this.#upstream;
    this.#upstream = null;
    upstream?.then((session) => session.close(), () => {});
  }

  #onAgentEvent(event: AgentEvent): void {
    const { logger } = this.#options;
    if (event.type === "closed") {
      this.#upstream = null;
      if (event.fatal) this.#fatal = event.message;
      logger.warn(`Session ${this.id}: ${event.message}`);
    } else if (event.type === "audio") {
      logger.debug(
        `[AGENT TO CLIENT] ${this.id}: audio/pcm: ${event.data.length} base64 chars.`,
      );
    } else {
      logger.debug(`[AGENT TO CLIENT] ${this.id}: ${JSON.stringify(event)}`);
    }
    this.#emit(agentEventMessage(event));
  }

  /** Sends to the stream, or keeps (bounded) until a stream comes back. */
  #emit(message: ServerSentEventMessage): void {
    if (this.#stream) return this.#write(message);
    if (this.#closed) return;
    if (this.#pending.length >= this.#options.maxPendingEvents) {
      this.#pending.shift();
      this.#dropped++;
    }
    this.#pending.push(message);
  }

  #write(message: ServerSentEventMessage): void {
    this.#stream?.enqueue({ ...message, id: this.#nextEventId++ });
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }
}

function agentFailure(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const fatal = error instanceof AgentError && error.fatal;
  return new HttpError(
    fatal ? 503 : 502,
    `Cannot reach the agent: ${message}`,
    { cause: error },
  );
}
