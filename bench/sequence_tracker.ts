/** Loss and order counts of one or more stamped streams. */
export interface SequenceCounts {
  /** Chunks received. */
  received: number;
  /** Chunks that came after a later one of the same stream. */
  reordered: number;
  /** Chunks received twice. */
  duplicates: number;
}

/**
 * Follows the sequence numbers of many streams, keyed by stream number, and
 * counts what arrived out of order or twice. Loss is what the sender counted
 * minus {@link SequenceCounts.received}.
 *
 * @example
 * ```ts
 * const t = new SequenceTracker();
 * t.add(0, 0); t.add(0, 2); t.add(0, 1);
 * t.counts; // { received: 3, reordered: 1, duplicates: 0 }
 * ```
 */
export class SequenceTracker {
  readonly #highest = new Map<number, number>();
  readonly #seen = new Map<number, Set<number>>();
  /** Totals over every stream. */
  readonly counts: SequenceCounts = { received: 0, reordered: 0, duplicates: 0 };

  /** Records chunk `seq` of stream `stream`. */
  add(stream: number, seq: number): void {
    let seen = this.#seen.get(stream);
    if (!seen) this.#seen.set(stream, seen = new Set());
    if (seen.has(seq)) {
      this.counts.duplicates++;
      return;
    }
    seen.add(seq);
    this.counts.received++;
    const highest = this.#highest.get(stream) ?? -1;
    if (seq < highest) this.counts.reordered++;
    else this.#highest.set(stream, seq);
  }
}
