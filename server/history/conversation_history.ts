import type { Logger } from "../observability/logger.ts";
import { continuationContext } from "./continuation_context.ts";
import { ConversationRecorder } from "./conversation_recorder.ts";
import type { HistoryMetrics } from "./history_metrics.ts";
import type { Conversation, ConversationSummary, HistoryStore } from "./history_store.ts";
import { HistoryWriter } from "./history_writer.ts";

/** What {@link ConversationHistory} needs. */
export interface ConversationHistoryOptions {
  store: HistoryStore;
  logger: Logger;
  metrics?: HistoryMetrics;
  /** Conversations not updated for this many days are deleted; 0 keeps them. */
  retentionDays: number;
  /** How often old conversations are looked for (default hourly). */
  retentionEveryMs?: number;
  /** Injected so tests control time. */
  now?: () => number;
}

/** Thrown when the database cannot answer; the routes turn it into 503. */
export class HistoryUnavailableError extends Error {
  constructor(cause: unknown) {
    super(
      `Conversation history is unavailable: ${cause instanceof Error ? cause.message : cause}`,
      {
        cause,
      },
    );
    this.name = "HistoryUnavailableError";
  }
}

/**
 * Conversation history as the service uses it: a recorder per session
 * (written in the background, see {@link HistoryWriter}), reads and deletions
 * by owner, the context a continued conversation carries, and retention.
 * The schema is migrated before the first use; a database that is down at
 * start is tried again on the next use.
 *
 * @example
 * ```ts
 * import { createLogger } from "../observability/logger.ts";
 * import { SqliteHistoryStore } from "./sqlite_history_store.ts";
 * const history = new ConversationHistory({
 *   store: new SqliteHistoryStore(":memory:"),
 *   logger: createLogger("error"),
 *   retentionDays: 30,
 * });
 * const recorder = history.recorder("browser:abc", "session-1");
 * recorder.userText("Hello");
 * await history.close(1000);
 * ```
 */
export class ConversationHistory {
  readonly #options: ConversationHistoryOptions;
  readonly #writer: HistoryWriter;
  #migrated: Promise<void> | undefined;
  #retention: ReturnType<typeof setInterval> | undefined;

  constructor(options: ConversationHistoryOptions) {
    this.#options = options;
    this.#writer = new HistoryWriter({
      append: async (batches) => {
        await this.ready();
        await options.store.append(batches);
      },
      logger: options.logger,
      metrics: options.metrics,
    });
    if (options.retentionDays > 0) {
      void this.#deleteOld();
      this.#retention = setInterval(
        () => void this.#deleteOld(),
        options.retentionEveryMs ?? 3600_000,
      );
      Deno.unrefTimer(this.#retention);
    }
  }

  /** Resolves once the schema is migrated; rejects (and tries again next time) if it cannot be. */
  ready(): Promise<void> {
    return this.#migrated ??= this.#options.store.migrate().then((applied) => {
      if (applied.length > 0) {
        this.#options.logger.info(`Conversation history: schema migrated to v${applied.at(-1)}`);
      }
    }, (error) => {
      this.#migrated = undefined;
      throw error;
    });
  }

  /** A recorder of session `id`'s conversation, owned by `owner`. */
  recorder(owner: string, id: string): ConversationRecorder {
    return new ConversationRecorder(
      owner,
      id,
      (batch) => this.#writer.write(batch),
      this.#options.now,
    );
  }

  /** The owner's newest conversations. @throws {HistoryUnavailableError} */
  list(owner: string, limit: number): Promise<ConversationSummary[]> {
    return this.#use((store) => store.list(owner, limit));
  }

  /** One of the owner's conversations. @throws {HistoryUnavailableError} */
  read(owner: string, id: string): Promise<Conversation | undefined> {
    return this.#use((store) => store.read(owner, id));
  }

  /** Deletes one of the owner's conversations. @throws {HistoryUnavailableError} */
  delete(owner: string, id: string): Promise<boolean> {
    return this.#use((store) => store.delete(owner, id));
  }

  /**
   * What a new session continuing the owner's conversation `id` is told of
   * it, or `undefined` when the owner has no such conversation (or the
   * database cannot say: the new conversation then starts afresh).
   */
  async continuation(owner: string, id: string): Promise<string | undefined> {
    try {
      const conversation = await this.read(owner, id);
      return conversation && continuationContext(conversation);
    } catch (error) {
      this.#options.logger.warn(`Cannot continue conversation ${id}: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** Writes what is pending (for at most `timeoutMs`), stops retention and closes the store. */
  async close(timeoutMs: number): Promise<void> {
    clearInterval(this.#retention);
    await this.#writer.close(timeoutMs);
    await this.#options.store.close();
  }

  async #use<T>(action: (store: HistoryStore) => Promise<T>): Promise<T> {
    try {
      await this.ready();
      return await action(this.#options.store);
    } catch (error) {
      throw new HistoryUnavailableError(error);
    }
  }

  async #deleteOld(): Promise<void> {
    const { retentionDays, now = Date.now, logger } = this.#options;
    try {
      await this.ready();
      const deleted = await this.#options.store.deleteOlderThan(now() - retentionDays * 86_400_000);
      if (deleted > 0) {
        logger.info(
          `Conversation history: deleted ${deleted} conversations older than ${retentionDays} days`,
        );
      }
    } catch (error) {
      logger.warn(
        `Conversation history: cannot delete old conversations: ${(error as Error).message}`,
      );
    }
  }
}
