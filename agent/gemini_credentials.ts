/** How the service authenticates to Gemini. */
export type GeminiCredentials =
  | { kind: "api_key"; apiKey: string }
  | { kind: "vertex"; project?: string; location?: string; apiKey?: string };

/** Told to the operator at start-up and to each user session when no credentials are set. */
export const MISSING_CREDENTIALS_MESSAGE =
  "No Gemini credentials are configured: set GOOGLE_API_KEY (or GEMINI_API_KEY) in .env, " +
  "or GOOGLE_GENAI_USE_VERTEXAI=TRUE with GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION, " +
  "then restart the server.";

/**
 * Reads credentials the way the reference sample does, or `null` when none are set.
 *
 * @example
 * ```ts
 * geminiCredentials({ GOOGLE_API_KEY: "k" }); // { kind: "api_key", apiKey: "k" }
 * geminiCredentials({}); // null
 * ```
 */
export function geminiCredentials(
  env: Record<string, string | undefined>,
): GeminiCredentials | null {
  const apiKey = env.GOOGLE_API_KEY || env.GEMINI_API_KEY || undefined;
  if (/^(true|1)$/i.test(env.GOOGLE_GENAI_USE_VERTEXAI ?? "")) {
    const project = env.GOOGLE_CLOUD_PROJECT || undefined;
    const location = env.GOOGLE_CLOUD_LOCATION || undefined;
    if (!apiKey && !project) return null;
    return { kind: "vertex", project, location, apiKey };
  }
  return apiKey ? { kind: "api_key", apiKey } : null;
}
