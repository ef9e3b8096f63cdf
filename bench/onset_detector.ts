/**
 * Finds sound onsets in a stream of samples: the first loud sample after a
 * stretch of quiet. The latency bench runs the same rule in the page (on the
 * microphone's input) and on what the fake Live API receives, so an onset on
 * one side is the same sound on the other.
 *
 * @module
 */

/** Above this (of full scale, 0–1) a sample is loud. */
export const ONSET_LEVEL = 0.05;
/** Quiet that must come before an onset, ms. */
export const ONSET_QUIET_MS = 150;

/**
 * Streaming onset detector for one channel of samples at `rate`.
 *
 * @example
 * ```ts
 * const detector = new OnsetDetector(16000);
 * const pcm = new Int16Array(16000);
 * pcm[8000] = 20000;
 * detector.push(pcm); // [8000]
 * ```
 */
export class OnsetDetector {
  readonly #quietSamples: number;
  /** Quiet samples seen in a row; starts "quiet" so the very first sound counts. */
  #quiet: number;
  /** Samples pushed so far. */
  #position = 0;

  constructor(rate: number) {
    this.#quietSamples = Math.round((rate * ONSET_QUIET_MS) / 1000);
    this.#quiet = this.#quietSamples;
  }

  /**
   * Feeds 16-bit samples; returns the positions (counted from the first
   * sample ever pushed) of the onsets among them.
   */
  push(samples: Int16Array): number[] {
    const onsets: number[] = [];
    const level = ONSET_LEVEL * 32768;
    for (let i = 0; i < samples.length; i++) {
      if (Math.abs(samples[i]) > level) {
        if (this.#quiet >= this.#quietSamples) onsets.push(this.#position + i);
        this.#quiet = 0;
      } else {
        this.#quiet++;
      }
    }
    this.#position += samples.length;
    return onsets;
  }
}
