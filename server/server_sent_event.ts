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

const NEWLINE = /[\r\n]/;

/**
 * Encodes one message as the bytes of an event-stream frame.
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
  let frame = "";
  for (const field of ["comment", "event", "id"] as const) {
    const value = message[field];
    if (value !== undefined && NEWLINE.test(String(value))) {
      throw new SyntaxError(
        `Cannot encode event: \`${field}\` contains a newline`,
      );
    }
  }
  if (message.comment !== undefined) frame += `: ${message.comment}\n`;
  if (message.event !== undefined) frame += `event: ${message.event}\n`;
  if (message.id !== undefined) frame += `id: ${message.id}\n`;
  if (message.retry !== undefined) {
    frame += `retry: ${Math.trunc(message.retry)}\n`;
  }
  if (message.data !== undefined) {
    for (const line of message.data.split(/\r\n|\r|\n/)) {
      frame += `data: ${line}\n`;
    }
  }
  return encoder.encode(frame + "\n");
}

const encoder = new TextEncoder();

/**
 * Turns messages into event-stream bytes, for `ReadableStream.pipeThrough`.
 *
 * @example
 * ```ts
 * const body = ReadableStream.from([{ data: "hi" }]).pipeThrough(new ServerSentEventStream());
 * new Response(body, { headers: { "content-type": "text/event-stream" } });
 * ```
 */
export class ServerSentEventStream extends TransformStream<ServerSentEventMessage, Uint8Array> {
  constructor() {
    super({
      transform: (message, controller) => controller.enqueue(encodeServerSentEvent(message)),
    });
  }
}
