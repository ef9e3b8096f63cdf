import { envInteger } from "../../config/env_integer.ts";

/** Where conversation history is kept, read once at start-up. */
export type HistoryConfig =
  | { kind: "off" }
  | { kind: "sqlite"; path: string; retentionDays: number }
  | { kind: "postgres"; url: string; retentionDays: number };

/** Default SQLite file, relative to the working directory. */
export const DEFAULT_HISTORY_PATH = "data/history.sqlite3";

/**
 * Reads {@link HistoryConfig}: `HISTORY=off` turns history off;
 * `HISTORY_URL=postgres://…` keeps it in PostgreSQL; otherwise a SQLite file
 * at `HISTORY_PATH` (default `data/history.sqlite3`). `HISTORY_RETENTION_DAYS`
 * (default 30; 0 keeps everything) deletes older conversations.
 *
 * @throws {RangeError} for a `HISTORY` other than on/off or a `HISTORY_URL`
 *   that is not a postgres URL.
 *
 * @example
 * ```ts
 * historyConfig({}); // { kind: "sqlite", path: "data/history.sqlite3", retentionDays: 30 }
 * ```
 */
export function historyConfig(env: Record<string, string | undefined>): HistoryConfig {
  const setting = (env.HISTORY ?? "").trim().toLowerCase();
  if (!["", "on", "off"].includes(setting)) {
    throw new RangeError(
      `Cannot read config: \`HISTORY\` must be on or off, got ${JSON.stringify(env.HISTORY)}`,
    );
  }
  if (setting === "off") return { kind: "off" };
  const retentionDays = envInteger(env, "HISTORY_RETENTION_DAYS", 30, 0);
  const url = env.HISTORY_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new RangeError(
        "Cannot read config: `HISTORY_URL` must be a PostgreSQL URL (postgres://user:password@" +
          "host:port/database)",
      );
    }
    return { kind: "postgres", url, retentionDays };
  }
  return { kind: "sqlite", path: env.HISTORY_PATH?.trim() || DEFAULT_HISTORY_PATH, retentionDays };
}
