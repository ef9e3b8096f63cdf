/** What a refusal was about, where that tells the operator what to change. */
export type RefusalKind = "key" | "quota" | "model" | "modality" | "other";

/** Why an upstream connection ended, in words a user can act on. */
export interface LiveCloseCause {
  /** Readable cause naming what to fix where something can be fixed. */
  message: string;
  /** True when reconnecting cannot help without a change of configuration. */
  fatal: boolean;
  /** For a fatal cause, what it was about. */
  kind?: RefusalKind;
}

// The Live API closes with 1007 (invalid argument) or 1008 (policy) for
// requests that will fail the same way every time; these reasons say so too
// when it closes with another code.
const FATAL_CODES = new Set([1007, 1008]);
const FATAL_REASON =
  /api key|permission|denied|unauthori[sz]ed|quota|billing|not found|not supported|invalid/i;

// Most specific first: "API key not valid" is about the key, not an invalid argument.
const KINDS: Array<[RegExp, RefusalKind, string]> = [
  [/api key|permission|denied|unauthori[sz]ed/i, "key", " (check GOOGLE_API_KEY)"],
  [/quota|billing|exceeded/i, "quota", " (the key's quota or billing; try again later)"],
  // 3.x models name the modalities; 2.5 native-audio ones speak of voices.
  [
    /response modalit|non-audio request/i,
    "modality",
    " (the model answers only in audio: GEMINI_TEXT_MODALITY)",
  ],
  [/not found|bidiGenerateContent/i, "model", " (check GEMINI_MODEL)"],
];

/**
 * Explains a WebSocket close code and reason from the Live API.
 *
 * @example
 * ```ts
 * liveCloseCause(1007, "API key not valid. Please pass a valid API key.");
 * // { message: "Gemini refused the session: API key not valid. … (check GOOGLE_API_KEY)",
 * //   fatal: true, kind: "key" }
 * ```
 */
export function liveCloseCause(code: number, reason: string): LiveCloseCause {
  const fatal = FATAL_CODES.has(code) || FATAL_REASON.test(reason);
  const detail = reason.trim() || `connection closed with code ${code}`;
  if (!fatal) return { message: `The connection to Gemini ended: ${detail}`, fatal };
  const [, kind, hint] = KINDS.find(([pattern]) => pattern.test(detail)) ?? [, "other", ""];
  return { message: `Gemini refused the session: ${detail}${hint}`, fatal, kind };
}
