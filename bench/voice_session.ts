import { findStamp, nowMs, stampBase64 } from "./chunk_stamp.ts";
import { ChunkedDecoder } from "./chunked_decoder.ts";
import type { LoadRecorder } from "./load_recorder.ts";
import { latin1, RawHttpConnection } from "./raw_http_connection.ts";
import { StampedTemplate } from "./stamped_template.ts";

/** Upstream chunk: 40 ms of 16 kHz 16-bit mono PCM. */
const UP_BYTES = 1280;
/** Real-time period of a chunk, both ways. */
export const PERIOD_MS = 40;

/**
 * One simulated voice browser: an SSE stream (`GET /events/:id`) read on its
 * own connection and audio POSTs on a second keep-alive connection, one in
 * flight, in real time.
 */
export class VoiceSession {
  readonly #index: number;
  readonly #port: number;
  readonly #recorder: LoadRecorder;
  #events: RawHttpConnection | undefined;
  #posts: RawHttpConnection | undefined;
  #token = "";
  #connection = -1;
  /** The id of the last event read, which each POST acknowledges as the page does. */
  #lastEventId = "";
  readonly #codec: "pcm" | "opus";
  /** Opus events read so far. */
  #opusEvents = 0;

  /**
   * `index` names the session (`bench-<index>`) and stamps its chunks;
   * `codec` is how it asks for the agent's voice (the microphone goes up as
   * stamped PCM either way).
   */
  constructor(index: number, port: number, recorder: LoadRecorder, codec: "pcm" | "opus" = "pcm") {
    this.#index = index;
    this.#port = port;
    this.#recorder = recorder;
    this.#codec = codec;
  }

  /** Bytes both connections wrote and read so far. */
  get wireBytes(): number {
    return (this.#events?.bytesIn ?? 0) + (this.#events?.bytesOut ?? 0) +
      (this.#posts?.bytesIn ?? 0) + (this.#posts?.bytesOut ?? 0);
  }

  /** Opens the event stream; resolves once its `session` event came. */
  async open(timeoutMs: number): Promise<void> {
    const events = this.#events = await RawHttpConnection.open(this.#port);
    await events.write(new TextEncoder().encode(
      `GET /events/bench-${this.#index}?is_audio=true&codec=${this.#codec} HTTP/1.1\r\n` +
        `Host: 127.0.0.1:${this.#port}\r\nAccept: text/event-stream\r\n\r\n`,
    ));
    let opened!: () => void;
    const session = new Promise<void>((resolve) => opened = resolve);
    this.#read(events, opened).catch(() => {});
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      session,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`session ${this.#index}: no session event`)),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  }

  /**
   * Posts a chunk every {@link PERIOD_MS} from `startAt` until `stopAt`
   * (epoch ms), each sent when the previous one was answered.
   */
  async run(startAt: number, stopAt: number): Promise<void> {
    const posts = this.#posts = await RawHttpConnection.open(this.#port);
    const template = new StampedTemplate(
      (audio) => `{"mime_type":"audio/pcm","data":"${audio}"}`,
      UP_BYTES,
    );
    const head = `POST /send/bench-${this.#index} HTTP/1.1\r\n` +
      `Host: 127.0.0.1:${this.#port}\r\nX-Session-Token: ${this.#token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${template.length}\r\n`;
    const recorder = this.#recorder;
    const maxChunks = Math.ceil((stopAt - startAt) / PERIOD_MS);
    for (let seq = 0; seq < maxChunks; seq++) {
      const due = startAt + seq * PERIOD_MS;
      const wait = due - nowMs();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const sentAt = nowMs();
      if (sentAt >= stopAt) break;
      recorder.sample(recorder.sendLags, sentAt - due);
      const received = this.#lastEventId && `Last-Event-ID: ${this.#lastEventId}\r\n`;
      await posts.write(
        template.fill(stampBase64({ session: this.#index, seq, sentAt }), `${head}${received}\r\n`),
      );
      recorder.upSent++;
      const status = await posts.readResponse();
      recorder.sample(recorder.postRtts, nowMs() - sentAt);
      if (status !== 200) {
        recorder.postErrors++;
        if (status === 0) break;
      }
    }
  }

  /** Closes both connections. */
  close(): void {
    this.#events?.close();
    this.#posts?.close();
  }

  async #read(events: RawHttpConnection, opened: () => void): Promise<void> {
    const decoder = new TextDecoder();
    const chunked = new ChunkedDecoder();
    let head = "";
    let inBody = false;
    let isChunked = false;
    let text = "";
    for (;;) {
      const bytes = await events.read();
      if (!bytes) return;
      let pieces = [bytes];
      if (!inBody) {
        head += latin1(bytes);
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) continue;
        inBody = true;
        isChunked = /\r\ntransfer-encoding: *chunked/i.test(head.slice(0, end));
        pieces = [bytes.subarray(bytes.length - (head.length - end - 4))];
      }
      if (isChunked) pieces = chunked.push(pieces[0]);
      for (const piece of pieces) {
        text += decoder.decode(piece, { stream: true });
      }
      let end: number;
      while ((end = text.indexOf("\n\n")) >= 0) {
        this.#onEvent(text.slice(0, end), opened);
        text = text.slice(end + 2);
      }
      if (chunked.done) return;
    }
  }

  #onEvent(event: string, opened: () => void): void {
    const recorder = this.#recorder;
    this.#lastEventId = idOf(event) ?? this.#lastEventId;
    if (event.includes('"audio/pcm"')) {
      const now = nowMs();
      const stamp = findStamp(event);
      if (!stamp) return;
      if (this.#connection < 0) this.#connection = stamp.session;
      else if (this.#connection !== stamp.session) recorder.crossTalk++;
      recorder.down.add(stamp.session, stamp.seq);
      recorder.sample(recorder.downLatencies, now - stamp.sentAt);
    } else if (event.includes('"audio/opus"')) {
      const index = this.#opusEvents++;
      recorder.opusReceived++;
      if (recorder.recording) {
        recorder.opusArrivals.push({ session: this.#index, index, at: nowMs() });
      }
    } else if (event.startsWith("event: session") || event.includes("\nevent: session")) {
      const data = /^data: (.*)$/m.exec(event)?.[1];
      this.#token = JSON.parse(data ?? "{}").token ?? "";
      opened();
    }
  }
}

/** The `id:` field of an event-stream frame, if it has one. */
function idOf(event: string): string | undefined {
  const line = event.startsWith("id: ") ? 0 : event.indexOf("\nid: ") + 1;
  if (line === 0 && !event.startsWith("id: ")) return undefined;
  const end = event.indexOf("\n", line);
  return event.slice(line + 4, end < 0 ? undefined : end);
}
