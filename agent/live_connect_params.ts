import type { Behavior, LiveConnectConfig, Modality, ThinkingLevel, Tool } from "@google/genai";
import type { AgentDefinition } from "./agent_definition.ts";
import { functionDeclaration } from "./function_tool.ts";
import type { ResponseMode } from "./agent_event.ts";
import { liveModelTraits } from "./live_model_traits.ts";

/** Voice used when `GEMINI_VOICE` is not set. */
export const DEFAULT_VOICE = "Puck";

/** Sliding-window context compression thresholds, in tokens. */
export interface ContextCompression {
  /** Context size that triggers compression. */
  triggerTokens: number;
  /** Context size compression reduces to. */
  targetTokens: number;
}

/**
 * How a text session's answers come: `text` asks the model for TEXT; `speech`
 * asks for AUDIO with its transcription, for models that answer only in audio.
 */
export type TextAnswer = "text" | "speech";

/** How one connection of a session is set up, beyond the agent and mode. */
export interface SessionSetup {
  voice?: string;
  /** How a text session asks for its answers; default `text`. */
  textAnswer?: TextAnswer;
  /** Resumes the conversation this handle belongs to. */
  resumeHandle?: string;
  compression?: ContextCompression;
  /** An earlier conversation's transcript to go on from, after the agent's instruction. */
  context?: string;
}

/** The model and config of one `ai.live.connect` call. */
export interface LiveConnectParams {
  model: string;
  config: LiveConnectConfig;
}

/**
 * Builds the session setup for an agent in a mode: TEXT answers for text (or,
 * from a model that answers only in audio, AUDIO with its transcription), AUDIO
 * answers with both sides transcribed for voice. Every setup enables session
 * resumption, so a dropped connection can continue the conversation.
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
  { voice = DEFAULT_VOICE, resumeHandle, compression, textAnswer = "text", context }: SessionSetup =
    {},
): LiveConnectParams {
  const model = mode === "text" ? agent.model : agent.audioModel;
  const traits = liveModelTraits(model);
  const common: LiveConnectConfig = {
    systemInstruction: {
      parts: [{ text: agent.instruction }, ...(context ? [{ text: context }] : [])],
    },
    tools: toolsOf(agent, traits.asyncFunctions),
    sessionResumption: resumeHandle ? { handle: resumeHandle } : {},
  };
  if (compression) {
    common.contextWindowCompression = {
      triggerTokens: String(compression.triggerTokens),
      slidingWindow: { targetTokens: String(compression.targetTokens) },
    };
  }
  // Extended thinking needs a level (minimal is refused); 3.8 Live refuses any.
  if (traits.thinking === "required") {
    common.thinkingConfig = { thinkingLevel: "MEDIUM" as ThinkingLevel.MEDIUM };
  }
  if (mode === "text" && textAnswer === "text") {
    return { model, config: { ...common, responseModalities: ["TEXT" as Modality.TEXT] } };
  }
  if (mode === "text") {
    // The page reads the transcription; the voice itself is dropped unheard.
    return {
      model,
      config: {
        ...common,
        responseModalities: ["AUDIO" as Modality.AUDIO],
        outputAudioTranscription: {},
      },
    };
  }
  return {
    model,
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

/**
 * Google's tools, then one tool declaring the agent's functions (if any),
 * said to be NON_BLOCKING where the model calls functions asynchronously
 * (extended thinking refuses declarations that do not say so).
 */
function toolsOf(agent: AgentDefinition, asyncFunctions: boolean): Tool[] {
  const functions = agent.functionTools ?? [];
  if (functions.length === 0) return agent.tools;
  const declarations = functions.map(functionDeclaration).map((declaration) =>
    asyncFunctions
      ? { ...declaration, behavior: "NON_BLOCKING" as Behavior.NON_BLOCKING }
      : declaration
  );
  return [...agent.tools, { functionDeclarations: declarations }];
}
