import { GoogleGenAI, type Session } from "@google/genai";
import type { AgentDefinition } from "./agent_definition.ts";
import { AgentError } from "./agent_error.ts";
import type {
  AgentConnector,
  AgentSession,
  ConnectOptions,
} from "./agent_session.ts";
import {
  type GeminiCredentials,
  MISSING_CREDENTIALS_MESSAGE,
} from "./gemini_credentials.ts";
import { liveCloseCause } from "./live_close_cause.ts";
import { liveConnectParams } from "./live_connect_params.ts";
import { LiveMessageMapper } from "./live_message_mapper.ts";

/** Everything the Gemini connector needs, read once at start-up. */
export interface GeminiLiveOptions {
  agent: AgentDefinition;
  /** `null` makes every connect fail with a message saying what to set. */
  credentials: GeminiCredentials | null;
  voice: string;
  /** Another endpoint for the API (`GOOGLE_GEMINI_BASE_URL`), as tests use. */
  baseUrl?: string;
  /** How long to wait for `setupComplete` before giving up. */
  connectTimeoutMs: number;
}

/**
 * Opens one Gemini Live session (`ai.live.connect`) per call.
 *
 * @example
 * ```ts
 * import { googleSearchAgent } from "./agent_definition.ts";
 * const connector = new GeminiLiveConnector({
 *   agent: googleSearchAgent(),
 *   credentials: { kind: "api_key", apiKey: "…" },
 *   voice: "Puck",
 *   connectTimeoutMs: 15_000,
 * });
 * const session = await connector.connect({ mode: "text", onEvent: console.log });
 * session.sendText("Who won the 2024 Tour de France?");
 * ```
 */
export class GeminiLiveConnector implements AgentConnector {
  readonly #options: GeminiLiveOptions;
  readonly #ai: GoogleGenAI | null;

  constructor(options: GeminiLiveOptions) {
    this.#options = options;
    this.#ai = options.credentials
      ? createClient(options.credentials, options.baseUrl)
      : null;
  }

  async connect({ mode, onEvent }: ConnectOptions): Promise<AgentSession> {
    if (!this.#ai) {
      throw new AgentError(MISSING_CREDENTIALS_MESSAGE, { fatal: true });
    }
    const { agent, voice, connectTimeoutMs } = this.#options;
    const { model, config } = liveConnectParams(agent, mode, voice);
    const mapper = new LiveMessageMapper();
    let state: "connecting" | "open" | "closed" = "connecting";
    let refusal: { code: number; reason: string } | undefined;

    const connecting = this.#ai.live.connect({
      model,
      config,
      callbacks: {
        onmessage: (message) => {
          // The SDK hands over messages that came with setupComplete before
          // connect() resolves, so "connecting" must pass them on too.
          if (state === "closed") return;
          for (const event of mapper.map(message)) onEvent(event);
        },
        onclose: (event) => {
          // 1006 means no close frame came: the cause is the error, not a refusal.
          if (state === "connecting" && event.code !== 1006) {
            refusal = { code: event.code, reason: event.reason };
          }
          if (state !== "open") return;
          state = "closed";
          onEvent({
            type: "closed",
            ...liveCloseCause(event.code, event.reason),
          });
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
        throw new AgentError(cause.message, {
          fatal: cause.fatal,
          cause: error,
        });
      }
      const detail = error instanceof Error ? error.message : String(error);
      throw new AgentError(`Cannot reach Gemini: ${detail}`, {
        fatal: false,
        cause: error,
      });
    }
    state = "open";
    // The WebSocket drops what is sent after it closed without a word, so say it.
    const ensureOpen = () => {
      if (state !== "open") {
        throw new AgentError("The conversation with Gemini has ended", {
          fatal: false,
        });
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
        session.sendRealtimeInput({
          audio: { data, mimeType: "audio/pcm;rate=16000" },
        });
      },
      close: () => {
        if (state === "closed") return;
        state = "closed";
        session.close();
      },
    };
  }
}

function createClient(
  credentials: GeminiCredentials,
  baseUrl?: string,
): GoogleGenAI {
  const httpOptions = baseUrl ? { baseUrl } : undefined;
  if (credentials.kind === "api_key") {
    return new GoogleGenAI({ apiKey: credentials.apiKey, httpOptions });
  }
  return new GoogleGenAI({
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
