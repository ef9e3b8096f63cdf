import type { Logger } from "../observability/logger.ts";
import type { SessionStore, StoredSession } from "./session_store.ts";

/** What a {@link StoredSessionWriter} needs. */
export interface StoredSessionWriterOptions {
  id: string;
  store: SessionStore;
  /** The session's state now; called when a save is due, not on every change. */
  snapshot: () => StoredSession;
  logger: Logger;
  /** Longest a routine change waits to be saved. */
  intervalMs?: number;
}

/**
 * Keeps one session's entry in a {@link SessionStore} up to date without
 * slowing the session down: a change only marks it dirty; saves happen on a
 * timer (soon for a new handle or a turn's end, else within `intervalMs`),
 * one at a time and in order, so a deletion is never undone by a late save.
 *
 * @example
 * ```ts
 * import { createLogger } from "../observability/logger.ts";
 * import { MemorySessionStore } from "./memory_session_store.ts";
 * const writer = new StoredSessionWriter({
 *   id: "s1",
 *   store: new MemorySessionStore(),
 *   snapshot: () => ({ tokenHash: "…", mode: "text", lastEventId: 0, events: [] }),
 *   logger: createLogger("info"),
 * });
 * writer.changed();
 * await writer.flush();
 * ```
 */
export class StoredSessionWriter {
  readonly #options: StoredSessionWriterOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerSoon = false;
  #chain: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(options: StoredSessionWriterOptions) {
    this.#options = options;
  }

  /** Marks the session changed; `soon` for what must not wait (a new handle, a turn's end). */
  changed(soon = false): void {
    if (this.#stopped || (this.#timer !== undefined && (this.#timerSoon || !soon))) return;
    clearTimeout(this.#timer);
    this.#timerSoon = soon;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#enqueue(() => this.#save());
    }, soon ? 0 : this.#options.intervalMs ?? 1000);
  }

  /** Saves the state now and stops; resolves once saved (a redeploy resumes from it). */
  flush(): Promise<void> {
    return this.#finish(() => this.#save());
  }

  /** Deletes the entry and stops: the session ended for good. */
  delete(): Promise<void> {
    return this.#finish(() => this.#options.store.delete(this.#options.id));
  }

  #finish(last: () => Promise<void>): Promise<void> {
    if (this.#stopped) return this.#chain;
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    return this.#enqueue(last);
  }

  #save(): Promise<void> {
    return this.#options.store.save(this.#options.id, this.#options.snapshot());
  }

  #enqueue(operation: () => Promise<void>): Promise<void> {
    this.#chain = this.#chain.then(operation).catch((error) => {
      this.#options.logger.warn(
        `Cannot store session ${this.#options.id}: ${
          error instanceof Error ? error.message : error
        }`,
      );
    });
    return this.#chain;
  }
}
