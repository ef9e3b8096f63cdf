import type { AgentEvent, ResponseMode } from "./agent_event.ts";

/** An open conversation with the agent, in one response mode. */
export interface AgentSession {
  /** Sends a complete user turn of text. */
  sendText(text: string): void;
  /** Streams microphone audio: base64 of 16 kHz 16-bit LE mono PCM, as given. */
  sendAudio(base64Pcm: string): void;
  /** Ends the conversation; no `closed` event follows. */
  close(): void;
}

/** What {@link AgentConnector.connect} needs to open a session. */
export interface ConnectOptions {
  mode: ResponseMode;
  /** Receives every event of the session, in order. */
  onEvent: (event: AgentEvent) => void;
}

/**
 * Opens agent sessions. The server depends on this interface only, so tests
 * and other backends can hand it any implementation.
 */
export interface AgentConnector {
  /**
   * Resolves once the session is ready to take input.
   *
   * @throws {AgentError} when the session cannot be opened.
   */
  connect(options: ConnectOptions): Promise<AgentSession>;
}
