import type { FunctionResponse, LiveServerMessage } from "@google/genai";

/** One WebSocket connection to the Live API, set up and ready for input. */
export interface LiveLink {
  sendText(text: string): void;
  sendAudio(base64Pcm: string): void;
  sendVideo(base64Jpeg: string): void;
  /** Answers function calls of a `toolCall` message. */
  sendToolResponse(functionResponses: FunctionResponse[]): void;
  /** Closes the connection; its `onClose` is not called. */
  close(): void;
}

/** What a link reports to the session that dialled it. */
export interface LinkHandlers {
  /**
   * Told before each setup is sent whether the answer's text will come as the
   * transcription of the agent's speech (a text session on an audio-only model).
   */
  onSetup(setup: { speechAsText: boolean }): void;
  onMessage(message: LiveServerMessage): void;
  /** The service closed the connection, or it broke. */
  onClose(code: number, reason: string): void;
}

/**
 * Opens a link, resuming the conversation of `resumeHandle` when given.
 *
 * @throws {AgentError} when the link cannot be opened; `fatal` says whether
 *   another try can help.
 */
export type Dial = (resumeHandle: string | undefined, handlers: LinkHandlers) => Promise<LiveLink>;
