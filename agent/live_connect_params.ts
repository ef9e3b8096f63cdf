import type { LiveConnectConfig, Modality, Tool } from "@google/genai";
import type { AgentDefinition } from "./agent_definition.ts";
import { functionDeclaration } from "./function_tool.ts";
import type { ResponseMode } from "./agent_event.ts";

/** Voice used when `GEMINI_VOICE` is not set. */
export const DEFAULT_VOICE = "Puck";

/** Sliding-window context compression thresholds, in tokens. */
export interface ContextCompression {
  /** Context size that triggers compression. */
  triggerTokens: number;
  /** Context size compression reduces to. */
  targetTokens: number;
}

/** How one connection of a session is set up, beyond the agent and mode. */
export interface SessionSetup {
  voice?: string;
  /** Resumes the conversation this handle belongs to. */
  resumeHandle?: string;
  compression?: ContextCompression;
}

/** The model and config of one `ai.live.connect` call. */
export interface LiveConnectParams {
  model: string;
  config: LiveConnectConfig;
}

/**
 * Builds the session setup for an agent in a mode: TEXT answers for text,
 * AUDIO answers with both sides transcribed for voice. Every setup enables
 * session resumption, so a dropped connection can continue the conversation.
 *
 * @example
 * ```ts
 * import { googleSearchAgent } from "./agent_definition.ts";
 * const { config } = liveConnectParams(googleSearchAgent(), "audio", { voice: "Kore" });
 * config.responseModalities; // ["AUDIO"]
 * ```
 */
export function liveConnectParams(
  agent: AgentDefinition,
  mode: ResponseMode,
  { voice = DEFAULT_VOICE, resumeHandle, compression }: SessionSetup = {},
): LiveConnectParams {
  const common: LiveConnectConfig = {
    systemInstruction: { parts: [{ text: agent.instruction }] },
    tools: toolsOf(agent),
    sessionResumption: resumeHandle ? { handle: resumeHandle } : {},
  };
  if (compression) {
    common.contextWindowCompression = {
      triggerTokens: String(compression.triggerTokens),
      slidingWindow: { targetTokens: String(compression.targetTokens) },
    };
  }
  if (mode === "text") {
    return {
      model: agent.model,
      config: { ...common, responseModalities: ["TEXT" as Modality.TEXT] },
    };
  }
  return {
    model: agent.audioModel,
    config: {
      ...common,
      responseModalities: ["AUDIO" as Modality.AUDIO],
      speechConfig: {
        voiceConfig: { prebuiltVoiceConfig: { voiceName: voice } },
      },
      inputAudioTranscription: {},
      outputAudioTranscription: {},
    },
  };
}

/** Google's tools, then one tool declaring the agent's functions (if any). */
function toolsOf(agent: AgentDefinition): Tool[] {
  const functions = agent.functionTools ?? [];
  if (functions.length === 0) return agent.tools;
  return [...agent.tools, { functionDeclarations: functions.map(functionDeclaration) }];
}
