import type { AgentConnector } from "../agent/agent_session.ts";
import { BrowserSession } from "./browser_session.ts";
import { HttpError } from "./http_error.ts";
import type { Logger } from "./logger.ts";
import type { ServerSentEventMessage } from "./server_sent_event.ts";
import { createSessionToken, tokensMatch } from "./session_token.ts";

/** What the registry needs, passed in by `main.ts`. */
export interface SessionRegistryOptions {
  connector: AgentConnector;
  logger: Logger;
  sessionGraceMs: number;
  heartbeatMs: number;
  maxPendingEvents: number;
  /** Injected so tests can choose tokens; default: 256 random bits. */
  createToken?: () => string;
}

/**
 * The live sessions of this process, by id. A session outlives its stream by
 * `sessionGraceMs`, so a reconnect or a mode switch continues it.
 */
export class SessionRegistry {
  readonly #options: SessionRegistryOptions;
  readonly #sessions = new Map<string, BrowserSession>();
  readonly #graceTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(options: SessionRegistryOptions) {
    this.#options = options;
  }

  /** Number of live sessions. */
  get size(): number {
    return this.#sessions.size;
  }

  /** The live session with this id, if any. */
  get(id: string): BrowserSession | undefined {
    return this.#sessions.get(id);
  }

  /**
   * Opens a stream on session `id`, creating the session if it is not live.
   *
   * @throws {HttpError} 409 when the session is live and `token` is not its token.
   */
  open(
    id: string,
    isAudio: boolean,
    token: string | undefined,
  ): {
    session: BrowserSession;
    stream: ReadableStream<ServerSentEventMessage>;
  } {
    let session = this.#sessions.get(id);
    if (session && !(token && tokensMatch(token, session.token))) {
      throw new HttpError(
        409,
        `Cannot open session \`${id}\`: it belongs to another client`,
      );
    }
    if (!session) {
      session = this.#create(id, isAudio);
    }
    clearTimeout(this.#graceTimers.get(id));
    this.#graceTimers.delete(id);
    return { session, stream: session.attach(isAudio) };
  }

  /** Closes every session, as on shutdown. */
  closeAll(): void {
    for (const id of [...this.#sessions.keys()]) this.#close(id);
  }

  #create(id: string, isAudio: boolean): BrowserSession {
    const { connector, logger, heartbeatMs, maxPendingEvents } = this.#options;
    const session = new BrowserSession({
      id,
      token: (this.#options.createToken ?? createSessionToken)(),
      isAudio,
      connector,
      logger,
      heartbeatMs,
      maxPendingEvents,
      onIdle: () => {
        this.#graceTimers.set(
          id,
          setTimeout(() => this.#close(id), this.#options.sessionGraceMs),
        );
      },
    });
    this.#sessions.set(id, session);
    logger.info(`Session ${id}: opened (${isAudio ? "audio" : "text"})`);
    return session;
  }

  #close(id: string): void {
    clearTimeout(this.#graceTimers.get(id));
    this.#graceTimers.delete(id);
    const session = this.#sessions.get(id);
    if (!session) return;
    this.#sessions.delete(id);
    session.close();
    this.#options.logger.info(`Session ${id}: closed`);
  }
}
