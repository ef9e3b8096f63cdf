import { type LiveConnectConfig, Modality } from "@google/genai";
import type { AgentDefinition } from "./agent_definition.ts";
import type { ResponseMode } from "./agent_event.ts";

/** Voice used when `GEMINI_VOICE` is not set. */
export const DEFAULT_VOICE = "Puck";

/** The model and config of one `ai.live.connect` call. */
export interface LiveConnectParams {
  model: string;
  config: LiveConnectConfig;
}

/**
 * Builds the session setup for an agent in a mode: TEXT answers for text,
 * AUDIO answers with both sides transcribed for voice.
 *
 * @example
 * ```ts
 * import { googleSearchAgent } from "./agent_definition.ts";
 * const { config } = liveConnectParams(googleSearchAgent(), "audio", "Kore");
 * config.responseModalities; // ["AUDIO"]
 * ```
 */
export function liveConnectParams(
  agent: AgentDefinition,
  mode: ResponseMode,
  voice: string = DEFAULT_VOICE,
): LiveConnectParams {
  const common: LiveConnectConfig = {
    systemInstruction: { parts: [{ text: agent.instruction }] },
    tools: agent.tools,
  };
  if (mode === "text") {
    return {
      model: agent.model,
      config: { ...common, responseModalities: [Modality.TEXT] },
    };
  }
  return {
    model: agent.audioModel,
    config: {
      ...common,
      responseModalities: [Modality.AUDIO],
      speechConfig: {
        voiceConfig: { prebuiltVoiceConfig: { voiceName: voice } },
      },
      inputAudioTranscription: {},
      outputAudioTranscription: {},
    },
  };
}
