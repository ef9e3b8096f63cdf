/** Log levels, least to most severe. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = typeof LOG_LEVELS[number];

/** `text` for people, `json` (one object a line) for log collectors. */
export type LogFormat = "text" | "json";

/** Context carried on every line of a logger, e.g. `session_id`, `request_id`. */
export type LogFields = Record<string, string | number>;

/** Where the service writes what it does. */
export interface Logger extends Record<LogLevel, (message: string) => void> {
  /**
   * Warns the first time a message is seen: a configuration problem that
   * every session runs into is told to the operator once, not per session.
   */
  warnOnce(message: string): void;
  /** True when debug lines are written: build costly debug text only then. */
  readonly debugEnabled: boolean;
  /** A logger that adds `fields` to every line it writes. */
  child(fields: LogFields): Logger;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  format?: LogFormat;
  sink?: Pick<Console, LogLevel>;
  /** Injected so tests get fixed timestamps. */
  now?: () => Date;
}

/**
 * A console logger that drops lines below `level`; in `json` format each line
 * is one object with `time`, `level`, `msg` and the logger's fields.
 *
 * @example
 * ```ts
 * const log = createLogger("info", { format: "json" });
 * log.child({ session_id: "abc" }).info("stream opened");
 * // {"time":"…","level":"info","msg":"stream opened","session_id":"abc"}
 * ```
 */
export function createLogger(level: LogLevel, options: LoggerOptions = {}): Logger {
  const { format = "text", sink = console, now = () => new Date() } = options;
  const threshold = LOG_LEVELS.indexOf(level);
  const warned = new Set<string>();

  const build = (fields: LogFields): Logger => {
    const prefix = Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(" ");
    const line = (name: LogLevel, message: string) =>
      format === "json"
        ? JSON.stringify({ time: now().toISOString(), level: name, msg: message, ...fields })
        : prefix
        ? `[${prefix}] ${message}`
        : message;
    const logger = {
      debugEnabled: threshold === 0,
      child: (more: LogFields) => build({ ...fields, ...more }),
    } as Logger;
    for (const [index, name] of LOG_LEVELS.entries()) {
      logger[name] = index >= threshold ? (message) => sink[name](line(name, message)) : () => {};
    }
    logger.warnOnce = (message) => {
      if (warned.has(message)) return;
      warned.add(message);
      logger.warn(message);
    };
    return logger;
  };
  return build({});
}
