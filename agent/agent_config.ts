import { googleSearchAgent } from "./agent_definition.ts";
import { geminiCredentials } from "./gemini_credentials.ts";
import type { GeminiLiveOptions } from "./gemini_live_connector.ts";
import { DEFAULT_VOICE } from "./live_connect_params.ts";

/**
 * Reads the agent's settings from environment variables (see README).
 *
 * @example
 * ```ts
 * const options = agentConfig({ GOOGLE_API_KEY: "k", GEMINI_VOICE: "Kore" });
 * options.agent.name; // "google_search_agent"
 * ```
 */
export function agentConfig(
  env: Record<string, string | undefined>,
): GeminiLiveOptions {
  const credentials = geminiCredentials(env);
  const vertex = credentials?.kind === "vertex";
  return {
    agent: googleSearchAgent({
      model: env.GEMINI_MODEL,
      audioModel: env.GEMINI_AUDIO_MODEL,
      instruction: env.AGENT_INSTRUCTION,
    }),
    credentials,
    voice: env.GEMINI_VOICE || DEFAULT_VOICE,
    baseUrl:
      (vertex ? env.GOOGLE_VERTEX_BASE_URL : env.GOOGLE_GEMINI_BASE_URL) ||
      undefined,
    connectTimeoutMs: 15_000,
  };
}
