import type { Tool } from "@google/genai";
import type { FunctionTool } from "./function_tool.ts";

/**
 * An agent in the spirit of Google ADK's `Agent`: a name, a model, an
 * instruction and tools. It is plain data; the Live connector turns it into a
 * session setup and runs its function tools. To build your own agent, write
 * one of these (see `time_and_units_agent.ts`) and add it to `AGENTS`.
 */
export interface AgentDefinition {
  /** Identifier used in logs. */
  name: string;
  /** Live model for text sessions. */
  model: string;
  /** Live model for voice sessions. */
  audioModel: string;
  /** What the agent is for, in one line. */
  description: string;
  /** System instruction sent with every session. */
  instruction: string;
  /** Tools Google runs, e.g. `{ googleSearch: {} }`. */
  tools: Tool[];
  /** Functions of ours the model may call; declared next to `tools` in the setup. */
  functionTools?: FunctionTool[];
}

/**
 * Google's stable Live model, its default for voice agents. It answers only in
 * audio: text sessions show the transcription of its speech.
 */
export const DEFAULT_MODEL = "gemini-3.8-live";

/** The reference sample's instruction. */
export const DEFAULT_INSTRUCTION = "Answer the question using the Google Search tool.";

/** Settings that shape the default agent, read once from the environment. */
export interface AgentSettings {
  model?: string;
  audioModel?: string;
  instruction?: string;
}

/**
 * The reference sample's `google_search_agent`, grounded by Google Search.
 *
 * @example
 * ```ts
 * const agent = googleSearchAgent({ model: "gemini-3.8-live" });
 * agent.tools; // [{ googleSearch: {} }]
 * ```
 */
export function googleSearchAgent(settings: AgentSettings = {}): AgentDefinition {
  return configureAgent({
    name: "google_search_agent",
    description: "Agent to answer questions using Google Search.",
    instruction: DEFAULT_INSTRUCTION,
    tools: [{ googleSearch: {} }],
  }, settings);
}

/**
 * Completes an agent's own definition with the deployment's settings: the
 * models (`GEMINI_MODEL`, `GEMINI_AUDIO_MODEL`) and, when set, an instruction
 * that replaces the agent's (`AGENT_INSTRUCTION`).
 *
 * @example
 * ```ts
 * const agent = configureAgent(
 *   { name: "quiet_agent", description: "Says little.", instruction: "Be brief.", tools: [] },
 *   { model: "gemini-3.8-live" },
 * );
 * agent.audioModel; // "gemini-3.8-live"
 * ```
 */
export function configureAgent(
  agent: Omit<AgentDefinition, "model" | "audioModel">,
  settings: AgentSettings = {},
): AgentDefinition {
  const model = settings.model || DEFAULT_MODEL;
  return {
    ...agent,
    model,
    audioModel: settings.audioModel || model,
    instruction: settings.instruction || agent.instruction,
  };
}
