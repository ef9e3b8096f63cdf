import type { AgentConnector } from "../../agent/agent_session.ts";
import type { SessionRecorder } from "../history/conversation_recorder.ts";
import { type AudioCodec, BrowserSession, type SessionLimits } from "./browser_session.ts";
import { HttpError } from "../http_error.ts";
import type { Logger } from "../observability/logger.ts";
import type { EndReason, SessionMetrics } from "../observability/service_metrics.ts";
import { MemorySessionStore } from "./memory_session_store.ts";
import { hashToken, type SessionStore, STORED_TAIL, storedTail } from "./session_store.ts";
import type { StoredSession } from "./session_store.ts";
import { createSessionToken, tokensMatch } from "../security/session_token.ts";
import { StoredSessionWriter } from "./stored_session_writer.ts";

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
  /**
   * Where sessions' durable state is kept, so a session this process does not
   * hold (its instance died or restarted) resumes here; default: memory.
   */
  store?: SessionStore;
}

/**
 * The live sessions of this process, by id. A session outlives its stream by
 * `sessionGraceMs`, so a reconnect or a mode switch continues it. Each
 * session's durable state goes to the {@link SessionStore} as it changes, so
 * when its instance goes away, another one takes it over.
 */
export class SessionRegistry {
  readonly #options: SessionRegistryOptions;
  readonly #sessions = new Map<string, BrowserSession>();
  readonly #graceTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Client address of each session, and how many sessions each address holds. */
  readonly #clientOf = new Map<string, string>();
  readonly #perClient = new Map<string, number>();
  readonly #store: SessionStore;
  readonly #writers = new Map<string, StoredSessionWriter>();
  /** Last saves and deletions under way, for {@link settled}. */
  readonly #finishing = new Set<Promise<void>>();
  #draining = false;

  constructor(options: SessionRegistryOptions) {
    this.#options = options;
    this.#store = options.store ?? new MemorySessionStore();
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
   * Opens a stream on session `id`. A session not live here is taken over
   * from the store when `token` is its owner's (same Gemini conversation,
   * event ids and replay go on), else created.
   *
   * @throws {HttpError} 409 when the session is live or stored and `token` is
   *   not its token; 429 when `client` holds too many sessions; 503 at
   *   capacity or while the server shuts down.
   */
  async open(
    id: string,
    { isAudio, token, lastEventId, client = "unknown", codec = "pcm", recording }: {
      isAudio: boolean;
      /** How this stream wants the agent's voice. */
      codec?: AudioCodec;
      token?: string;
      lastEventId?: number;
      client?: string;
      /** For a session created here: its history recorder, and the transcript it continues. */
      recording?: { recorder?: SessionRecorder; context?: string };
    },
  ): Promise<{ session: BrowserSession; stream: ReadableStream<Uint8Array> }> {
    this.#refuseWhileDraining();
    let session = this.#sessions.get(id);
    let stored: StoredSession | undefined;
    let owner = { token: "", tokenHash: "" };
    if (!session) {
      stored = await this.#store.load(id);
      // A stored session stays its owner's; a new one gets a new token.
      const ownerToken = stored ? token ?? "" : (this.#options.createToken ?? createSessionToken)();
      owner = { token: ownerToken, tokenHash: await hashToken(ownerToken) };
      if (stored && !tokensMatch(owner.tokenHash, stored.tokenHash)) {
        throw new HttpError(409, `Cannot open session \`${id}\`: it belongs to another client`);
      }
      // Others may have come while the store answered.
      this.#refuseWhileDraining();
      session = this.#sessions.get(id);
    }
    if (session && !(token && tokensMatch(token, session.token))) {
      throw new HttpError(409, `Cannot open session \`${id}\`: it belongs to another client`);
    }
    if (!session) {
      this.#admit(client);
      session = this.#create(id, {
        ...owner,
        isAudio,
        firstEventId: Math.max(lastEventId ?? 0, stored?.lastEventId ?? 0),
        stored,
        recording,
      });
      this.#clientOf.set(id, client);
      this.#perClient.set(client, (this.#perClient.get(client) ?? 0) + 1);
      // A page that comes back to a stored session gets what it missed.
      const stream = session.attach(isAudio, stored ? lastEventId : undefined, codec);
      if (!stored && lastEventId !== undefined) {
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

  /**
   * Resolves once the last state of sessions closed by {@link drain} is
   * stored (so a redeploy resumes them) and ended ones are deleted.
   */
  async settled(): Promise<void> {
    while (this.#finishing.size > 0) await Promise.all(this.#finishing);
  }

  /** Lets go of the store's connections, once {@link settled}. */
  async closeStore(): Promise<void> {
    await this.settled();
    await this.#store.close();
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

  #create(
    id: string,
    { token, tokenHash, isAudio, firstEventId, stored, recording }: {
      token: string;
      tokenHash: string;
      isAudio: boolean;
      firstEventId: number;
      stored?: StoredSession;
      recording?: { recorder?: SessionRecorder; context?: string };
    },
  ): BrowserSession {
    const { connector, logger, limits, metrics } = this.#options;
    const mode = isAudio ? "audio" : "text";
    const writer = new StoredSessionWriter({
      id,
      store: this.#store,
      logger: logger.child({ session_id: id }),
      snapshot: () => {
        const state = session.durableState(STORED_TAIL.maxEvents);
        return { tokenHash, ...state, events: storedTail(state.events) };
      },
    });
    const session: BrowserSession = new BrowserSession({
      id,
      token,
      isAudio,
      firstEventId,
      replayed: stored?.events,
      // The other mode's conversation cannot go on in this one.
      resumeHandle: stored?.mode === mode ? stored.handle : undefined,
      onChange: (soon) => writer.changed(soon),
      ...recording,
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
    this.#writers.set(id, writer);
    writer.changed(true);
    metrics?.sessionStarted(mode);
    logger.child({ session_id: id }).info(
      `${stored ? "taken over from the session store" : "opened"} (${mode})`,
    );
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
    // A shutdown keeps the session's state for whichever instance takes it
    // over; a session that ended for good cannot be resumed.
    const writer = this.#writers.get(id)!;
    this.#writers.delete(id);
    const finishing = reason === "shutdown" ? writer.flush() : writer.delete();
    this.#finishing.add(finishing);
    finishing.finally(() => this.#finishing.delete(finishing));
    this.#options.metrics?.sessionEnded(reason);
    this.#options.logger.child({ session_id: id }).info(`closed (${reason})`);
  }
}
