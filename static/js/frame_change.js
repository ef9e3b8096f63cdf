/**
 * Decides which camera or screen frames are worth sending: a frame goes out
 * when its tiny grayscale thumbnail differs noticeably from the last one
 * sent, or when nothing was sent for a while, so the model stays current
 * without paying for a still picture over and over.
 *
 * Pure: thumbnails are plain byte arrays and time is passed in, so the
 * logic runs in Deno's tests as it does in the page.
 *
 * @module
 */

/**
 * A pixel counts as changed when its gray level moved by more than this
 * (0–255): above camera noise, below any real movement.
 */
export const PIXEL_THRESHOLD = 24;
/** Share of changed thumbnail pixels that makes a frame new. */
export const CHANGED_SHARE = 0.01;
/** Longest time without a frame, even when the picture stands still. */
export const MAX_QUIET_MS = 4000;

/**
 * Converts RGBA pixels (as `ImageData.data` holds them) to one gray byte
 * per pixel (Rec. 601 luma).
 *
 * @example
 * ```js
 * grayscale(new Uint8ClampedArray([255, 255, 255, 255])); // Uint8Array [255]
 * ```
 *
 * @param {Uint8ClampedArray | Uint8Array} rgba
 * @returns {Uint8Array}
 */
export function grayscale(rgba) {
  const gray = new Uint8Array(rgba.length >> 2);
  for (let i = 0, p = 0; p < gray.length; i += 4, p++) {
    gray[p] = (rgba[i] * 77 + rgba[i + 1] * 150 + rgba[i + 2] * 29) >> 8;
  }
  return gray;
}

/**
 * Share (0–1) of pixels whose gray level differs by more than
 * `pixelThreshold` between two thumbnails of the same size. Thumbnails of
 * different sizes (the source was resized) count as entirely changed.
 *
 * @example
 * ```js
 * changedShare(new Uint8Array([0, 0]), new Uint8Array([0, 200])); // 0.5
 * ```
 *
 * @param {Uint8Array} a
 * @param {Uint8Array} b
 * @param {number} [pixelThreshold]
 * @returns {number}
 */
export function changedShare(a, b, pixelThreshold = PIXEL_THRESHOLD) {
  if (a.length !== b.length || a.length === 0) return 1;
  let changed = 0;
  for (let i = 0; i < a.length; i++) {
    if (Math.abs(a[i] - b[i]) > pixelThreshold) changed++;
  }
  return changed / a.length;
}

/**
 * Remembers the last frame sent and says whether a new one differs enough,
 * or is due anyway.
 *
 * @example
 * ```js
 * const gate = new FrameChangeGate();
 * const thumb = new Uint8Array(64 * 36);
 * gate.shouldSend(thumb, 0); // true: nothing sent yet
 * gate.sent(thumb, 0);
 * gate.shouldSend(thumb, 1000); // false: same picture, sent 1 s ago
 * gate.shouldSend(thumb, 4000); // true: due anyway
 * ```
 */
export class FrameChangeGate {
  /** @type {Uint8Array | null} */
  #last = null;
  #lastAt = -Infinity;
  #pixelThreshold;
  #changedShare;
  #maxQuietMs;

  /**
   * @param {{ pixelThreshold?: number, changedShare?: number, maxQuietMs?: number }} [options]
   */
  constructor(
    {
      pixelThreshold = PIXEL_THRESHOLD,
      changedShare = CHANGED_SHARE,
      maxQuietMs = MAX_QUIET_MS,
    } = {},
  ) {
    this.#pixelThreshold = pixelThreshold;
    this.#changedShare = changedShare;
    this.#maxQuietMs = maxQuietMs;
  }

  /**
   * True when the frame with this thumbnail should be sent at `now` (ms).
   * @param {Uint8Array} thumbnail
   * @param {number} now
   */
  shouldSend(thumbnail, now) {
    if (!this.#last || now - this.#lastAt >= this.#maxQuietMs) return true;
    return changedShare(this.#last, thumbnail, this.#pixelThreshold) >= this.#changedShare;
  }

  /**
   * Records a frame as delivered; later ones are compared with it.
   * @param {Uint8Array} thumbnail
   * @param {number} now
   */
  sent(thumbnail, now) {
    this.#last = thumbnail;
    this.#lastAt = now;
  }

  /** Forgets the last frame, so the next one goes out (a new source). */
  reset() {
    this.#last = null;
    this.#lastAt = -Infinity;
  }
}
