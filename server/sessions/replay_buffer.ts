import type { ServerSentEventMessage } from "./server_sent_event.ts";

/** A message that has its place in the session's sequence. */
export type NumberedMessage = ServerSentEventMessage & { id: number };

/**
 * The latest events of a session, bounded by count and by bytes, so a page
 * that reconnects with `Last-Event-ID` gets exactly what it missed. It holds
 * messages, or anything numbered with a `size` of its own (`frame_log.ts` keeps
 * its index of frames in one).
 *
 * @example
 * ```ts
 * const buffer = new ReplayBuffer<NumberedMessage>({ maxEvents: 100, maxBytes: 1 << 20 });
 * buffer.push({ id: 1, data: "a" });
 * buffer.push({ id: 2, data: "b" });
 * buffer.since(1); // [{ id: 2, data: "b" }]
 * buffer.since(5); // []
 * ```
 */
export class ReplayBuffer<T extends { id: number } = NumberedMessage> {
  readonly #maxEvents: number;
  readonly #maxBytes: number;
  readonly #size: (event: T) => number;
  /** Kept messages from `#start` on; slots before it are emptied, not shifted. */
  #events: (T | undefined)[] = [];
  #start = 0;
  #bytes = 0;
  /** The newest id let go of by {@link forget}: a page that missed it is told. */
  #forgotten = -Infinity;

  constructor(
    { maxEvents, maxBytes, size = sizeOf as (event: T) => number }: {
      maxEvents: number;
      maxBytes: number;
      /** Bytes an event counts for; by default a message's data length plus 16. */
      size?: (event: T) => number;
    },
  ) {
    this.#maxEvents = maxEvents;
    this.#maxBytes = maxBytes;
    this.#size = size;
  }

  /** Keeps a message, forgetting the oldest ones beyond the bounds. */
  push(message: T): void {
    this.#events.push(message);
    this.#bytes += this.#size(message);
    while (
      this.#events.length - this.#start > this.#maxEvents ||
      (this.#bytes > this.#maxBytes && this.#events.length - this.#start > 1)
    ) {
      this.#dropOldest();
    }
    this.#compact();
  }

  #dropOldest(): void {
    this.#bytes -= this.#size(this.#events[this.#start]!);
    // Let go of it now: a voice session forgets ~25 events a second, and
    // slots waiting for the next compaction would keep megabytes alive.
    this.#events[this.#start++] = undefined;
  }

  /** Compacts now and then instead of shifting on every push. */
  #compact(): void {
    if (this.#start > 64 && this.#start * 2 > this.#events.length) {
      this.#events = this.#events.slice(this.#start);
      this.#start = 0;
    }
  }

  /**
   * Lets go of the messages up to `lastId`, which the page says it has
   * received: none of them will be replayed, and a page that asks for one
   * is told it is gone ({@link since} returns `null`).
   */
  forget(lastId: number): void {
    this.#forgotten = Math.max(this.#forgotten, lastId);
    while (this.#start < this.#events.length && this.#events[this.#start]!.id <= lastId) {
      this.#dropOldest();
    }
    this.#compact();
  }

  /** The oldest message kept (of those `where` accepts), if any. */
  oldest(where: (event: T) => boolean = () => true): T | undefined {
    for (let i = this.#start; i < this.#events.length; i++) {
      if (where(this.#events[i]!)) return this.#events[i];
    }
    return undefined;
  }

  /** The newest `count` messages (fewer if fewer are kept), oldest first. */
  newest(count: number): T[] {
    return this.#events.slice(
      Math.max(this.#start, this.#events.length - count),
    ) as T[];
  }

  /**
   * The messages after `lastId`, in order; `null` when some of them were
   * already forgotten, so the caller can say so instead of losing them silently.
   */
  since(lastId: number): T[] | null {
    if (lastId < this.#forgotten) return null;
    const oldest = this.#events[this.#start];
    if (!oldest || oldest.id > lastId + 1) {
      const newest = this.#events.at(-1);
      return newest && newest.id > lastId ? null : [];
    }
    return this.#events.slice(this.#start + (lastId + 1 - oldest.id)) as T[];
  }
}

function sizeOf(message: { data?: string }): number {
  return (message.data?.length ?? 0) + 16;
}
