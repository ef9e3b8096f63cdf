/** Log levels, least to most severe. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = typeof LOG_LEVELS[number];

/** Where the service writes what it does. */
export interface Logger extends Record<LogLevel, (message: string) => void> {
  /**
   * Warns the first time a message is seen: a configuration problem that
   * every session runs into is told to the operator once, not per session.
   */
  warnOnce(message: string): void;
}

/**
 * A console logger that drops lines below `level`.
 *
 * @example
 * ```ts
 * const log = createLogger("info");
 * log.debug("not shown");
 * log.info("shown");
 * ```
 */
export function createLogger(
  level: LogLevel,
  sink: Pick<Console, LogLevel> = console,
): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const logger = {} as Logger;
  for (const [index, name] of LOG_LEVELS.entries()) {
    logger[name] = index >= threshold ? (message) => sink[name](message) : () => {};
  }
  const warned = new Set<string>();
  logger.warnOnce = (message) => {
    if (warned.has(message)) return;
    warned.add(message);
    logger.warn(message);
  };
  return logger;
}
