import type { FunctionResponse, LiveServerMessage } from "@google/genai";
import { AgentError } from "./agent_error.ts";
import type { AgentEvent } from "./agent_event.ts";
import type { AgentSession, Delivery } from "./agent_session.ts";
import { liveCloseCause } from "./live_close_cause.ts";
import type { Dial, LiveLink } from "./live_link.ts";
import type { LiveObserver } from "./live_observer.ts";
import { LiveMessageMapper } from "./live_message_mapper.ts";
import { retryDelayMs, type RetryPolicy } from "./retry_delay.ts";
import { type ToolCall, ToolRunner, type ToolRunnerOptions } from "./tool_runner.ts";

/** What a {@link ResilientLiveSession} is built from. */
export interface ResilientLiveSessionOptions {
  /** Opens one Live connection; injected so tests can hand it a fake. */
  dial: Dial;
  onEvent: (event: AgentEvent) => void;
  retry: RetryPolicy;
  /** Input kept while reconnecting, in bytes of its data. */
  maxQueuedBytes: number;
  /** Jitter source; injected so tests are repeatable. */
  random?: () => number;
  /** Told about connections, for metrics. */
  observer?: LiveObserver;
  /** The agent's function tools and how they run; none by default. */
  tools?: Omit<ToolRunnerOptions, "onEvent">;
  /** Handle of an earlier conversation to continue; see `OpenOptions.resumeHandle`. */
  resumeHandle?: string;
  /** Told each newer resumable handle; see `OpenOptions.onResumable`. */
  onResumable?: (handle: string) => void;
}

type Input =
  | { kind: "text" | "audio" | "video"; data: string }
  | { kind: "tool"; data: string; responses: FunctionResponse[] };

/** One dial and the link it produced; retired once replaced or closed. */
interface Slot {
  link: LiveLink | null;
  retired: boolean;
  /** Turn state (partial transcripts, sources) belongs to one connection. */
  mapper: LiveMessageMapper;
  /** The service announced it will close this connection soon. */
  goingAway?: boolean;
}

/**
 * A Live conversation that outlives its connections.
 *
 * It enables session resumption and keeps the newest resumable handle. When
 * the service announces `goAway` it dials a replacement with that handle while
 * the old connection still delivers its output, then switches; when a
 * connection breaks it reconnects with the handle, at once and then with
 * exponential backoff and jitter. Input given meanwhile is queued (bounded)
 * and delivered in order. Causes that cannot heal (a rejected key, an unknown
 * model, 1007/1008) end the session at once with a fatal `closed` event.
 */
export class ResilientLiveSession implements AgentSession {
  readonly #options: ResilientLiveSessionOptions;
  #slots: Slot[] = [];
  #link: LiveLink | null = null;
  #dialing = false;
  #queue: Input[] = [];
  #queuedBytes = 0;
  #handle: string | undefined;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #warned = false;
  #spoken = false;
  #ended: AgentError | null = null;
  readonly #tools: ToolRunner;
  #callCount = 0;

  constructor(options: ResilientLiveSessionOptions) {
    this.#options = options;
    this.#handle = options.resumeHandle;
    // A conversation that cannot be resumed is worth a warning, as after a drop.
    this.#spoken = options.resumeHandle !== undefined;
    this.#tools = new ToolRunner({
      tools: [],
      ...options.tools,
      onEvent: (event) => {
        if (!this.#ended) options.onEvent(event);
      },
    });
    this.#dial();
  }

  sendText(text: string): Delivery {
    return this.#send({ kind: "text", data: text });
  }

  sendAudio(base64Pcm: string): Delivery {
    return this.#send({ kind: "audio", data: base64Pcm });
  }

  sendVideo(base64Jpeg: string): Delivery {
    return this.#send({ kind: "video", data: base64Jpeg });
  }

  confirmTool(callId: string, approved: boolean): boolean {
    return this.#tools.confirm(callId, approved);
  }

  close(): void {
    this.#end(new AgentError("The conversation was closed", { fatal: false }), { silent: true });
  }

  #send(input: Input): Delivery {
    if (this.#ended) throw this.#ended;
    if (this.#link && this.#queue.length === 0) {
      try {
        deliver(this.#link, input);
        this.#spoken = true;
        return "sent";
      } catch {
        // The link broke under us; its close will reconnect, the input waits.
        this.#link = null;
      }
    }
    if (this.#queuedBytes + input.data.length > this.#options.maxQueuedBytes) {
      throw new AgentError(
        "Too much input is waiting for Gemini to come back; try again in a moment",
        { fatal: false },
      );
    }
    this.#queue.push(input);
    this.#queuedBytes += input.data.length;
    return "queued";
  }

  #dial(): void {
    this.#dialing = true;
    const slot: Slot = { link: null, retired: false, mapper: new LiveMessageMapper() };
    this.#slots.push(slot);
    const handle = this.#handle;
    this.#options.dial(handle, {
      onSetup: ({ speechAsText }) => {
        slot.mapper = new LiveMessageMapper({ speechAsText });
      },
      onMessage: (message) => this.#onMessage(slot, message),
      onClose: (code, reason) => this.#onClose(slot, code, reason),
    }).then(
      (link) => this.#onOpen(slot, link, handle),
      (error) => this.#onDialFailed(slot, error, handle),
    );
  }

  #onOpen(slot: Slot, link: LiveLink, handle: string | undefined): void {
    slot.link = link;
    if (this.#ended || slot.retired) return link.close();
    this.#dialing = false;
    for (const old of this.#slots) {
      if (old !== slot) retire(old);
    }
    this.#slots = [slot];
    this.#link = link;
    this.#options.observer?.connected(handle ? "resumed" : "new");
    if (this.#spoken && !handle) {
      this.#options.onEvent({
        type: "warning",
        message: "Reconnected to Gemini, but it no longer remembers this conversation",
      });
    }
    this.#attempt = 0;
    this.#warned = false;
    // A goAway can come with setupComplete, before the link is handed over.
    if (slot.goingAway) return this.#replace();
    while (this.#queue.length > 0) {
      try {
        deliver(link, this.#queue[0]);
      } catch {
        // The new link broke already: the rest waits for its close to reconnect.
        this.#link = null;
        return;
      }
      this.#queuedBytes -= this.#queue.shift()!.data.length;
      this.#spoken = true;
    }
  }

  #onDialFailed(slot: Slot, error: unknown, handle: string | undefined): void {
    retire(slot);
    if (this.#ended) return;
    this.#dialing = false;
    this.#options.observer?.failed(
      error instanceof AgentError && error.fatal ? "refused" : "unreachable",
    );
    const failure = error instanceof AgentError
      ? error
      : new AgentError(String(error), { fatal: false, cause: error });
    if (handle !== undefined) {
      // An expired or unknown handle must not end the conversation: go on without it.
      this.#handle = undefined;
      return this.#retry(failure.message, failure.detail);
    }
    if (failure.fatal) return this.#end(failure);
    this.#retry(failure.message, failure.detail);
  }

  #onMessage(slot: Slot, message: LiveServerMessage): void {
    if (slot.retired || this.#ended) return;
    const update = message.sessionResumptionUpdate;
    if (update?.resumable && update.newHandle && update.newHandle !== this.#handle) {
      this.#handle = update.newHandle;
      this.#options.onResumable?.(update.newHandle);
    }
    if (message.goAway) {
      slot.goingAway = true;
      if (slot.link && slot.link === this.#link) this.#replace();
    }
    for (const event of slot.mapper.map(message)) this.#options.onEvent(event);
    const cancelled = message.toolCallCancellation?.ids;
    if (cancelled?.length) this.#tools.cancel(cancelled);
    const calls = message.toolCall?.functionCalls;
    if (calls?.length) {
      this.#tools.run(
        calls.map((call): ToolCall => ({
          id: call.id || `call-${++this.#callCount}`,
          name: call.name ?? "",
          args: call.args ?? {},
        })),
        (responses) => this.#respond(slot, responses),
      );
    }
  }

  /**
   * Answers function calls on the connection that asked, while it is open;
   * else on its successor, which resumed the same conversation.
   */
  #respond(slot: Slot, responses: FunctionResponse[]): void {
    if (this.#ended) return;
    if (slot.link && !slot.retired) {
      try {
        return slot.link.sendToolResponse(responses);
      } catch {
        // Closed under us: the successor gets it.
      }
    }
    try {
      this.#send({ kind: "tool", data: JSON.stringify(responses), responses });
    } catch (error) {
      this.#options.onEvent({
        type: "warning",
        message: `A tool's result could not be given to Gemini: ${
          error instanceof Error ? error.message : error
        }`,
      });
    }
  }

  /** Dials a successor while the current link drains; new input waits for it. */
  #replace(): void {
    this.#link = null;
    this.#dial();
  }

  #onClose(slot: Slot, code: number, reason: string): void {
    if (slot.retired || this.#ended) return;
    retire(slot);
    if (slot.link === this.#link) this.#link = null;
    const cause = liveCloseCause(code, reason);
    this.#options.observer?.failed(cause.fatal ? "refused" : "dropped");
    if (cause.fatal) return this.#end(new AgentError(cause.message, { fatal: true }));
    if (this.#dialing) return;
    this.#retry(cause.message);
  }

  #retry(message: string, detail?: string): void {
    this.#attempt++;
    const { retry, random = Math.random } = this.#options;
    if (this.#attempt > retry.maxAttempts) {
      return this.#end(
        new AgentError(`${message} (gave up after ${retry.maxAttempts} retries)`, {
          fatal: false,
          detail,
        }),
      );
    }
    if (this.#attempt >= 2 && !this.#warned) {
      this.#warned = true;
      this.#options.onEvent({
        type: "warning",
        message: `Reconnecting to Gemini: ${message}`,
        kind: "reconnecting",
        detail,
      });
    }
    this.#dialing = true;
    this.#retryTimer = setTimeout(() => {
      if (!this.#ended) this.#dial();
    }, retryDelayMs(this.#attempt, retry, random));
  }

  #end(reason: AgentError, { silent = false } = {}): void {
    const detail = reason.detail === undefined ? {} : { detail: reason.detail };
    if (this.#ended) return;
    this.#ended = reason;
    clearTimeout(this.#retryTimer);
    this.#tools.close();
    for (const slot of this.#slots) retire(slot);
    this.#slots = [];
    this.#link = null;
    const lost = undelivered(this.#queue);
    this.#queue = [];
    this.#queuedBytes = 0;
    if (!silent) {
      // Input answered "queued" is never silently dropped: the page is told.
      const message = lost ? `${reason.message}. ${lost}` : reason.message;
      // Ending on its own, a session either cannot work as configured or gave up retrying.
      const kind = reason.fatal ? "misconfigured" : "unreachable";
      this.#options.onEvent({ type: "closed", message, fatal: reason.fatal, kind, ...detail });
    }
  }
}

function deliver(link: LiveLink, input: Input): void {
  if (input.kind === "tool") link.sendToolResponse(input.responses);
  else if (input.kind === "text") link.sendText(input.data);
  else if (input.kind === "audio") link.sendAudio(input.data);
  else link.sendVideo(input.data);
}

/** What a queue thrown away held, in the user's terms; empty when it held nothing of theirs. */
function undelivered(queue: Input[]): string {
  const texts = queue.filter((input) => input.kind === "text").length;
  const media = queue.some((input) => input.kind === "audio" || input.kind === "video");
  const messages = texts === 1 ? "1 message you sent was" : `${texts} messages you sent were`;
  if (texts > 0 && media) {
    return `${messages} not delivered, nor was the audio or video sent meanwhile`;
  }
  if (texts > 0) return `${messages} not delivered`;
  return media ? "The audio or video you sent meanwhile was not delivered" : "";
}

function retire(slot: Slot): void {
  slot.retired = true;
  slot.link?.close();
}
