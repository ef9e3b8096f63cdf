import type { FunctionResponseScheduling, GoogleGenAI, Session } from "@google/genai";
import type { AgentDefinition } from "./agent_definition.ts";
import { AgentError } from "./agent_error.ts";
import type { ResponseMode } from "./agent_event.ts";
import type { AgentConnector, AgentSession, OpenOptions } from "./agent_session.ts";
import { type GeminiCredentials, MISSING_CREDENTIALS_MESSAGE } from "./gemini_credentials.ts";
import { liveCloseCause } from "./live_close_cause.ts";
import {
  type ContextCompression,
  liveConnectParams,
  type TextAnswer,
} from "./live_connect_params.ts";
import type { LinkHandlers, LiveLink } from "./live_link.ts";
import {
  type ConfiguredModel,
  listLiveModels,
  modelProblem,
  unusableModelMessage,
} from "./live_model_check.ts";
import { liveModelTraits } from "./live_model_traits.ts";
import type { LiveObserver } from "./live_observer.ts";
import { redactSecrets } from "./redact_secrets.ts";
import { ResilientLiveSession } from "./resilient_live_session.ts";
import type { RetryPolicy } from "./retry_delay.ts";
import { withTimeout } from "./with_timeout.ts";

/** How text sessions ask for their answers (`GEMINI_TEXT_MODALITY`). */
export type TextModality = "auto" | "text" | "audio";

/** Where the connector reports what an operator should know; a `Logger` fits. */
export interface AgentLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Everything the Gemini connector needs, read once at start-up. */
export interface GeminiLiveOptions {
  agent: AgentDefinition;
  /** `null` makes every session end at once with a message saying what to set. */
  credentials: GeminiCredentials | null;
  voice: string;
  /** Another endpoint for the API (`GOOGLE_GEMINI_BASE_URL`), as tests use. */
  baseUrl?: string;
  /** API version of the Live socket and the model list; the SDK's own when unset. */
  apiVersion?: string;
  /**
   * How text sessions get their answers: `text` asks for TEXT, `audio` for
   * AUDIO and its transcription, `auto` chooses by model and switches a model
   * that refuses TEXT to `audio`.
   */
  textModality: TextModality;
  /** How long to wait for `setupComplete` before trying again. */
  connectTimeoutMs: number;
  /** Sliding-window compression, so long (voice) sessions are not cut off. */
  compression: ContextCompression;
  retry: RetryPolicy;
  /** Input kept per session while it reconnects, in bytes. */
  maxQueuedBytes: number;
  /** Told about every connection of every session, for metrics. */
  observer?: LiveObserver;
  /** Told what the operator should know (a model switched to audio, a model check). */
  log?: AgentLog;
}

/** How long the start-up model check waits for the list of models. */
const MODEL_LIST_TIMEOUT_MS = 10_000;

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
 *   apiVersion: "v1beta",
 *   textModality: "auto",
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
  /** Models that refused TEXT: their text sessions ask for speech and its transcription. */
  readonly #speechOnly = new Set<string>();
  /** The Live models the key can use, once the model check has listed them. */
  #available: string[] | null = null;
  #problem: string | undefined;

  constructor(options: GeminiLiveOptions) {
    this.#options = options;
    this.#secrets = options.credentials?.apiKey ? [options.credentials.apiKey] : [];
  }

  /** What keeps every session from working, once known: a model the key cannot use. */
  get problem(): string | undefined {
    return this.#problem;
  }

  /**
   * The SDK client, loaded on the first dial: importing `@google/genai` takes
   * most of the start-up time, and the page should be served before that.
   */
  #client(credentials: GeminiCredentials): Promise<GoogleGenAI> {
    this.#ai ??= import("@google/genai").then(({ GoogleGenAI }) =>
      createClient(GoogleGenAI, credentials, this.#options)
    );
    return this.#ai;
  }

  /**
   * Lists the Live models the key can use and checks the configured ones
   * against them. A model that is missing becomes {@link problem}: logged
   * once, and every session ends at once naming it and one to use instead.
   * Listing that fails (network, permissions) is a warning, nothing more.
   * Only Gemini API keys are checked.
   *
   * @returns the Live models the key can use, or `null` when not checked.
   */
  async checkModels(timeoutMs = MODEL_LIST_TIMEOUT_MS): Promise<string[] | null> {
    const { credentials, log } = this.#options;
    // Vertex AI's model list does not say which models serve bidiGenerateContent.
    if (credentials?.kind !== "api_key") return null;
    try {
      this.#available = await listLiveModels(await this.#client(credentials), timeoutMs);
    } catch (error) {
      log?.warn(
        `Could not list Gemini's models to check the configured ones: ${
          redactSecrets(error instanceof Error ? error.message : String(error), this.#secrets)
        }`,
      );
      return null;
    }
    this.#found(modelProblem(this.#configuredModels(), this.#available));
    return this.#available;
  }

  /** Keeps what stops every session, logged once however many sessions meet it. */
  #found(problem: string | undefined): void {
    if (!problem || problem === this.#problem) return;
    this.#problem = problem;
    this.#options.log?.error(problem);
  }

  #configuredModels(): ConfiguredModel[] {
    const { model, audioModel } = this.#options.agent;
    const models = [{ setting: "GEMINI_MODEL", model }];
    if (audioModel !== model) models.push({ setting: "GEMINI_AUDIO_MODEL", model: audioModel });
    return models;
  }

  open({ mode, onEvent, resumeHandle, onResumable, context }: OpenOptions): AgentSession {
    return new ResilientLiveSession({
      dial: (handle, handlers) => this.#dial(mode, handle, handlers, context),
      onEvent,
      resumeHandle,
      onResumable,
      retry: this.#options.retry,
      maxQueuedBytes: this.#options.maxQueuedBytes,
      observer: this.#options.observer,
      tools: { tools: this.#options.agent.functionTools ?? [] },
    });
  }

  /** How a text session on `model` asks for its answers, by the setting and what we learnt. */
  #textAnswer(model: string): TextAnswer {
    const setting = this.#options.textModality;
    if (setting !== "auto") return setting === "text" ? "text" : "speech";
    return liveModelTraits(model).audioOnly || this.#speechOnly.has(model) ? "speech" : "text";
  }

  async #dial(
    mode: ResponseMode,
    resumeHandle: string | undefined,
    handlers: LinkHandlers,
    context?: string,
  ): Promise<LiveLink> {
    const { credentials, agent, log } = this.#options;
    if (!credentials) throw new AgentError(MISSING_CREDENTIALS_MESSAGE, { fatal: true });
    if (this.#problem) throw new AgentError(this.#problem, { fatal: true });
    const ai = await this.#client(credentials);
    const model = mode === "text" ? agent.model : agent.audioModel;
    const textAnswer = mode === "text" ? this.#textAnswer(model) : "text";
    try {
      return await this.#connect(ai, mode, textAnswer, resumeHandle, handlers, context);
    } catch (error) {
      const refused = error instanceof AgentError ? error.refusal : undefined;
      if (refused === "model") {
        // Retired since start-up, or never checked: explained as the check would.
        const configured = this.#configuredModels().find((c) => c.model === model)!;
        this.#found(unusableModelMessage(configured, this.#available));
        throw new AgentError(this.#problem!, { fatal: true });
      }
      const switchable = mode === "text" && textAnswer === "text" &&
        this.#options.textModality === "auto";
      if (refused !== "modality" || !switchable) throw error;
      this.#speechOnly.add(model);
      log?.info(
        `${model} refused TEXT answers; its text sessions now ask for audio and show its ` +
          "transcription (GEMINI_TEXT_MODALITY=audio skips the first try)",
      );
      return await this.#connect(ai, mode, "speech", resumeHandle, handlers, context);
    }
  }

  async #connect(
    ai: GoogleGenAI,
    mode: ResponseMode,
    textAnswer: TextAnswer,
    resumeHandle: string | undefined,
    handlers: LinkHandlers,
    context?: string,
  ): Promise<LiveLink> {
    const { agent, voice, connectTimeoutMs, compression } = this.#options;
    const { model, config } = liveConnectParams(agent, mode, {
      voice,
      resumeHandle,
      compression,
      textAnswer,
      context,
    });
    const traits = liveModelTraits(model);
    handlers.onSetup({ speechAsText: mode === "text" && textAnswer === "speech" });
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
        throw new AgentError(cause.message, { fatal: cause.fatal, refusal: cause.kind });
      }
      const detail = redactSecrets(
        error instanceof Error ? error.message : String(error),
        this.#secrets,
      );
      // The cause is not kept: SDK errors can hold the URL with the key.
      throw new AgentError("Cannot reach Gemini: check the network or proxy", {
        fatal: false,
        detail,
      });
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
        // realtimeInput.text works on every current model, mid-session and in
        // voice sessions; clientContent was refused by some (3.1 Flash Live).
        session.sendRealtimeInput({ text });
      },
      sendAudio: (data) => {
        ensureOpen();
        // The very text `session.sendRealtimeInput({ audio: { data, mimeType } })`
        // sends, without its generic converters and the objects they build,
        // 25 times a second per voice session: `Session.conn` is public in the
        // SDK's types (`send(message: string)`), and no other call sends raw text.
        session.conn.send(REALTIME_AUDIO_HEAD + JSON.stringify(data) + REALTIME_AUDIO_TAIL);
      },
      sendVideo: (data) => {
        ensureOpen();
        session.sendRealtimeInput({ video: { data, mimeType: "image/jpeg" } });
      },
      sendToolResponse: (functionResponses) => {
        ensureOpen();
        session.sendToolResponse({
          functionResponses: traits.asyncFunctions
            ? functionResponses.map((response) => ({ ...response, scheduling: WHEN_IDLE }))
            : functionResponses,
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

// A result is added when the model is idle rather than cutting its speech off.
const WHEN_IDLE = "WHEN_IDLE" as FunctionResponseScheduling.WHEN_IDLE;

const REALTIME_AUDIO_HEAD = '{"realtimeInput":{"audio":{"data":';
const REALTIME_AUDIO_TAIL = ',"mimeType":"audio/pcm;rate=16000"}}}';

function createClient(
  SDK: typeof GoogleGenAI,
  credentials: GeminiCredentials,
  { baseUrl, apiVersion }: Pick<GeminiLiveOptions, "baseUrl" | "apiVersion">,
): GoogleGenAI {
  const httpOptions = baseUrl || apiVersion ? { baseUrl, apiVersion } : undefined;
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
