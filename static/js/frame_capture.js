/**
 * Turns a playing `<video>` (the camera or a shared screen) into JPEG frames
 * for the agent: about `fps` a second, scaled to at most {@link MAX_SIDE} px
 * on the long side, and only when the picture changed noticeably or a few
 * seconds passed (see `frame_change.js`).
 *
 * Frames go out one at a time: the next is taken only after the previous
 * upload answered, since a late picture is worth less than a fresh one. A
 * 429 pauses for its `Retry-After` and slows the pace, which recovers with
 * each frame accepted.
 *
 * @module
 */
import { FrameChangeGate, grayscale } from "./frame_change.js";

/** Longest side of a sent frame, in pixels (what the Live API works at). */
export const MAX_SIDE = 768;
/** Frames per second unless `?fps=` says otherwise. */
export const DEFAULT_FPS = 1;
/** JPEG quality unless `?jpeg_quality=` says otherwise. */
export const DEFAULT_QUALITY = 0.7;
/** Longest side of the thumbnail compared between frames. */
const THUMBNAIL_SIDE = 64;
/** Below the server's default `MAX_IMAGE_BYTES` (512 KiB), with room to spare. */
const MAX_JPEG_BYTES = 480 * 1024;
/** A rate-limited page slows down to at most this many times its interval. */
const SLOWEST = 8;

/**
 * @typedef {import("./upload_queue.js").SendResult} SendResult
 */

/**
 * Counters of a capture, for the page's data attributes and tests.
 * @typedef {object} FrameStats
 * @property {number} sent frames the server accepted
 * @property {number} unchanged frames skipped because the picture stood still
 * @property {number} limited frames refused with 429
 * @property {number} failed frames refused otherwise, or not delivered
 * @property {number} bytes size of the last JPEG sent
 * @property {number} width width of the last frame sent
 * @property {number} height height of the last frame sent
 */

/**
 * Scales `width`×`height` down to fit `maxSide` on the long side, keeping
 * the aspect ratio; never scales up.
 *
 * @example
 * ```js
 * fitWithin(1280, 720, 768); // { width: 768, height: 432 }
 * ```
 *
 * @param {number} width
 * @param {number} height
 * @param {number} [maxSide]
 * @returns {{ width: number, height: number }}
 */
export function fitWithin(width, height, maxSide = MAX_SIDE) {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/**
 * Reads `?fps=` (0.2–5) and `?jpeg_quality=` (0.3–0.95) from a page URL;
 * missing or out-of-range values fall back to the defaults.
 *
 * @example
 * ```js
 * frameOptionsFromUrl("https://x.test/?fps=2"); // { fps: 2, quality: 0.7 }
 * ```
 *
 * @param {string} href
 * @returns {{ fps: number, quality: number }}
 */
export function frameOptionsFromUrl(href) {
  const params = new URL(href).searchParams;
  return {
    fps: numberParam(params, "fps", 0.2, 5, DEFAULT_FPS),
    quality: numberParam(params, "jpeg_quality", 0.3, 0.95, DEFAULT_QUALITY),
  };
}

/**
 * @param {URLSearchParams} params
 * @param {string} name
 * @param {number} min
 * @param {number} max
 * @param {number} fallback
 */
function numberParam(params, name, min, max, fallback) {
  const value = Number(params.get(name) ?? NaN);
  return Number.isFinite(value) && value >= min && value <= max ? value : fallback;
}

/**
 * @typedef {object} FrameCaptureOptions
 * @property {number} fps frames per second at most
 * @property {number} quality JPEG quality, 0–1
 * @property {(jpeg: Uint8Array) => Promise<SendResult>} upload sends one frame
 * @property {(error: string | null) => void} onResult hears each frame's
 *   outcome except rate limiting, which only slows the pace
 * @property {(stats: FrameStats) => void} [onStats] after every frame considered
 */

/** Captures frames from a video element while running. */
export class FrameCapture {
  #video;
  #options;
  #gate = new FrameChangeGate();
  #canvas = document.createElement("canvas");
  #thumbnail = document.createElement("canvas");
  /** Bumped by start and stop, so a frame in flight knows it is stale. */
  #generation = 0;
  /** @type {ReturnType<typeof setTimeout> | null} */
  #timer = null;
  #intervalMs;
  #pausedUntil = 0;
  /** @type {FrameStats} */
  stats = { sent: 0, unchanged: 0, limited: 0, failed: 0, bytes: 0, width: 0, height: 0 };

  /**
   * @param {HTMLVideoElement} video a playing video, e.g. the preview
   * @param {FrameCaptureOptions} options
   */
  constructor(video, options) {
    this.#video = video;
    this.#options = options;
    this.#intervalMs = 1000 / options.fps;
  }

  /** True between start and stop. */
  get running() {
    return this.#generation % 2 === 1;
  }

  /** Starts capturing; the first frame goes out as soon as the video plays. */
  start() {
    if (this.running) return;
    this.#generation++;
    this.#gate.reset();
    this.#intervalMs = 1000 / this.#options.fps;
    this.#pausedUntil = 0;
    this.#schedule(0, this.#generation);
  }

  /** Stops capturing; a frame being encoded is dropped, a POST under way completes. */
  stop() {
    if (!this.running) return;
    this.#generation++;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /**
   * @param {number} delayMs
   * @param {number} generation
   */
  #schedule(delayMs, generation) {
    this.#timer = setTimeout(async () => {
      this.#timer = null;
      const startedAt = performance.now();
      try {
        await this.#frame(generation);
      } catch (error) {
        this.stats.failed++;
        this.#options.onResult(`The frame could not be captured: ${error}`);
      }
      if (generation !== this.#generation) return;
      const now = performance.now();
      const due = Math.max(startedAt + this.#intervalMs, this.#pausedUntil);
      this.#schedule(Math.max(0, due - now), generation);
    }, delayMs);
  }

  /** @param {number} generation */
  async #frame(generation) {
    const video = this.#video;
    const { videoWidth, videoHeight } = video;
    if (!videoWidth || !videoHeight || video.readyState < video.HAVE_CURRENT_DATA) return;

    const thumbnail = this.#draw(
      this.#thumbnail,
      fitWithin(videoWidth, videoHeight, THUMBNAIL_SIDE),
    );
    const pixels = thumbnail.context.getImageData(0, 0, thumbnail.width, thumbnail.height);
    const gray = grayscale(pixels.data);
    const now = performance.now();
    if (!this.#gate.shouldSend(gray, now)) {
      this.stats.unchanged++;
      this.#options.onStats?.(this.stats);
      return;
    }

    const frame = this.#draw(this.#canvas, fitWithin(videoWidth, videoHeight));
    let jpeg = await encode(this.#canvas, this.#options.quality);
    if (jpeg && jpeg.size > MAX_JPEG_BYTES) {
      jpeg = await encode(this.#canvas, this.#options.quality / 2);
    }
    if (!jpeg || generation !== this.#generation) return;
    const bytes = new Uint8Array(await jpeg.arrayBuffer());
    if (generation !== this.#generation) return;

    const result = await this.#options.upload(bytes);
    if (generation !== this.#generation) return;
    if (result.ok) {
      this.#gate.sent(gray, now);
      this.#intervalMs = Math.max(1000 / this.#options.fps, this.#intervalMs * 0.9);
      Object.assign(this.stats, {
        sent: this.stats.sent + 1,
        bytes: bytes.byteLength,
        width: frame.width,
        height: frame.height,
      });
      this.#options.onResult(null);
    } else if (result.status === 429) {
      this.stats.limited++;
      const waitMs = (result.retryAfterSeconds ?? 0) * 1000 || 2 * this.#intervalMs;
      this.#pausedUntil = performance.now() + waitMs;
      this.#intervalMs = Math.min(SLOWEST * 1000 / this.#options.fps, this.#intervalMs * 1.5);
    } else {
      this.stats.failed++;
      this.#options.onResult(result.error);
    }
    this.#options.onStats?.(this.stats);
  }

  /**
   * Draws the current video picture into `canvas` at `size`.
   * @param {HTMLCanvasElement} canvas
   * @param {{ width: number, height: number }} size
   */
  #draw(canvas, size) {
    // Resizing a canvas clears it and its context state; only do it when needed.
    if (canvas.width !== size.width) canvas.width = size.width;
    if (canvas.height !== size.height) canvas.height = size.height;
    const context = /** @type {CanvasRenderingContext2D} */ (
      canvas.getContext("2d", { willReadFrequently: canvas === this.#thumbnail })
    );
    context.imageSmoothingQuality = "high";
    context.drawImage(this.#video, 0, 0, size.width, size.height);
    return { ...size, context };
  }
}

/**
 * @param {HTMLCanvasElement} canvas
 * @param {number} quality
 * @returns {Promise<Blob | null>}
 */
function encode(canvas, quality) {
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
}
