import { type AgentCatalog, AGENTS, DEFAULT_AGENT } from "./agent_catalog.ts";
import { envInteger } from "../config/env_integer.ts";
import { geminiCredentials } from "./gemini_credentials.ts";
import type { GeminiLiveOptions, TextModality } from "./gemini_live_connector.ts";
import { DEFAULT_VOICE } from "./live_connect_params.ts";
import { DEFAULT_RETRY_POLICY } from "./retry_delay.ts";

const TEXT_MODALITIES: readonly TextModality[] = ["auto", "text", "audio"];

/**
 * Reads the agent's settings from environment variables (see README); `AGENT`
 * chooses the agent from `agents`.
 *
 * @throws {RangeError} when `AGENT` names no agent, or a number is not valid.
 *
 * @example
 * ```ts
 * const options = agentConfig({ GOOGLE_API_KEY: "k", GEMINI_VOICE: "Kore" });
 * options.agent.name; // "google_search_agent"
 * ```
 */
export function agentConfig(
  env: Record<string, string | undefined>,
  agents: AgentCatalog = AGENTS,
): GeminiLiveOptions {
  const name = env.AGENT || DEFAULT_AGENT;
  if (!Object.hasOwn(agents, name)) {
    throw new RangeError(
      `Cannot read config: \`AGENT\` must be one of ${Object.keys(agents).join(", ")}, ` +
        `got ${JSON.stringify(name)}`,
    );
  }
  const credentials = geminiCredentials(env);
  const vertex = credentials?.kind === "vertex";
  const textModality = env.GEMINI_TEXT_MODALITY || "auto";
  if (!TEXT_MODALITIES.includes(textModality as TextModality)) {
    throw new RangeError(
      `Cannot read config: \`GEMINI_TEXT_MODALITY\` must be one of ${
        TEXT_MODALITIES.join(", ")
      }, ` +
        `got ${JSON.stringify(textModality)}`,
    );
  }
  return {
    agent: agents[name]({
      model: env.GEMINI_MODEL,
      audioModel: env.GEMINI_AUDIO_MODEL,
      instruction: env.AGENT_INSTRUCTION,
    }),
    credentials,
    voice: env.GEMINI_VOICE || DEFAULT_VOICE,
    baseUrl: (vertex ? env.GOOGLE_VERTEX_BASE_URL : env.GOOGLE_GEMINI_BASE_URL) ||
      undefined,
    // Every Live API document uses v1beta; @google/genai 3.x would send the
    // socket to v1. Vertex AI keeps the SDK's own (v1beta1) unless told.
    apiVersion: env.GEMINI_API_VERSION || (vertex ? undefined : "v1beta"),
    textModality: textModality as TextModality,
    connectTimeoutMs: envInteger(env, "LIVE_CONNECT_TIMEOUT_MS", 15_000, 1),
    compression: {
      triggerTokens: envInteger(env, "CONTEXT_TRIGGER_TOKENS", 25_600, 1),
      targetTokens: envInteger(env, "CONTEXT_TARGET_TOKENS", 12_800, 1),
    },
    retry: DEFAULT_RETRY_POLICY,
    // About four minutes of 16 kHz audio as base64: enough for any reconnect.
    maxQueuedBytes: 10 << 20,
  };
}
