import type { AgentEvent, ResponseMode } from "./agent_event.ts";

/**
 * What became of an input: `sent` on the live connection, or `queued` while
 * the session (re)connects. Queued input is delivered in order once it is
 * back; if it never comes back, the `closed` event says how much was lost.
 */
export type Delivery = "sent" | "queued";

/**
 * An open conversation with the agent, in one response mode. It keeps itself
 * connected: input given while it (re)connects is queued and delivered in
 * order once it is back.
 */
export interface AgentSession {
  /**
   * Sends a complete user turn of text.
   *
   * @throws {AgentError} when the session has ended or its queue is full.
   */
  sendText(text: string): Delivery;
  /**
   * Streams microphone audio: base64 of 16 kHz 16-bit LE mono PCM, as given.
   *
   * @throws {AgentError} when the session has ended or its queue is full.
   */
  sendAudio(base64Pcm: string): Delivery;
  /**
   * Streams one camera or screen frame: base64 of a JPEG image, as given.
   *
   * @throws {AgentError} when the session has ended or its queue is full.
   */
  sendVideo(base64Jpeg: string): Delivery;
  /**
   * Answers a function call that awaits the user's confirmation (a `tool`
   * event with status `awaiting_confirmation`).
   *
   * @returns false when no call of that id awaits an answer.
   */
  confirmTool(callId: string, approved: boolean): boolean;
  /** Ends the conversation; no event follows. */
  close(): void;
}

/** What {@link AgentConnector.open} needs to open a session. */
export interface OpenOptions {
  mode: ResponseMode;
  /** Receives every event of the session, in order. */
  onEvent: (event: AgentEvent) => void;
  /**
   * A resumption handle of an earlier conversation (as given to
   * {@link OpenOptions.onResumable}): the session continues it if the service
   * still knows it, and starts afresh (with a warning) if not.
   */
  resumeHandle?: string;
  /**
   * Told each newer handle that resumes this conversation, e.g. to keep it
   * where another process can continue the conversation after this one died.
   */
  onResumable?: (handle: string) => void;
  /**
   * The transcript of an earlier conversation this one continues (bounded),
   * added to the system instruction.
   */
  context?: string;
}

/**
 * Opens agent sessions. The server depends on this interface only, so tests
 * and other backends can hand it any implementation.
 */
export interface AgentConnector {
  /**
   * Starts a session at once; it connects in the background and reports
   * problems as events (`warning` while it retries, `closed` when it gives up).
   */
  open(options: OpenOptions): AgentSession;
}
