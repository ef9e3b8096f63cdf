import type { Logger } from "../observability/logger.ts";
import type { HistoryMetrics } from "./history_metrics.ts";
import type { TurnBatch } from "./history_store.ts";

/** What {@link HistoryWriter} needs. */
export interface HistoryWriterOptions {
  /** Writes batches in order (the store's `append`, after its migrations). */
  append: (batches: readonly TurnBatch[]) => Promise<void>;
  logger: Logger;
  metrics?: HistoryMetrics;
  /** Batches kept while the database fails; beyond, the oldest are dropped. */
  maxQueued?: number;
  /** First wait before a retry, doubled up to {@link maxRetryMs}. */
  retryMs?: number;
  maxRetryMs?: number;
}

/** Batches written in one transaction at most. */
const MAX_BATCHES_PER_WRITE = 200;

/**
 * Writes conversation turns off the hot path: {@link write} only queues;
 * the queue is written in the background, in order, many batches per
 * transaction. A write that fails is logged, counted and retried with
 * backoff, so a failing database never reaches a live conversation.
 *
 * @example
 * ```ts
 * import { createLogger } from "../observability/logger.ts";
 * const writer = new HistoryWriter({ append: async () => {}, logger: createLogger("error") });
 * writer.write({ owner: "browser:abc", conversationId: "s1", turns: [] });
 * await writer.close(1000);
 * ```
 */
export class HistoryWriter {
  readonly #options: HistoryWriterOptions;
  #queue: TurnBatch[] = [];
  #writing: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;
  #closed = false;

  constructor(options: HistoryWriterOptions) {
    this.#options = options;
  }

  /** Batches waiting to be written. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Queues a batch; it is written soon, in order. */
  write(batch: TurnBatch): void {
    if (batch.turns.length === 0) return;
    const { maxQueued = 10_000, logger, metrics } = this.#options;
    this.#queue.push(batch);
    if (this.#queue.length > maxQueued) {
      const [oldest] = this.#queue.splice(0, 1);
      metrics?.dropped(oldest.turns.length);
      logger.warnOnce(
        `Conversation history: dropping the oldest turns, ${maxQueued} batches wait for a ` +
          "database that fails",
      );
    }
    if (this.#failures === 0) this.#schedule(0);
  }

  /** Writes what is queued, trying until `timeoutMs` has passed; then stops. */
  async close(timeoutMs: number): Promise<void> {
    this.#closed = true;
    const deadline = Date.now() + timeoutMs;
    clearTimeout(this.#timer);
    while (Date.now() < deadline) {
      await this.#writing;
      if (this.#queue.length === 0) return;
      if (!await this.#drain()) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(200, deadline - Date.now())));
      }
    }
    if (this.#queue.length > 0) {
      const turns = this.#queue.reduce((sum, batch) => sum + batch.turns.length, 0);
      this.#options.metrics?.dropped(turns);
      this.#options.logger.error(
        `Conversation history: ${turns} turns could not be stored before shutdown`,
      );
      this.#queue = [];
    }
  }

  #schedule(ms: number): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#drain();
    }, ms);
  }

  /** Writes queued batches until the queue is empty or a write fails; true on success. */
  async #drain(): Promise<boolean> {
    if (this.#writing) {
      await this.#writing;
      return this.#failures === 0;
    }
    let ok = true;
    const writing = (async () => {
      const { append, logger, metrics, retryMs = 1000, maxRetryMs = 30_000 } = this.#options;
      while (this.#queue.length > 0) {
        const batches = this.#queue.slice(0, MAX_BATCHES_PER_WRITE);
        const started = performance.now();
        try {
          await append(batches);
        } catch (error) {
          ok = false;
          this.#failures++;
          metrics?.failed();
          const wait = Math.min(retryMs * 2 ** (this.#failures - 1), maxRetryMs);
          logger.warn(
            `Conversation history: a write failed (${this.#failures} in a row), retrying in ` +
              `${wait} ms: ${error instanceof Error ? error.message : error}`,
          );
          this.#schedule(wait);
          return;
        }
        this.#queue.splice(0, batches.length);
        if (this.#failures > 0) logger.info("Conversation history: writes succeed again");
        this.#failures = 0;
        const turns = batches.reduce((sum, batch) => sum + batch.turns.length, 0);
        metrics?.written(turns, (performance.now() - started) / 1000);
      }
    })();
    this.#writing = writing;
    await writing;
    this.#writing = undefined;
    return ok;
  }
}
