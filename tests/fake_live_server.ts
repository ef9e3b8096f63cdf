/**
 * A fake Gemini Live API: a WebSocket server that speaks the
 * `BidiGenerateContent` protocol closely enough for the real `@google/genai`
 * SDK, pointed at it through `GOOGLE_GEMINI_BASE_URL`, to work unchanged.
 *
 * Like the real service it checks the key, expects `setup` first and answers
 * `setupComplete`, accepts only `clientContent`, `realtimeInput` and
 * `toolResponse` after that, and closes with 1007/1008 and a reason on bad
 * input. Its models behave as today's do (`fake_live_models.ts`): they answer
 * only in audio, put the audio and its transcription in one message, and
 * refuse TEXT, retired models, thinking where it does not belong and
 * `mediaChunks`. It serves the model list too. It sends JSON in binary
 * frames, as the real service does. Tests script the agent's side through
 * {@link FakeLiveConnection}.
 *
 * @module
 */

import {
  CURRENT_MODELS,
  type FakeModelProfile,
  OTHER_MODELS,
  setupRefusal,
} from "./fake_live_models.ts";
import { withTimeout } from "../agent/with_timeout.ts";

/** A message the client sent, as parsed JSON. */
// deno-lint-ignore no-explicit-any
export type ClientMessage = Record<string, any>;

/** Options of {@link FakeLiveServer.start}. */
export interface FakeLiveServerOptions {
  /** The only key accepted (`?key=`); default `"test-key"`. */
  apiKey?: string;
  /** Models that exist, and how each behaves; others close with 1008. Default: today's. */
  models?: Readonly<Record<string, FakeModelProfile>>;
  /** Called for each connection once setup completed, to script replies. */
  onSession?: (connection: FakeLiveConnection) => void;
  /**
   * Decides how to answer the `attempt`-th setup (0-based, valid ones only):
   * refuse it with a close, or answer late, as an overloaded service does.
   */
  admit?: (
    setup: ClientMessage,
    attempt: number,
  ) => { close?: { code: number; reason: string }; delayMs?: number } | void;
}

const PATH =
  /^\/ws\/google\.ai\.generativelanguage\.(v1(?:alpha|beta)?)\.GenerativeService\.BidiGenerateContent$/;
const LIST_PATH = /^\/(v1(?:alpha|beta)?)\/models$/;
/** How long a test waits for the fake to see something before it fails. */
const WAIT_MS = 10_000;
const CLIENT_MESSAGES = ["clientContent", "realtimeInput", "toolResponse"];

/** One client connection, after its `setup` was accepted. */
export class FakeLiveConnection {
  /** The `setup` message the client sent. */
  readonly setup: ClientMessage;
  /** The API version of the socket's path (`v1beta`, …). */
  readonly apiVersion: string;
  readonly #profile: FakeModelProfile;
  /** Every message received after setup, in order. */
  readonly received: ClientMessage[] = [];
  /** Resolves with the close code and reason, whoever closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #socket: WebSocket;
  #waiters: Array<
    { test: (m: ClientMessage) => boolean; resolve: (m: ClientMessage) => void }
  > = [];

  constructor(
    socket: WebSocket,
    setup: ClientMessage,
    profile: FakeModelProfile,
    apiVersion: string,
  ) {
    this.#socket = socket;
    this.setup = setup;
    this.#profile = profile;
    this.apiVersion = apiVersion;
    this.closed = new Promise((resolve) => {
      socket.addEventListener(
        "close",
        (e) => resolve({ code: e.code, reason: e.reason }),
      );
    });
  }

  /** True while the socket is open. */
  get isOpen(): boolean {
    return this.#socket.readyState === WebSocket.OPEN;
  }

  /**
   * Resolves with the next received message that passes `test` (earlier ones
   * count); rejects naming `what` when none comes within 10 s.
   */
  nextMessage(
    test: (m: ClientMessage) => boolean = () => true,
    what = "a message",
  ): Promise<ClientMessage> {
    const seen = this.received.find(test);
    if (seen) {
      this.received.splice(this.received.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return withTimeout(
      new Promise((resolve) => this.#waiters.push({ test, resolve })),
      WAIT_MS,
      `the fake Live API received no ${what}`,
    );
  }

  /** Next typed text (`realtimeInput.text`, as today's models take it). */
  async nextText(): Promise<string> {
    return (await this.nextMessage((m) => typeof m.realtimeInput?.text === "string", "text"))
      .realtimeInput.text;
  }

  /** Next `realtimeInput` message. */
  nextRealtimeInput(): Promise<ClientMessage> {
    return this.nextMessage((m) => "realtimeInput" in m, "realtimeInput");
  }

  /** Next `toolResponse` message's `functionResponses`. */
  async nextToolResponse(): Promise<ClientMessage[]> {
    return (await this.nextMessage((m) => "toolResponse" in m, "toolResponse")).toolResponse
      .functionResponses;
  }

  /** @internal */
  receive(message: ClientMessage): void {
    const waiter = this.#waiters.find((w) => w.test(message));
    if (waiter) {
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve(message);
    } else {
      this.received.push(message);
    }
  }

  /** Sends any server message, JSON in a binary frame. */
  send(message: ClientMessage): void {
    if (this.isOpen) {
      this.#socket.send(new TextEncoder().encode(JSON.stringify(message)));
    }
  }

  /** Sends `serverContent`. */
  content(serverContent: ClientMessage): void {
    this.send({ serverContent });
  }

  /** The modalities the session asked for (AUDIO when it did not say). */
  get answersInAudio(): boolean {
    return !(this.setup.generationConfig?.responseModalities ?? ["AUDIO"]).includes("TEXT");
  }

  /**
   * Answers as the model does, one message per chunk: text parts in a TEXT
   * session; in an AUDIO session, speech (50 ms of silence a chunk) and its
   * transcription together in one message, when transcription was asked for.
   */
  text(...chunks: string[]): void {
    for (const text of chunks) {
      if (!this.answersInAudio) {
        this.content({ modelTurn: { parts: [{ text }] } });
        continue;
      }
      this.speak(new Uint8Array(2400), text);
    }
  }

  /**
   * One message of speech as today's models send it: the audio, the
   * transcription of what it says (if asked for) and, when given, the
   * transcription of what the user said, all in one `serverContent`.
   */
  speak(pcm: Uint8Array, transcript?: string, heard?: string): void {
    const content: ClientMessage = {
      modelTurn: {
        parts: [{ inlineData: { mimeType: "audio/pcm;rate=24000", data: toBase64(pcm) } }],
      },
    };
    if (transcript !== undefined && this.setup.outputAudioTranscription) {
      content.outputTranscription = { text: transcript };
    }
    if (heard !== undefined && this.setup.inputAudioTranscription) {
      content.inputTranscription = { text: heard };
    }
    this.content(content);
  }

  /** Streams 24 kHz PCM, one `modelTurn` per chunk. */
  audio(...chunks: Uint8Array[]): void {
    for (const chunk of chunks) {
      this.content({
        modelTurn: {
          parts: [{
            inlineData: {
              mimeType: "audio/pcm;rate=24000",
              data: toBase64(chunk),
            },
          }],
        },
      });
    }
  }

  /** Ends the model's turn (`interactionStatus: IDLE` too, on models that send it). */
  turnComplete(): void {
    this.content({ generationComplete: true });
    this.content(this.#turnEnd("IDLE"));
  }

  /**
   * Ends a turn while the model goes on reasoning in the background, as
   * extended thinking does: more of the answer follows, then a turn end with IDLE.
   */
  turnCompleteInProgress(): void {
    this.content(this.#turnEnd("IN_PROGRESS"));
  }

  /** Signals barge-in, then the end of the interrupted turn, as the service does. */
  interrupted(): void {
    this.content({ interrupted: true });
    this.content(this.#turnEnd("IDLE"));
  }

  #turnEnd(status: "IDLE" | "IN_PROGRESS"): ClientMessage {
    return this.#profile.interactionStatus
      ? { turnComplete: true, interactionStatus: status }
      : { turnComplete: true };
  }

  /** Sends grounding sources for the current turn. */
  grounding(
    sources: Array<{ title: string; uri: string; domain?: string }>,
  ): void {
    this.content({
      groundingMetadata: {
        groundingChunks: sources.map((web) => ({ web })),
        webSearchQueries: ["query"],
      },
    });
  }

  /** Sends token usage. */
  usage(promptTokenCount: number, responseTokenCount: number): void {
    this.send({
      usageMetadata: {
        promptTokenCount,
        responseTokenCount,
        totalTokenCount: promptTokenCount + responseTokenCount,
      },
    });
  }

  /** Announces that the service will close the connection soon. */
  goAway(timeLeft = "10s"): void {
    this.send({ goAway: { timeLeft } });
  }

  /** Gives the client a handle to resume the session with. */
  sessionResumptionUpdate(newHandle: string, resumable = true): void {
    this.send({ sessionResumptionUpdate: { newHandle, resumable } });
  }

  /** Asks the client to run functions. */
  toolCall(
    functionCalls: Array<{ id: string; name: string; args: ClientMessage }>,
  ): void {
    this.send({ toolCall: { functionCalls } });
  }

  /** Tells the client that function calls of these ids are no longer wanted. */
  toolCallCancellation(ids: string[]): void {
    this.send({ toolCallCancellation: { ids } });
  }

  /** Closes from the service's side. */
  close(code = 1000, reason = ""): void {
    if (this.isOpen) this.#socket.close(code, reason);
  }
}

/** The fake service; `url` goes into `GOOGLE_GEMINI_BASE_URL`. */
export class FakeLiveServer {
  /** Every accepted connection, oldest first. */
  readonly connections: FakeLiveConnection[] = [];
  /** Every valid `setup` received, accepted or refused, oldest first. */
  readonly setups: ClientMessage[] = [];
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #options: FakeLiveServerOptions;
  #waiters: Array<(c: FakeLiveConnection) => void> = [];

  private constructor(options: FakeLiveServerOptions) {
    this.#options = options;
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (request) => this.#handle(request),
    );
  }

  /** Starts listening on a free loopback port. */
  static start(options: FakeLiveServerOptions = {}): FakeLiveServer {
    return new FakeLiveServer(options);
  }

  /** Base URL for `GOOGLE_GEMINI_BASE_URL`. */
  get url(): string {
    return `http://127.0.0.1:${this.#server.addr.port}`;
  }

  /**
   * Resolves with the `index`-th connection (0-based) once its setup
   * completed; rejects when it has not within 10 s.
   */
  connection(index: number): Promise<FakeLiveConnection> {
    if (this.connections[index]) {
      return Promise.resolve(this.connections[index]);
    }
    return withTimeout(
      new Promise((resolve) => {
        const check = (c: FakeLiveConnection) => {
          if (this.connections[index]) resolve(this.connections[index]);
          else this.#waiters.push(check);
          return c;
        };
        this.#waiters.push(check);
      }),
      WAIT_MS,
      `the fake Live API saw no connection #${index}`,
    );
  }

  /** Closes every connection and stops listening. */
  async close(): Promise<void> {
    for (const c of this.connections) c.close(1001, "server shutting down");
    await Promise.all(this.connections.map((c) => c.closed));
    await this.#server.shutdown();
  }

  #handle(request: Request): Response {
    const url = new URL(request.url);
    // The SDK joins its base URL and path with a doubled slash; Google's
    // front end accepts that, so the fake does too.
    const path = url.pathname.replace(/^\/+/, "/");
    const list = LIST_PATH.exec(path);
    if (list && request.method === "GET") return this.#listModels(request, url);
    const socketPath = PATH.exec(path);
    if (!socketPath) {
      return new Response("Not Found", { status: 404 });
    }
    const apiVersion = socketPath[1];
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 400 });
    }
    const { socket, response } = Deno.upgradeWebSocket(request);
    const key = url.searchParams.get("key");
    let connection: FakeLiveConnection | undefined;
    let setupSeen = false;
    socket.addEventListener("open", () => {
      if (key !== (this.#options.apiKey ?? "test-key")) {
        socket.close(1007, "API key not valid. Please pass a valid API key.");
      }
    });
    socket.addEventListener("message", (event) => {
      let message: ClientMessage;
      try {
        const text = typeof event.data === "string"
          ? event.data
          : new TextDecoder().decode(event.data);
        message = JSON.parse(text);
      } catch {
        return socket.close(1007, "Invalid JSON payload received.");
      }
      if (!connection) {
        if (setupSeen) return closeWithReason(socket, 1007, "Setup is still in progress.");
        setupSeen = true;
        if (typeof message.setup?.model !== "string") {
          return closeWithReason(
            socket,
            1007,
            "Invalid JSON payload: the first message must be setup.",
          );
        }
        this.setups.push(message.setup);
        const problem = setupRefusal(message.setup, this.#models, apiVersion);
        if (problem) return closeWithReason(socket, problem.code, problem.reason);
        const answer = this.#options.admit?.(message.setup, this.setups.length - 1) ?? {};
        if (answer.close) return closeWithReason(socket, answer.close.code, answer.close.reason);
        const accept = () => {
          if (socket.readyState !== WebSocket.OPEN) return;
          const profile = this.#models[message.setup.model.slice("models/".length)];
          connection = new FakeLiveConnection(socket, message.setup, profile, apiVersion);
          socket.send(new TextEncoder().encode(JSON.stringify({ setupComplete: {} })));
          this.connections.push(connection);
          this.#options.onSession?.(connection);
          const waiters = this.#waiters;
          this.#waiters = [];
          for (const waiter of waiters) waiter(connection);
        };
        if (answer.delayMs) setTimeout(accept, answer.delayMs);
        else accept();
        return;
      }
      const problem = checkClientMessage(message);
      if (problem) return closeWithReason(socket, 1007, problem);
      connection.receive(message);
    });
    return response;
  }

  get #models(): Readonly<Record<string, FakeModelProfile>> {
    return this.#options.models ?? CURRENT_MODELS;
  }

  /** `GET /v1beta/models`: every model, Live ones with `bidiGenerateContent`, a page at a time. */
  #listModels(request: Request, url: URL): Response {
    const key = request.headers.get("x-goog-api-key") ?? url.searchParams.get("key");
    if (key !== (this.#options.apiKey ?? "test-key")) {
      return Response.json({
        error: {
          code: 400,
          message: "API key not valid. Please pass a valid API key.",
          status: "INVALID_ARGUMENT",
        },
      }, { status: 400 });
    }
    const all = [
      ...Object.entries(this.#models).map(([name, profile]) => ({
        name: `models/${name}`,
        displayName: profile.displayName,
        supportedGenerationMethods: ["bidiGenerateContent"],
      })),
      ...OTHER_MODELS.map((name) => ({
        name: `models/${name}`,
        displayName: name,
        supportedGenerationMethods: ["generateContent", "countTokens"],
      })),
    ];
    const size = Number(url.searchParams.get("pageSize")) || 50;
    const start = Number(url.searchParams.get("pageToken")) || 0;
    const next = start + size < all.length ? String(start + size) : undefined;
    return Response.json({ models: all.slice(start, start + size), nextPageToken: next });
  }
}

// A close frame's reason holds at most 123 bytes; the service truncates.
function closeWithReason(
  socket: WebSocket,
  code: number,
  reason: string,
): void {
  let cut = reason;
  while (new TextEncoder().encode(cut).length > 123) cut = cut.slice(0, -1);
  socket.close(code, cut);
}

function checkClientMessage(message: ClientMessage): string | undefined {
  if (message.realtimeInput?.mediaChunks) {
    return "realtime_input.media_chunks is deprecated. Use audio, video, or text instead.";
  }
  const video = message.realtimeInput?.video;
  if (video) {
    if (!/^image\/(jpeg|png)$/.test(video.mimeType ?? "")) {
      return `Unsupported mime type ${video.mimeType} for realtime video input.`;
    }
    try {
      atob(video.data);
    } catch {
      return "Invalid value at 'realtime_input.video.data' (TYPE_BYTES), Base64 decoding failed.";
    }
  }
  const kinds = Object.keys(message);
  if (kinds.length !== 1 || !CLIENT_MESSAGES.includes(kinds[0])) {
    return `Invalid JSON payload received. Unknown name "${kinds.join(",")}".`;
  }
  const audio = message.realtimeInput?.audio;
  if (audio) {
    if (!/^audio\/pcm/.test(audio.mimeType ?? "")) {
      return `Unsupported mime type ${audio.mimeType} for realtime audio input.`;
    }
    try {
      atob(audio.data);
    } catch {
      return "Invalid value at 'realtime_input.audio.data' (TYPE_BYTES), Base64 decoding failed.";
    }
  }
}

/** Encodes bytes as standard base64. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Decodes standard base64. */
export function fromBase64(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}
