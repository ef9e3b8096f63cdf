import type { AgentEvent } from "../../agent/agent_event.ts";
import type { Turn, TurnBatch, TurnSource, TurnTool } from "./history_store.ts";

/**
 * What a browser session tells whoever records its conversation. Called on
 * the hot path (every agent event, the agent's voice included): it must only
 * take note.
 */
export interface SessionRecorder {
  /** The user typed a complete turn. */
  userText(text: string): void;
  /** The agent session emitted an event. */
  agentEvent(event: AgentEvent): void;
  /** The session ended: what is pending is written. */
  close(): void;
}

/** Where a {@link ConversationRecorder} hands each finished exchange. */
export type BatchSink = (batch: TurnBatch) => void;

/**
 * Turns one session's input and agent events into stored turns: the user's
 * typed text or final speech transcript, and the agent's answer (its text, or
 * the transcript of its speech) with the turn's sources and tool calls. One
 * batch (the question and its answer) goes to `sink` when the agent's turn
 * ends or is interrupted, and what is pending when the session closes. Voice
 * audio is not kept.
 *
 * @example
 * ```ts
 * const recorder = new ConversationRecorder("browser:abc", "session-1", console.log);
 * recorder.userText("What is Deno?");
 * recorder.agentEvent({ type: "text", text: "A runtime." });
 * recorder.agentEvent({ type: "turn_complete" }); // logs the batch of two turns
 * ```
 */
export class ConversationRecorder implements SessionRecorder {
  readonly #owner: string;
  readonly #conversationId: string;
  readonly #sink: BatchSink;
  readonly #now: () => number;
  #user = new Speech();
  #model = new Speech();
  /** The answer's text pieces (text sessions); the transcript stands in when there are none. */
  #modelText = "";
  #sources: TurnSource[] = [];
  #tools = new Map<string, TurnTool>();
  #closed = false;

  constructor(
    owner: string,
    conversationId: string,
    sink: BatchSink,
    now: () => number = Date.now,
  ) {
    this.#owner = owner;
    this.#conversationId = conversationId;
    this.#sink = sink;
    this.#now = now;
  }

  userText(text: string): void {
    if (this.#closed) return;
    this.#user.add(text, this.#now());
  }

  agentEvent(event: AgentEvent): void {
    if (this.#closed) return;
    switch (event.type) {
      case "text":
        this.#model.at ??= this.#now();
        this.#modelText += event.text;
        break;
      case "transcript": {
        const speech = event.role === "user" ? this.#user : this.#model;
        speech.heard(event.text, event.final, this.#now());
        break;
      }
      case "sources":
        this.#sources.push(...event.sources);
        break;
      case "tool":
        this.#model.at ??= this.#now();
        this.#tools.set(event.id, {
          name: event.name,
          args: event.args,
          status: event.status,
          ...(event.result === undefined ? {} : { result: event.result }),
        });
        break;
      case "turn_complete":
      case "interrupted":
      case "closed":
        this.#flush();
        break;
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#flush();
    this.#closed = true;
  }

  #flush(): void {
    const turns: Turn[] = [];
    const question = this.#user.text();
    if (question) turns.push({ role: "user", text: question, at: this.#user.at! });
    const answer = this.#modelText.trim() || this.#model.text();
    if (answer || this.#sources.length > 0 || this.#tools.size > 0) {
      const turn: Turn = { role: "model", text: answer, at: this.#model.at ?? this.#now() };
      if (this.#sources.length > 0) turn.sources = this.#sources;
      if (this.#tools.size > 0) turn.tools = [...this.#tools.values()];
      turns.push(turn);
    }
    this.#user = new Speech();
    this.#model = new Speech();
    this.#modelText = "";
    this.#sources = [];
    this.#tools = new Map();
    if (turns.length > 0) {
      this.#sink({ owner: this.#owner, conversationId: this.#conversationId, turns });
    }
  }
}

/** One side's words in the current exchange: typed turns and transcribed utterances. */
class Speech {
  /** When the first of them came. */
  at: number | undefined;
  readonly #done: string[] = [];
  /** The current utterance transcribed so far (cumulative), until it is final. */
  #partial = "";

  add(text: string, now: number): void {
    this.at ??= now;
    this.#done.push(text);
  }

  heard(text: string, final: boolean, now: number): void {
    this.at ??= now;
    if (final) {
      this.#done.push(text);
      this.#partial = "";
    } else this.#partial = text;
  }

  text(): string {
    return [...this.#done, this.#partial].map((part) => part.trim()).filter(Boolean).join("\n\n");
  }
}
