import type { AgentEvent, AgentTrouble } from "../../agent/agent_event.ts";
import type { ServerSentEventMessage } from "./server_sent_event.ts";

/**
 * Encodes an agent event as the browser sees it: the reference sample's
 * unnamed JSON events for text, audio and turn ends, named events for what
 * the reference lacks. `warning` and `closed` become `error` events.
 *
 * Text and audio, one event per chunk, are built around the one string they
 * carry instead of stringifying a new object each time; the JSON is the same.
 *
 * @example
 * ```ts
 * agentEventMessage({ type: "text", text: "Hi" });
 * // { data: '{"mime_type":"text/plain","data":"Hi"}' }
 * ```
 */
export function agentEventMessage(event: AgentEvent): ServerSentEventMessage {
  switch (event.type) {
    case "text":
      return { data: `{"mime_type":"text/plain","data":${JSON.stringify(event.text)}}` };
    case "audio":
      // Still escaped: the upstream's string is base64 only by its word.
      return { data: `{"mime_type":"audio/pcm","data":${JSON.stringify(event.data)}}` };
    case "turn_complete":
      return { data: TURN_COMPLETE };
    case "interrupted":
      return { data: INTERRUPTED };
    case "transcript":
      return {
        event: "transcript",
        data: JSON.stringify({
          role: event.role,
          text: event.text,
          final: event.final,
        }),
      };
    case "sources":
      return {
        event: "sources",
        data: JSON.stringify({ sources: event.sources }),
      };
    case "usage":
      return {
        event: "usage",
        data: JSON.stringify({
          prompt_tokens: event.usage.promptTokens,
          response_tokens: event.usage.responseTokens,
          total_tokens: event.usage.totalTokens,
        }),
      };
    case "tool":
      return {
        event: "tool",
        data: JSON.stringify({
          id: event.id,
          name: event.name,
          args: event.args,
          status: event.status,
          result: event.result,
        }),
      };
    case "warning":
      return errorMessage(event.message, false, event);
    case "closed":
      return errorMessage(event.message, event.fatal, event);
  }
}

/**
 * The agent's voice as Opus for a page that asked for it (`codec=opus`): base64
 * of 20 ms packets at 24 kHz, framed as in `opus_framing.ts`.
 *
 * @example
 * ```ts
 * opusAudioMessage("AAH4");
 * // { data: '{"mime_type":"audio/opus","data":"AAH4"}' }
 * ```
 */
export function opusAudioMessage(data: string): ServerSentEventMessage {
  return { data: `{"mime_type":"audio/opus","data":${JSON.stringify(data)}}` };
}

const TURN_COMPLETE = JSON.stringify({ turn_complete: true, interrupted: false });
const INTERRUPTED = JSON.stringify({ interrupted: true });

/**
 * An `event: error` with a readable cause; `kind` (reconnecting, unreachable,
 * misconfigured) and `detail` (the low-level cause) only when known.
 */
export function errorMessage(
  error: string,
  fatal: boolean,
  { kind, detail }: { kind?: AgentTrouble; detail?: string } = {},
): ServerSentEventMessage {
  return { event: "error", data: JSON.stringify({ error, fatal, kind, detail }) };
}
