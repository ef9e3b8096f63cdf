import { envInteger } from "../../config/env_integer.ts";
import { isHostEntry } from "./host_check.ts";

/** Who may use the service and how much, read once at start-up. */
export interface SecurityConfig {
  /** Shared secret the page asks for once (cookie) and API clients send as a Bearer token. */
  accessToken?: string;
  /** Header set by a trusted reverse proxy with the signed-in user; required on every request. */
  trustedUserHeader?: string;
  /** Origins besides the server's own that may call the API (CORS and POST origin checks). */
  allowedOrigins: string[];
  /**
   * Host names requests may carry (`Host`, or `X-Forwarded-Host` behind a
   * trusted proxy), against DNS rebinding; `undefined` accepts any. By
   * default a loopback `HOST` answers to loopback names only.
   */
  allowedHosts?: string[];
  /** Believe `X-Forwarded-For` / `-Proto` / `-Host`: only behind a proxy that sets them. */
  trustProxy: boolean;
  /** PEM files that make the server speak HTTPS (and HTTP/2). */
  tls?: { certFile: string; keyFile: string };
  /** Longest accepted text message, in characters. */
  maxTextChars: number;
  /** Most audio accepted in one POST, in seconds. */
  maxAudioSecondsPerPost: number;
  /** Requests per second allowed from one client address (burst: twice as many). */
  clientRequestsPerSecond: number;
  /** Requests per second allowed on one session (burst: twice as many). */
  sessionRequestsPerSecond: number;
  /** Seconds of microphone audio one session may send per minute. */
  audioSecondsPerMinute: number;
  /** Largest camera or screen frame, in bytes. */
  maxImageBytes: number;
  /** Camera or screen frames one session may send per second (bursts of twice that). */
  imageFramesPerSecond: number;
  /** Sessions this process serves at once. */
  maxSessions: number;
  /** Sessions one client address may hold at once. */
  maxSessionsPerClient: number;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/;
/** What a browser on this machine calls a server listening on loopback. */
const LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]"];

/**
 * Reads {@link SecurityConfig} from environment variables (see README).
 *
 * @throws {Error} when `HOST` is not a loopback address and no access control
 *   is configured, unless `ALLOW_PUBLIC=1`: an open agent on the internet
 *   spends its owner's quota for anyone.
 *
 * @example
 * ```ts
 * securityConfig({ HOST: "0.0.0.0", ACCESS_TOKEN: "a-long-secret" }).accessToken;
 * ```
 */
export function securityConfig(env: Record<string, string | undefined>): SecurityConfig {
  const host = env.HOST || "127.0.0.1";
  const accessToken = env.ACCESS_TOKEN || undefined;
  const trustedUserHeader = env.TRUSTED_USER_HEADER?.trim() || undefined;
  if (accessToken !== undefined && accessToken.length < 16) {
    throw new RangeError("Cannot read config: `ACCESS_TOKEN` must be at least 16 characters");
  }
  if (!LOOPBACK.test(host) && !accessToken && !trustedUserHeader && env.ALLOW_PUBLIC !== "1") {
    throw new Error(
      `Refusing to listen on ${host} without access control: set ACCESS_TOKEN, or ` +
        "TRUSTED_USER_HEADER behind an authenticating proxy, or ALLOW_PUBLIC=1 to accept the risk",
    );
  }
  if (!!env.TLS_CERT !== !!env.TLS_KEY) {
    throw new Error("Cannot read config: set both `TLS_CERT` and `TLS_KEY`, or neither");
  }
  const allowedOrigins = (env.ALLOWED_ORIGINS ?? "").split(",").map((o) => o.trim()).filter(
    Boolean,
  );
  for (const origin of allowedOrigins) {
    if (origin === "*" || !/^https?:\/\/[^/]+$/.test(origin)) {
      throw new RangeError(
        `Cannot read config: \`ALLOWED_ORIGINS\` entries must be origins like https://example.com, got ${
          JSON.stringify(origin)
        }`,
      );
    }
  }
  return {
    accessToken,
    trustedUserHeader,
    allowedOrigins,
    allowedHosts: allowedHosts(env.ALLOWED_HOSTS, host),
    trustProxy: env.TRUST_PROXY === "1" || env.TRUST_PROXY === "true",
    tls: env.TLS_CERT ? { certFile: env.TLS_CERT, keyFile: env.TLS_KEY! } : undefined,
    maxTextChars: envInteger(env, "MAX_TEXT_CHARS", 4000, 1),
    maxAudioSecondsPerPost: envInteger(env, "MAX_AUDIO_SECONDS_PER_POST", 5, 1),
    clientRequestsPerSecond: envInteger(env, "RATE_LIMIT_CLIENT_RPS", 100, 1),
    sessionRequestsPerSecond: envInteger(env, "RATE_LIMIT_SESSION_RPS", 50, 1),
    audioSecondsPerMinute: envInteger(env, "AUDIO_SECONDS_PER_MINUTE", 75, 1),
    maxImageBytes: envInteger(env, "MAX_IMAGE_BYTES", 512 * 1024, 1),
    imageFramesPerSecond: envInteger(env, "IMAGE_FRAMES_PER_SECOND", 2, 1),
    maxSessions: envInteger(env, "MAX_SESSIONS", 500, 1),
    maxSessionsPerClient: envInteger(env, "MAX_SESSIONS_PER_CLIENT", 10, 1),
  };
}

/**
 * `ALLOWED_HOSTS` (comma-separated; `*` for any), or by default the loopback
 * names when `HOST` is loopback and any host otherwise (a public server needs
 * access control, which a rebinding page does not have).
 */
function allowedHosts(setting: string | undefined, host: string): string[] | undefined {
  const entries = (setting ?? "").split(",").map((h) => h.trim().toLowerCase()).filter(Boolean);
  if (entries.includes("*")) return undefined;
  for (const entry of entries) {
    if (!isHostEntry(entry)) {
      throw new RangeError(
        `Cannot read config: \`ALLOWED_HOSTS\` entries must be host names like agent.example.com ` +
          `(with an optional :port), got ${JSON.stringify(entry)}`,
      );
    }
  }
  if (entries.length > 0) return entries;
  if (!LOOPBACK.test(host)) return undefined;
  const own = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host.toLowerCase();
  return [...new Set([...LOOPBACK_NAMES, own])];
}
