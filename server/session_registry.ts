import type { AgentConnector } from "../agent/agent_session.ts";
import { type AudioCodec, BrowserSession, type SessionLimits } from "./browser_session.ts";
import { HttpError } from "./http_error.ts";
import type { Logger } from "./logger.ts";
import type { ServerSentEventMessage } from "./server_sent_event.ts";
import type { EndReason, SessionMetrics } from "./service_metrics.ts";
import { createSessionToken, tokensMatch } from "./session_token.ts";

/** What the registry needs, passed in by `main.ts`. */
export interface SessionRegistryOptions {
  connector: AgentConnector;
  logger: Logger;
  /** How long a session outlives its stream, for reconnects and mode switches. */
  sessionGraceMs: number;
  limits: SessionLimits;
  /** Sessions served at once; more get 503. */
  maxSessions: number;
  /** Sessions one client address may hold at once; more get 429. */
  maxSessionsPerClient: number;
  /** Where sessions report what happens; optional for tests. */
  metrics?: SessionMetrics;
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
  /** Client address of each session, and how many sessions each address holds. */
  readonly #clientOf = new Map<string, string>();
  readonly #perClient = new Map<string, number>();
  #draining = false;

  constructor(options: SessionRegistryOptions) {
    this.#options = options;
  }

  /** Number of live sessions. */
  get size(): number {
    return this.#sessions.size;
  }

  /** Live sessions by response mode, for the active-sessions gauge. */
  countByMode(): Record<"text" | "audio", number> {
    const counts = { text: 0, audio: 0 };
    for (const session of this.#sessions.values()) counts[session.isAudio ? "audio" : "text"]++;
    return counts;
  }

  /** True once {@link drain} was called. */
  get draining(): boolean {
    return this.#draining;
  }

  /**
   * The live session with this id, if any.
   *
   * @throws {HttpError} 503 while the server shuts down.
   */
  get(id: string): BrowserSession | undefined {
    this.#refuseWhileDraining();
    return this.#sessions.get(id);
  }

  /**
   * Opens a stream on session `id`, creating the session if it is not live.
   *
   * @throws {HttpError} 409 when the session is live and `token` is not its
   *   token; 429 when `client` holds too many sessions; 503 at capacity or
   *   while the server shuts down.
   */
  open(
    id: string,
    { isAudio, token, lastEventId, client = "unknown", codec = "pcm" }: {
      isAudio: boolean;
      /** How this stream wants the agent's voice. */
      codec?: AudioCodec;
      token?: string;
      lastEventId?: number;
      client?: string;
    },
  ): { session: BrowserSession; stream: ReadableStream<ServerSentEventMessage> } {
    this.#refuseWhileDraining();
    let session = this.#sessions.get(id);
    if (session && !(token && tokensMatch(token, session.token))) {
      throw new HttpError(409, `Cannot open session \`${id}\`: it belongs to another client`);
    }
    if (!session) {
      this.#admit(client);
      session = this.#create(id, isAudio, lastEventId ?? 0);
      this.#clientOf.set(id, client);
      this.#perClient.set(client, (this.#perClient.get(client) ?? 0) + 1);
      const stream = session.attach(isAudio, undefined, codec);
      if (lastEventId !== undefined) {
        // The page had a conversation here that no longer exists (the server
        // restarted, or the session expired): say so rather than go on silently.
        session.notify(
          "The previous conversation could not be continued (the server restarted or the " +
            "session expired); this is a new one",
        );
      }
      return { session, stream };
    }
    clearTimeout(this.#graceTimers.get(id));
    this.#graceTimers.delete(id);
    return { session, stream: session.attach(isAudio, lastEventId, codec) };
  }

  /**
   * Tells every page to reconnect shortly, closes every session, and refuses
   * new ones: the first step of a graceful shutdown.
   */
  drain(reason: string): void {
    this.#draining = true;
    for (const [id, session] of [...this.#sessions]) {
      session.end(reason);
      this.#remove(id, "shutdown");
    }
  }

  /** Closes every session at once. */
  closeAll(): void {
    for (const id of [...this.#sessions.keys()]) this.#remove(id, "shutdown");
  }

  #admit(client: string): void {
    const { maxSessions, maxSessionsPerClient } = this.#options;
    if (this.#sessions.size >= maxSessions) {
      throw new HttpError(503, `The server is at capacity (${maxSessions} conversations)`, {
        retryAfterSeconds: 30,
      });
    }
    if ((this.#perClient.get(client) ?? 0) >= maxSessionsPerClient) {
      throw new HttpError(
        429,
        `Too many conversations from your address (at most ${maxSessionsPerClient}); close one first`,
        { retryAfterSeconds: 30 },
      );
    }
  }

  #refuseWhileDraining(): void {
    if (this.#draining) {
      throw new HttpError(503, "The server is restarting; try again in a moment", {
        retryAfterSeconds: 2,
      });
    }
  }

  #create(id: string, isAudio: boolean, firstEventId: number): BrowserSession {
    const { connector, logger, limits, metrics } = this.#options;
    const session = new BrowserSession({
      id,
      token: (this.#options.createToken ?? createSessionToken)(),
      isAudio,
      firstEventId,
      connector,
      logger: logger.child({ session_id: id }),
      limits,
      metrics,
      onIdle: () => {
        clearTimeout(this.#graceTimers.get(id));
        this.#graceTimers.set(
          id,
          setTimeout(() => this.#remove(id, "disconnected"), this.#options.sessionGraceMs),
        );
      },
      onEnd: (reason) => this.#remove(id, reason),
    });
    this.#sessions.set(id, session);
    metrics?.sessionStarted(isAudio ? "audio" : "text");
    logger.child({ session_id: id }).info(`opened (${isAudio ? "audio" : "text"})`);
    return session;
  }

  #remove(id: string, reason: EndReason): void {
    clearTimeout(this.#graceTimers.get(id));
    this.#graceTimers.delete(id);
    const session = this.#sessions.get(id);
    if (!session) return;
    this.#sessions.delete(id);
    const client = this.#clientOf.get(id)!;
    this.#clientOf.delete(id);
    const held = (this.#perClient.get(client) ?? 1) - 1;
    if (held > 0) this.#perClient.set(client, held);
    else this.#perClient.delete(client);
    session.close();
    this.#options.metrics?.sessionEnded(reason);
    this.#options.logger.child({ session_id: id }).info(`closed (${reason})`);
  }
}
