/**
 * What a Live session tells its listener, in words of our own rather than the
 * Live API's wire shapes, so the server never depends on the protocol.
 *
 * @module
 */

/** One grounding source of an answer. */
export interface Source {
  /** Page title (Gemini's grounding gives the site name here). */
  title: string;
  /** Link to the source. */
  uri: string;
  /** The source's domain, when the API names it. */
  domain?: string;
}

/** Token counts reported by the Live API. */
export interface Usage {
  promptTokens: number;
  responseTokens: number;
  totalTokens: number;
}

/** Where a function tool call stands; see {@link AgentEvent}'s `tool`. */
export type ToolCallStatus = "running" | "done" | "error" | "awaiting_confirmation" | "cancelled";

/** Everything an agent session can emit, as a discriminated union. */
export type AgentEvent =
  /** A piece of the answer's text, forwarded as soon as it arrives. */
  | { type: "text"; text: string }
  /** A chunk of the spoken answer: base64 of 24 kHz 16-bit LE mono PCM. */
  | { type: "audio"; data: string }
  /** The agent finished its turn. */
  | { type: "turn_complete" }
  /** The user barged in: stop playing what was already sent. */
  | { type: "interrupted" }
  /** Speech transcribed so far in the current utterance (cumulative). */
  | { type: "transcript"; role: "user" | "model"; text: string; final: boolean }
  /** The grounding sources of the turn that just ended. */
  | { type: "sources"; sources: Source[] }
  /** Token usage of the session so far. */
  | { type: "usage"; usage: Usage }
  /**
   * A function tool call changed state. `result` is the (size-limited) value
   * given back to the model when `done`, and the readable cause when `error`.
   */
  | {
    type: "tool";
    id: string;
    name: string;
    args: Record<string, unknown>;
    status: ToolCallStatus;
    result?: unknown;
  }
  /** A problem that is being worked around (e.g. reconnecting); tell, don't stop. */
  | { type: "warning"; message: string; kind?: AgentTrouble; detail?: string }
  /**
   * The session ended without our asking and will not come back by itself.
   * `detail` is the low-level cause, for logs rather than for the sentence.
   */
  | { type: "closed"; message: string; fatal: boolean; kind?: AgentTrouble; detail?: string };

/**
 * What is wrong with the agent, for a page to show: Gemini is being reconnected
 * to, could not be reached (sending again retries), or is misconfigured
 * (nothing works until the configuration changes and the server restarts).
 */
export type AgentTrouble = "reconnecting" | "unreachable" | "misconfigured";

/** Which kind of answer a session asks the model for. */
export type ResponseMode = "text" | "audio";
