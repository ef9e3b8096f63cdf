/**
 * Ordered, bounded upload of microphone chunks.
 *
 * At most one POST is in flight, so chunks reach the server in order and a
 * slow network never piles up requests; what arrives meanwhile is batched
 * into the next POST. The backlog is bounded: speech older than that is
 * useless to a live conversation, so the oldest goes first.
 *
 * @module
 */

/**
 * @typedef {{ ok: true } | {
 *   ok: false, error: string, status?: number, retryAfterSeconds?: number
 * }} SendResult `retryAfterSeconds` comes from a refusal's `Retry-After`
 */

/** Queues PCM chunks and uploads them one POST at a time. */
export class UploadQueue {
  /** @type {Uint8Array[]} */
  #backlog = [];
  #backlogBytes = 0;
  /** The backlog as `size` measures it. */
  #backlogSize = 0;
  #inFlight = false;
  /** @type {(bytes: Uint8Array) => Promise<SendResult>} */
  #send;
  #maxBytes;
  /** @type {(chunk: Uint8Array) => number} */
  #size;
  /** @type {(error: string | null) => void} */
  #onResult;
  /** Bytes dropped because the backlog overflowed. */
  droppedBytes = 0;
  /** POSTs started so far. */
  requests = 0;

  /**
   * @param {(bytes: Uint8Array) => Promise<SendResult>} send uploads one batch
   * @param {{
   *   maxBytes: number,
   *   size?: (chunk: Uint8Array) => number,
   *   onResult?: (error: string | null) => void,
   * }} options `maxBytes` bounds the backlog, as measured by `size` (bytes
   *   unless given, e.g. Opus packets); `onResult` hears each POST's outcome
   *
   * @example
   * ```js
   * const q = new UploadQueue((b) => post(b), { maxBytes: 160000 });
   * q.push(new Uint8Array(1600));
   * ```
   */
  constructor(send, { maxBytes, size = (chunk) => chunk.byteLength, onResult = () => {} }) {
    this.#send = send;
    this.#maxBytes = maxBytes;
    this.#size = size;
    this.#onResult = onResult;
  }

  /** @param {Uint8Array} chunk */
  push(chunk) {
    this.#backlog.push(chunk);
    this.#backlogBytes += chunk.byteLength;
    this.#backlogSize += this.#size(chunk);
    while (this.#backlogSize > this.#maxBytes && this.#backlog.length > 1) {
      const old = /** @type {Uint8Array} */ (this.#backlog.shift());
      this.#backlogBytes -= old.byteLength;
      this.#backlogSize -= this.#size(old);
      this.droppedBytes += old.byteLength;
    }
    void this.#pump();
  }

  /** Forgets queued audio (e.g. when voice stops). */
  clear() {
    this.#backlog = [];
    this.#backlogBytes = 0;
    this.#backlogSize = 0;
  }

  async #pump() {
    if (this.#inFlight) return;
    while (this.#backlogBytes > 0) {
      const batch = concat(this.#backlog, this.#backlogBytes);
      this.clear();
      this.#inFlight = true;
      this.requests++;
      let result;
      try {
        result = await this.#send(batch);
      } catch (error) {
        result = { ok: false, error: String(error) };
      } finally {
        this.#inFlight = false;
      }
      this.#onResult(result.ok ? null : result.error);
    }
  }
}

/**
 * @param {Uint8Array[]} chunks
 * @param {number} total
 */
function concat(chunks, total) {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
