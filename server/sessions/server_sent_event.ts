/** One message of a `text/event-stream`. */
export interface ServerSentEventMessage {
  /** A comment line, ignored by clients; keeps idle connections open. */
  comment?: string;
  /** Event name; clients see unnamed events as `message`. */
  event?: string;
  /** Payload; each of its lines becomes a `data:` line. */
  data?: string;
  /** Event id, echoed back by clients as `Last-Event-ID` on reconnect. */
  id?: string | number;
  /** Milliseconds a client waits before reconnecting. */
  retry?: number;
}

const LINE_BREAK = /\r\n|\r|\n/;

/**
 * Encodes one message as the bytes of an event-stream frame.
 *
 * It is on the hot path of every audio chunk, so it builds the frame as one
 * string and encodes it once; data without a line break (JSON always) is not
 * split.
 *
 * @throws {SyntaxError} when `event`, `id` or `comment` contain a newline,
 *   which would let data forge fields.
 *
 * @example
 * ```ts
 * new TextDecoder().decode(encodeServerSentEvent({ id: 1, data: "hi" }));
 * // "id: 1\ndata: hi\n\n"
 * ```
 */
export function encodeServerSentEvent(
  message: ServerSentEventMessage,
): Uint8Array {
  const { comment, event, id, retry, data } = message;
  let frame = "";
  if (comment !== undefined) frame += `: ${singleLine("comment", comment)}\n`;
  if (event !== undefined) frame += `event: ${singleLine("event", event)}\n`;
  if (id !== undefined) {
    frame += `id: ${typeof id === "number" ? id : singleLine("id", id)}\n`;
  }
  if (retry !== undefined) frame += `retry: ${Math.trunc(retry)}\n`;
  if (data !== undefined) {
    if (!hasLineBreak(data)) {
      frame += `data: ${data}\n`;
    } else {
      for (const line of data.split(LINE_BREAK)) frame += `data: ${line}\n`;
    }
  }
  return encoder.encode(frame + "\n");
}

const encoder = new TextEncoder();

function hasLineBreak(value: string): boolean {
  return value.includes("\n") || value.includes("\r");
}

function singleLine(field: string, value: string): string {
  if (hasLineBreak(value)) {
    throw new SyntaxError(`Cannot encode event: \`${field}\` contains a newline`);
  }
  return value;
}
