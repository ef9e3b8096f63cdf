import type { GoogleGenAI, Session } from "@google/genai";
import type { AgentDefinition } from "./agent_definition.ts";
import { AgentError } from "./agent_error.ts";
import type { ResponseMode } from "./agent_event.ts";
import type { AgentConnector, AgentSession, OpenOptions } from "./agent_session.ts";
import { type GeminiCredentials, MISSING_CREDENTIALS_MESSAGE } from "./gemini_credentials.ts";
import { liveCloseCause } from "./live_close_cause.ts";
import { type ContextCompression, liveConnectParams } from "./live_connect_params.ts";
import type { LinkHandlers, LiveLink } from "./live_link.ts";
import type { LiveObserver } from "./live_observer.ts";
import { redactSecrets } from "./redact_secrets.ts";
import { ResilientLiveSession } from "./resilient_live_session.ts";
import type { RetryPolicy } from "./retry_delay.ts";

/** Everything the Gemini connector needs, read once at start-up. */
export interface GeminiLiveOptions {
  agent: AgentDefinition;
  /** `null` makes every session end at once with a message saying what to set. */
  credentials: GeminiCredentials | null;
  voice: string;
  /** Another endpoint for the API (`GOOGLE_GEMINI_BASE_URL`), as tests use. */
  baseUrl?: string;
  /** How long to wait for `setupComplete` before trying again. */
  connectTimeoutMs: number;
  /** Sliding-window compression, so long (voice) sessions are not cut off. */
  compression: ContextCompression;
  retry: RetryPolicy;
  /** Input kept per session while it reconnects, in bytes. */
  maxQueuedBytes: number;
  /** Told about every connection of every session, for metrics. */
  observer?: LiveObserver;
}

/**
 * Opens Gemini Live sessions (`ai.live.connect`), one per browser session,
 * each kept alive across `goAway`s and dropped connections.
 *
 * @example
 * ```ts
 * import { googleSearchAgent } from "./agent_definition.ts";
 * import { DEFAULT_RETRY_POLICY } from "./retry_delay.ts";
 * const connector = new GeminiLiveConnector({
 *   agent: googleSearchAgent(),
 *   credentials: { kind: "api_key", apiKey: "…" },
 *   voice: "Puck",
 *   connectTimeoutMs: 15_000,
 *   compression: { triggerTokens: 25_600, targetTokens: 12_800 },
 *   retry: DEFAULT_RETRY_POLICY,
 *   maxQueuedBytes: 8 << 20,
 * });
 * const session = connector.open({ mode: "text", onEvent: console.log });
 * session.sendText("Who won the 2024 Tour de France?");
 * ```
 */
export class GeminiLiveConnector implements AgentConnector {
  readonly #options: GeminiLiveOptions;
  #ai: Promise<GoogleGenAI> | null = null;
  readonly #secrets: string[];

  constructor(options: GeminiLiveOptions) {
    this.#options = options;
    this.#secrets = options.credentials?.apiKey ? [options.credentials.apiKey] : [];
  }

  /**
   * The SDK client, loaded on the first dial: importing `@google/genai` takes
   * most of the start-up time, and the page should be served before that.
   */
  #client(credentials: GeminiCredentials): Promise<GoogleGenAI> {
    this.#ai ??= import("@google/genai").then(({ GoogleGenAI }) =>
      createClient(GoogleGenAI, credentials, this.#options.baseUrl)
    );
    return this.#ai;
  }

  open({ mode, onEvent, resumeHandle, onResumable }: OpenOptions): AgentSession {
    return new ResilientLiveSession({
      dial: (handle, handlers) => this.#dial(mode, handle, handlers),
      onEvent,
      resumeHandle,
      onResumable,
      retry: this.#options.retry,
      maxQueuedBytes: this.#options.maxQueuedBytes,
      observer: this.#options.observer,
      tools: { tools: this.#options.agent.functionTools ?? [] },
    });
  }

  async #dial(
    mode: ResponseMode,
    resumeHandle: string | undefined,
    handlers: LinkHandlers,
  ): Promise<LiveLink> {
    const { credentials } = this.#options;
    if (!credentials) throw new AgentError(MISSING_CREDENTIALS_MESSAGE, { fatal: true });
    const ai = await this.#client(credentials);
    const { agent, voice, connectTimeoutMs, compression } = this.#options;
    const { model, config } = liveConnectParams(agent, mode, { voice, resumeHandle, compression });
    let state: "connecting" | "open" | "closed" = "connecting";
    let refusal: { code: number; reason: string } | undefined;

    const connecting = ai.live.connect({
      model,
      config,
      callbacks: {
        // The SDK hands over messages that came with setupComplete before
        // connect() resolves, so "connecting" must pass them on too.
        onmessage: (message) => state !== "closed" && handlers.onMessage(message),
        onclose: (event) => {
          // 1006 means no close frame came: the cause is the error, not a refusal.
          const reason = redactSecrets(event.reason ?? "", this.#secrets);
          if (state === "connecting" && event.code !== 1006) {
            refusal = { code: event.code, reason };
          }
          if (state !== "open") return;
          state = "closed";
          handlers.onClose(event.code, reason);
        },
      },
    });
    let session: Session;
    try {
      session = await withTimeout(connecting, connectTimeoutMs);
    } catch (error) {
      state = "closed";
      connecting.then((late) => late.close(), () => {});
      if (refusal) {
        const cause = liveCloseCause(refusal.code, refusal.reason);
        throw new AgentError(cause.message, { fatal: cause.fatal });
      }
      const detail = redactSecrets(
        error instanceof Error ? error.message : String(error),
        this.#secrets,
      );
      // The cause is not kept: SDK errors can hold the URL with the key.
      throw new AgentError(`Cannot reach Gemini: ${detail}`, { fatal: false });
    }
    state = "open";
    // The WebSocket drops what is sent after it closed without a word, so say it.
    const ensureOpen = () => {
      if (state !== "open") {
        throw new AgentError("The Live connection has closed", { fatal: false });
      }
    };
    return {
      sendText: (text) => {
        ensureOpen();
        session.sendClientContent({
          turns: [{ role: "user", parts: [{ text }] }],
          turnComplete: true,
        });
      },
      sendAudio: (data) => {
        ensureOpen();
        // The very text `session.sendRealtimeInput({ audio: { data, mimeType } })`
        // sends, without its generic converters and the objects they build,
        // 25 times a second per voice session.
        session.conn.send(REALTIME_AUDIO_HEAD + JSON.stringify(data) + REALTIME_AUDIO_TAIL);
      },
      sendVideo: (data) => {
        ensureOpen();
        session.sendRealtimeInput({ video: { data, mimeType: "image/jpeg" } });
      },
      sendToolResponse: (functionResponses) => {
        ensureOpen();
        session.sendToolResponse({ functionResponses });
      },
      close: () => {
        if (state === "closed") return;
        state = "closed";
        session.close();
      },
    };
  }
}

const REALTIME_AUDIO_HEAD = '{"realtimeInput":{"audio":{"data":';
const REALTIME_AUDIO_TAIL = ',"mimeType":"audio/pcm;rate=16000"}}}';

function createClient(
  SDK: typeof GoogleGenAI,
  credentials: GeminiCredentials,
  baseUrl?: string,
): GoogleGenAI {
  const httpOptions = baseUrl ? { baseUrl } : undefined;
  if (credentials.kind === "api_key") {
    return new SDK({ apiKey: credentials.apiKey, httpOptions });
  }
  return new SDK({
    vertexai: true,
    project: credentials.project,
    location: credentials.location,
    apiKey: credentials.apiKey,
    httpOptions,
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${ms / 1000} s`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
