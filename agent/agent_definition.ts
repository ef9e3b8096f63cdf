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
  /** Live model for voice sessions; native-audio models answer only in audio. */
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

/** A current Live model that answers in both TEXT and AUDIO. */
export const DEFAULT_MODEL = "gemini-live-2.5-flash-preview";

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
 * const agent = googleSearchAgent({ model: "gemini-live-2.5-flash-preview" });
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
 *   { model: "gemini-live-2.5-flash-preview" },
 * );
 * agent.audioModel; // "gemini-live-2.5-flash-preview"
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
