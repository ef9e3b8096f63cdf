import { type NumberedMessage, ReplayBuffer } from "./replay_buffer.ts";

/** An event as a session sent it: encoded once, written again as is on replay. */
export interface SentEvent {
  id: number;
  /** The event-stream frame, id included. */
  frame: Uint8Array;
  /** The message, for all but the agent's voice, which is kept as bytes only. */
  message?: NumberedMessage;
}

/** Frames larger than this (or than `maxBytes`) get a copy of their own, outside the ring. */
const LARGEST_RING_FRAME = 16 * 1024;
/**
 * Sizes a ring goes through before its full size: the first holds what a page
 * that acknowledges has in flight, the second what a busy second leaves
 * unacknowledged (~20 frames of the agent's voice).
 */
const SMALL_RINGS = [16 * 1024, 64 * 1024];

/** Where a kept event's frame is: in the ring, or (if large) in a copy of its own. */
interface Entry {
  id: number;
  offset: number;
  length: number;
  own?: Uint8Array;
  message?: NumberedMessage;
}

const inRing = (entry: Entry) => !entry.own;

/**
 * The events a session sent, for replay: an index bounded like a
 * {@link ReplayBuffer} (count and bytes), whose frames are copied into one
 * byte ring per session instead of each being kept as an array of its own.
 *
 * A voice session sends 25 frames of ~2.7 KB a second. Kept one by one, the
 * frames the bounds let go of lingered until a full garbage collection (tens
 * of MB at 100 sessions); the ring reuses its bytes. It starts small and grows
 * only when the frames kept do not fit (see {@link forget}: a page that says
 * what it received keeps it small), up to `maxBytes` plus the largest frame
 * it takes, which is enough that a write never reaches a frame the index
 * still keeps.
 *
 * @example
 * ```ts
 * const log = new FrameLog({ maxEvents: 100, maxBytes: 1 << 16 });
 * log.push(1, new TextEncoder().encode("id: 1\ndata: hi\n\n"));
 * log.since(0)?.map((event) => event.id); // [1]
 * ```
 */
export class FrameLog {
  readonly #index: ReplayBuffer<Entry>;
  readonly #largestRingFrame: number;
  readonly #maxRingBytes: number;
  #ring: Uint8Array;
  #head = 0;

  constructor({ maxEvents, maxBytes }: { maxEvents: number; maxBytes: number }) {
    this.#index = new ReplayBuffer<Entry>({ maxEvents, maxBytes, size: (entry) => entry.length });
    this.#largestRingFrame = Math.min(LARGEST_RING_FRAME, maxBytes);
    this.#maxRingBytes = maxBytes + this.#largestRingFrame;
    // Empty until the first event: a voice session may wait long for one.
    this.#ring = new Uint8Array(0);
  }

  /** Bytes the ring takes in memory. */
  get ringBytes(): number {
    return this.#ring.byteLength;
  }

  /** Keeps an event; `message` is kept too, when given (see {@link SentEvent}). */
  push(id: number, frame: Uint8Array, message?: NumberedMessage): void {
    const entry: Entry = { id, offset: 0, length: frame.byteLength, message };
    if (frame.byteLength > this.#largestRingFrame) {
      entry.own = frame.slice();
    } else {
      entry.offset = this.#place(frame.byteLength);
      this.#ring.set(frame, entry.offset);
    }
    this.#index.push(entry);
  }

  /** Forgets the events up to `lastId`, which the page has (see {@link ReplayBuffer.forget}). */
  forget(lastId: number): void {
    this.#index.forget(lastId);
  }

  /**
   * The events after `lastId`, in order, each with a copy of its frame (the
   * ring's bytes move on); `null` when some were already forgotten.
   */
  since(lastId: number): SentEvent[] | null {
    return this.#index.since(lastId)?.map((entry) => this.#event(entry)) ?? null;
  }

  /** The newest `count` events, oldest first, without their frames. */
  newest(count: number): { id: number; message?: NumberedMessage }[] {
    return this.#index.newest(count).map(({ id, message }) => (message ? { id, message } : { id }));
  }

  #event(entry: Entry): SentEvent {
    const frame = entry.own ?? this.#ring.slice(entry.offset, entry.offset + entry.length);
    return { id: entry.id, frame, message: entry.message };
  }

  /**
   * Where the next `length` bytes go. A small ring is used as a circle of its
   * free bytes: while the page acknowledges what it received, a voice session
   * never needs more than the few frames in flight. When they do not fit, the
   * ring is rebuilt larger, in big steps ({@link SMALL_RINGS}, then the full
   * size: doubling cost a copy and fresh pages at every step of a voice
   * session's first seconds). A full-size ring wraps around without looking:
   * its size keeps the bytes the index still needs out of reach.
   */
  #place(length: number): number {
    const size = this.#ring.byteLength;
    const tail = this.#index.oldest(inRing)?.offset;
    if (tail === undefined && length <= size) {
      this.#head = length;
      return 0;
    }
    if (size >= this.#maxRingBytes) {
      if (this.#head + length <= size) return (this.#head += length) - length;
      this.#head = length;
      return 0;
    }
    if (tail !== undefined) {
      // Kept bytes run from `tail` to `head`, around the end when `head` is behind.
      const end = tail < this.#head ? size : tail;
      if (this.#head + length <= end) return (this.#head += length) - length;
      if (tail < this.#head && length <= tail) {
        this.#head = length;
        return 0;
      }
    }
    return this.#grow(length);
  }

  /** Rebuilds the ring larger, its kept frames first, and places `length` bytes after them. */
  #grow(length: number): number {
    const size = this.#ring.byteLength;
    const next = SMALL_RINGS.find((small) => small > size) ?? Infinity;
    const ring = new Uint8Array(Math.min(next, this.#maxRingBytes));
    let head = 0;
    for (const entry of this.#index.newest(Infinity)) {
      if (entry.own) continue;
      ring.set(this.#ring.subarray(entry.offset, entry.offset + entry.length), head);
      entry.offset = head;
      head += entry.length;
    }
    this.#ring = ring;
    this.#head = head + length;
    return head;
  }
}
