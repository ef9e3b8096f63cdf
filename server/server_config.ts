import type { SessionLimits } from "./sessions/browser_session.ts";
import { envInteger } from "../config/env_integer.ts";
import { LOG_LEVELS, type LogFormat, type LogLevel } from "./observability/logger.ts";
import type { TokenPrices } from "./observability/service_metrics.ts";

/** The HTTP side's settings, read once at start-up. */
export interface ServerConfig {
  port: number;
  host: string;
  /** How long a session outlives its last stream, for reconnects and mode switches. */
  sessionGraceMs: number;
  /** Largest accepted POST body. */
  maxBodyBytes: number;
  /** How long a shutdown waits for requests in flight before exiting anyway. */
  shutdownTimeoutMs: number;
  limits: SessionLimits;
  logLevel: LogLevel;
  logFormat: LogFormat;
  /** Bearer token that alone opens `/metrics`. */
  metricsToken?: string;
  /** For the estimated-cost metric. */
  prices: TokenPrices;
  /** Send the agent's voice as Opus to pages that ask (`codec=opus`); else PCM to all. */
  opusDownlink: boolean;
  /** Redis that keeps sessions' state for failover (`REDIS_URL`); memory without it. */
  redisUrl?: string;
}

/**
 * Reads {@link ServerConfig} from environment variables (see README).
 *
 * @throws {RangeError} naming the variable when a value is out of range.
 *
 * @example
 * ```ts
 * serverConfig({ PORT: "9000" }).port; // 9000
 * ```
 */
export function serverConfig(
  env: Record<string, string | undefined>,
): ServerConfig {
  const logLevel = (env.LOG_LEVEL || "info").toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new RangeError(
      `Cannot read config: \`LOG_LEVEL\` must be one of ${LOG_LEVELS.join(", ")}`,
    );
  }
  return {
    port: envInteger(env, "PORT", 8000, 0, 65535),
    host: env.HOST || "127.0.0.1",
    sessionGraceMs: envInteger(env, "SESSION_GRACE_MS", 30_000, 0, DAY),
    maxBodyBytes: envInteger(env, "MAX_BODY_BYTES", 1024 * 1024, 1024, 64 * 1024 * 1024),
    shutdownTimeoutMs: envInteger(env, "SHUTDOWN_TIMEOUT_MS", 10_000, 0, 10 * MINUTE),
    limits: {
      heartbeatMs: envInteger(env, "HEARTBEAT_MS", 15_000, 100, 15_000),
      replayEvents: envInteger(env, "REPLAY_EVENTS", 2000, 1, 1_000_000),
      replayBytes: envInteger(env, "REPLAY_BYTES", 256 * 1024, 1024, 1024 * 1024 * 1024),
      streamBufferBytes: envInteger(env, "STREAM_BUFFER_BYTES", 4 * 1024 * 1024, 1024, 1024 ** 3),
      idleTimeoutMs: envInteger(env, "SESSION_IDLE_TIMEOUT_MS", 15 * MINUTE, 100, DAY),
      maxDurationMs: envInteger(env, "SESSION_MAX_DURATION_MS", 120 * MINUTE, 100, 7 * DAY),
      tokenBudget: envInteger(env, "SESSION_TOKEN_BUDGET", 0, 0, Number.MAX_SAFE_INTEGER),
    },
    logLevel: logLevel as LogLevel,
    logFormat: logFormat(env.LOG_FORMAT),
    metricsToken: env.METRICS_TOKEN || undefined,
    opusDownlink: !/^(0|false|off)$/i.test(env.OPUS_DOWNLINK ?? ""),
    redisUrl: redisUrl(env.REDIS_URL),
    prices: {
      inputPerMillion: price(env, "PRICE_INPUT_PER_MTOK", 3),
      outputPerMillion: price(env, "PRICE_OUTPUT_PER_MTOK", 12),
    },
  };
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function redisUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (!/^rediss?:\/\/./.test(value)) {
    throw new RangeError("Cannot read config: `REDIS_URL` must be a redis:// or rediss:// URL");
  }
  return value;
}

function logFormat(value: string | undefined): LogFormat {
  if (value === undefined || value === "" || value === "text") return "text";
  if (value === "json") return "json";
  throw new RangeError("Cannot read config: `LOG_FORMAT` must be text or json");
}

function price(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !Number.isFinite(value)) {
    throw new RangeError(
      `Cannot read config: \`${name}\` must be a price in USD per million tokens, got ${
        JSON.stringify(raw)
      }`,
    );
  }
  return value;
}
