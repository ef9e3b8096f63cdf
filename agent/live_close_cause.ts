/** Why an upstream connection ended, in words a user can act on. */
export interface LiveCloseCause {
  /** Readable cause naming what to fix where something can be fixed. */
  message: string;
  /** True when reconnecting cannot help without a change of configuration. */
  fatal: boolean;
}

// The Live API closes with 1007 (invalid argument) or 1008 (policy) for
// requests that will fail the same way every time; these reasons say so too
// when it closes with another code.
const FATAL_CODES = new Set([1007, 1008]);
const FATAL_REASON =
  /api key|permission|denied|unauthori[sz]ed|quota|billing|not found|not supported|invalid/i;

/**
 * Explains a WebSocket close code and reason from the Live API.
 *
 * @example
 * ```ts
 * liveCloseCause(1007, "API key not valid. Please pass a valid API key.");
 * // { message: "Gemini refused the session: API key not valid. …", fatal: true }
 * ```
 */
export function liveCloseCause(code: number, reason: string): LiveCloseCause {
  const fatal = FATAL_CODES.has(code) || FATAL_REASON.test(reason);
  const detail = reason.trim() || `connection closed with code ${code}`;
  if (fatal) {
    return {
      message: `Gemini refused the session: ${detail} (check GOOGLE_API_KEY and GEMINI_MODEL)`,
      fatal,
    };
  }
  return { message: `The connection to Gemini ended: ${detail}`, fatal };
}
