import type { Logger } from "../observability/logger.ts";
import { ConversationHistory } from "./conversation_history.ts";
import type { HistoryConfig } from "./history_config.ts";
import type { HistoryMetrics } from "./history_metrics.ts";
import { PostgresHistoryStore } from "./postgres_history_store.ts";
import { SqliteHistoryStore } from "./sqlite_history_store.ts";

/**
 * The service's conversation history as configured: PostgreSQL, a SQLite
 * file (its folder created), or none when off. The schema is migrated in
 * the background; a database that cannot be reached now is tried again on
 * each use, and the conversations go on meanwhile.
 *
 * @example
 * ```ts ignore
 * const history = openHistory(historyConfig(env), { logger });
 * await history?.close(1000);
 * ```
 */
export function openHistory(
  config: HistoryConfig,
  { logger, metrics }: { logger: Logger; metrics?: HistoryMetrics },
): ConversationHistory | undefined {
  if (config.kind === "off") return undefined;
  let store;
  try {
    store = config.kind === "postgres"
      ? new PostgresHistoryStore(config.url)
      : new SqliteHistoryStore(config.path);
  } catch (error) {
    // A file that cannot be opened must not keep the agent from working.
    logger.error(
      `Conversation history is off: cannot open ${
        config.kind === "sqlite" ? config.path : "HISTORY_URL"
      }: ${(error as Error).message}`,
    );
    return undefined;
  }
  const history = new ConversationHistory({
    store,
    logger,
    metrics,
    retentionDays: config.retentionDays,
  });
  history.ready().then(
    () =>
      logger.info(
        `Conversation history in ${config.kind === "sqlite" ? config.path : "PostgreSQL"} (${
          config.retentionDays ? `kept ${config.retentionDays} days` : "kept forever"
        })`,
      ),
    (error) =>
      logger.error(
        `Conversation history: cannot migrate the database (tried again on use): ${error.message}`,
      ),
  );
  return history;
}
