import type { FunctionResponse } from "@google/genai";
import type { AgentEvent } from "./agent_event.ts";
import type { FunctionTool } from "./function_tool.ts";

/** One function call the model asked for. */
export interface ToolCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

/** A `tool` agent event. */
export type ToolEvent = Extract<AgentEvent, { type: "tool" }>;

/** Timers, injected so tests can move time by hand. */
export interface Clock {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/** What a {@link ToolRunner} is built from. */
export interface ToolRunnerOptions {
  tools: readonly FunctionTool[];
  /** Told each change of a call's state, for the page. */
  onEvent: (event: ToolEvent) => void;
  /** Time a handler may run when its tool sets none; default 10 s. */
  timeoutMs?: number;
  /** Time the user has to allow a call that needs confirmation; default 60 s. */
  confirmationTimeoutMs?: number;
  /** Longest result given back, in characters of its JSON; longer ones are cut. Default 8000. */
  maxResultChars?: number;
  clock?: Clock;
}

const SYSTEM_CLOCK: Clock = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (id) => clearTimeout(id as number),
};

/** One call in progress. */
interface Pending {
  call: ToolCall;
  controller: AbortController;
  /** Gemini cancelled it or the runner closed: no response, no more events. */
  cancelled: boolean;
  /** Set while the call waits for the user. */
  answer?: (approved: boolean | null) => void;
}

/** How a call ended, for the model (`response`) and the page (`status`, `result`). */
type Outcome =
  | { status: "done"; response: { output: unknown }; result: unknown }
  | { status: "error"; response: { error: string }; result: string };

class Timeout extends Error {}

/**
 * Runs the function calls of a Live conversation: validates the arguments
 * against the tool's schema, asks the user first when the tool needs it, runs
 * the handlers concurrently, each with a timeout and an `AbortSignal`, and
 * hands back one response per `toolCall` message once all its calls settled.
 * Every failure becomes an `{ error }` response the model can read; nothing a
 * handler does can throw out of the runner. Cancelled calls are aborted and
 * get no response.
 *
 * @example
 * ```ts
 * const runner = new ToolRunner({ tools: [], onEvent: console.log });
 * runner.run([{ id: "1", name: "nope", args: {} }], (responses) => console.log(responses));
 * // later: [{ id: "1", name: "nope", response: { error: "There is no tool named `nope` …" } }]
 * ```
 */
export class ToolRunner {
  readonly #tools: Map<string, FunctionTool>;
  readonly #options: ToolRunnerOptions;
  readonly #clock: Clock;
  readonly #pending = new Map<string, Pending>();
  #closed = false;

  constructor(options: ToolRunnerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#tools = new Map(options.tools.map((tool) => [tool.name, tool]));
  }

  /**
   * Starts the calls of one `toolCall` message at once; `respond` gets the
   * responses of those not cancelled, together, once all have settled.
   */
  run(calls: ToolCall[], respond: (responses: FunctionResponse[]) => void): void {
    if (this.#closed) return;
    const settled = calls.map((call) => this.#run(call));
    Promise.all(settled).then((responses) => {
      const given = responses.filter((response) => response !== null);
      if (given.length > 0 && !this.#closed) respond(given);
    });
  }

  /** Aborts calls Gemini no longer wants (`toolCallCancellation`); unknown ids are ignored. */
  cancel(ids: readonly string[]): void {
    for (const id of ids) {
      const pending = this.#pending.get(id);
      if (!pending || pending.cancelled) continue;
      this.#drop(pending);
      this.#emit(pending.call, "cancelled");
    }
  }

  /**
   * Gives the user's answer for a call awaiting confirmation.
   *
   * @returns false when no call of that id awaits an answer.
   */
  confirm(id: string, approved: boolean): boolean {
    const answer = this.#pending.get(id)?.answer;
    if (!answer) return false;
    answer(approved);
    return true;
  }

  /** Aborts every call silently, e.g. when the conversation ends. */
  close(): void {
    this.#closed = true;
    for (const pending of this.#pending.values()) this.#drop(pending);
  }

  async #run(call: ToolCall): Promise<FunctionResponse | null> {
    const pending: Pending = { call, controller: new AbortController(), cancelled: false };
    this.#pending.set(call.id, pending);
    let outcome: Outcome | null;
    try {
      outcome = await this.#execute(pending);
    } catch (error) {
      // Only a bug of ours gets here; the model still gets an answer.
      outcome = failure(`\`${call.name}\` failed: ${messageOf(error)}`);
    } finally {
      if (this.#pending.get(call.id) === pending) this.#pending.delete(call.id);
    }
    if (outcome === null || pending.cancelled) return null;
    this.#emit(call, outcome.status, outcome.result);
    return { id: call.id, name: call.name, response: outcome.response };
  }

  async #execute(pending: Pending): Promise<Outcome | null> {
    const { call } = pending;
    const tool = this.#tools.get(call.name);
    if (!tool) {
      const names = [...this.#tools.keys()].map((name) => `\`${name}\``).join(", ");
      return failure(`There is no tool named \`${call.name}\`; the tools are: ${names || "none"}`);
    }
    const parsed = tool.parameters.safeParse(call.args ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) =>
        issue.path.length > 0 ? `\`${issue.path.join(".")}\`: ${issue.message}` : issue.message
      );
      return failure(`Invalid arguments for \`${call.name}\`: ${issues.join("; ")}`);
    }
    if (tool.requiresConfirmation) {
      const approved = await this.#askUser(pending);
      if (approved === null) return null;
      if (approved === "timeout") {
        const seconds = this.#confirmationTimeoutMs / 1000;
        return failure(
          `The user did not allow \`${call.name}\` within ${seconds} s, so it was not run.`,
        );
      }
      if (!approved) return failure(`The user declined to run \`${call.name}\`; it was not run.`);
    }
    this.#emit(call, "running");
    const { signal } = pending.controller;
    const timeoutMs = tool.timeoutMs ?? this.#options.timeoutMs ?? 10_000;
    const timer = this.#clock.setTimeout(
      () => pending.controller.abort(new Timeout()),
      timeoutMs,
    );
    try {
      const value = await untilAborted(
        // Called at once, its throws turned into rejections.
        (async () => await tool.handler(parsed.data, { signal }))(),
        signal,
      );
      return this.#done(call, value);
    } catch (error) {
      if (pending.cancelled) return null;
      if (signal.reason instanceof Timeout) {
        return failure(`\`${call.name}\` did not finish within ${timeoutMs / 1000} s`);
      }
      return failure(this.#limit(`\`${call.name}\` failed: ${messageOf(error)}`));
    } finally {
      this.#clock.clearTimeout(timer);
    }
  }

  /** Resolves with the user's answer, `"timeout"`, or null when the call was dropped. */
  #askUser(pending: Pending): Promise<boolean | "timeout" | null> {
    return new Promise((resolve) => {
      const timer = this.#clock.setTimeout(() => settle("timeout"), this.#confirmationTimeoutMs);
      const settle = (answer: boolean | "timeout" | null) => {
        this.#clock.clearTimeout(timer);
        pending.answer = undefined;
        resolve(answer);
      };
      pending.answer = settle;
      this.#emit(pending.call, "awaiting_confirmation");
    });
  }

  get #confirmationTimeoutMs(): number {
    return this.#options.confirmationTimeoutMs ?? 60_000;
  }

  #done(call: ToolCall, value: unknown): Outcome {
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch (error) {
      return failure(`\`${call.name}\` returned a value that is not JSON: ${messageOf(error)}`);
    }
    const output = json === undefined ? null : value;
    const max = this.#maxResultChars;
    const text = typeof output === "string" ? output : json ?? "null";
    if (text.length <= max) return { status: "done", response: { output }, result: output };
    const cut = `${text.slice(0, max)}… [truncated: the result had ${text.length} characters, ` +
      `only the first ${max} are given]`;
    return { status: "done", response: { output: cut }, result: cut };
  }

  get #maxResultChars(): number {
    return this.#options.maxResultChars ?? 8000;
  }

  #limit(message: string): string {
    const max = this.#maxResultChars;
    return message.length <= max ? message : `${message.slice(0, max)}…`;
  }

  #drop(pending: Pending): void {
    pending.cancelled = true;
    pending.controller.abort(new DOMException("The tool call was cancelled", "AbortError"));
    pending.answer?.(null);
    this.#pending.delete(pending.call.id);
  }

  #emit(call: ToolCall, status: ToolEvent["status"], result?: unknown): void {
    if (this.#closed) return;
    const event: ToolEvent = {
      type: "tool",
      id: call.id,
      name: call.name,
      args: call.args,
      status,
    };
    if (result !== undefined) event.result = result;
    this.#options.onEvent(event);
  }
}

function failure(message: string): Outcome {
  return { status: "error", response: { error: message }, result: message };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Settles like `promise`, or rejects with the signal's reason once it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
