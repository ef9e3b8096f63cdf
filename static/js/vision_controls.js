/**
 * The Camera and Share screen toggles: open the camera or a shared screen,
 * show it in a small preview, and send what it shows to the agent through
 * {@link FrameCapture}. One source at a time: switching one on turns the
 * other off, once the new one is open (a cancelled screen picker leaves the
 * camera running).
 *
 * State for styling and tests: `<body data-vision="off|camera|screen">`,
 * and on the panel `data-frames-sent`, `data-frames-unchanged`,
 * `data-frames-limited`, `data-frames-failed`, `data-frame-width`,
 * `data-frame-height` and `data-frame-bytes`.
 *
 * @module
 */
import { FrameCapture } from "./frame_capture.js";

/** A camera or screen that cannot be used, with a sentence for the person. */
export class VisionError extends Error {
  name = "VisionError";
}

/**
 * @typedef {"camera" | "screen"} VisionSource
 */

/**
 * @typedef {object} VisionControlsOptions
 * @property {HTMLButtonElement} cameraButton toggle with `aria-pressed`
 * @property {HTMLButtonElement} screenButton toggle with `aria-pressed`
 * @property {HTMLElement} panel holds the preview `<video>` and a status `<p>`;
 *   hidden while nothing is shared
 * @property {number} fps frames per second at most
 * @property {number} quality JPEG quality, 0–1
 * @property {(jpeg: Uint8Array) => Promise<import("./upload_queue.js").SendResult>} upload
 * @property {(message: string) => void} onError a sentence to show the person
 */

/** Wires the two toggles, the preview and the frame capture. */
export class VisionControls {
  #options;
  #preview;
  #status;
  /** @type {VisionSource | null} */
  #source = null;
  /** @type {MediaStream | null} */
  #stream = null;
  /** @type {FrameCapture | null} */
  #capture = null;
  #opening = false;
  /** False while nothing would take the pictures (Gemini down): both toggles are disabled. */
  #available = true;
  /** Last upload error shown, so one failure is not repeated every second. */
  #lastError = /** @type {string | null} */ (null);

  /** @param {VisionControlsOptions} options */
  constructor(options) {
    this.#options = options;
    this.#preview = /** @type {HTMLVideoElement} */ (options.panel.querySelector("video"));
    this.#status = /** @type {HTMLElement} */ (options.panel.querySelector("p"));
    options.cameraButton.addEventListener("click", () => void this.toggle("camera"));
    options.screenButton.addEventListener("click", () => void this.toggle("screen"));
    this.#render();
  }

  /** What is being shared now, if anything. */
  get source() {
    return this.#source;
  }

  /**
   * Turns `source` on, or off if it is on. Call it from a click: screen
   * sharing needs the user's gesture.
   * @param {VisionSource} source
   */
  async toggle(source) {
    if (this.#opening || !this.#available) return;
    if (this.#source === source) return this.stop();
    this.#opening = true;
    this.#render();
    try {
      const stream = await open(source);
      this.stop();
      if (this.#available) this.#begin(source, stream);
      else for (const track of stream.getTracks()) track.stop();
    } catch (error) {
      this.#options.onError(
        error instanceof VisionError ? error.message : failureMessage(source, error),
      );
    } finally {
      this.#opening = false;
      this.#render();
    }
  }

  /**
   * Enables or disables both toggles; disabling stops what is shared.
   * @param {boolean} available
   */
  setAvailable(available) {
    if (available === this.#available) return;
    this.#available = available;
    if (available) this.#render();
    else this.stop();
  }

  /** Stops the tracks, the uploads and the preview. Safe to call twice. */
  stop() {
    this.#capture?.stop();
    this.#capture = null;
    for (const track of this.#stream?.getTracks() ?? []) track.stop();
    this.#stream = null;
    this.#source = null;
    this.#preview.srcObject = null;
    this.#render();
  }

  /**
   * @param {VisionSource} source
   * @param {MediaStream} stream
   */
  #begin(source, stream) {
    this.#source = source;
    this.#stream = stream;
    this.#lastError = null;
    // The browser's own "Stop sharing" bar, or an unplugged camera, ends the track.
    for (const track of stream.getVideoTracks()) {
      track.addEventListener("ended", () => {
        if (this.#stream === stream) this.stop();
      });
    }
    this.#preview.srcObject = stream;
    this.#preview.play().catch(() => {
      // Muted inline video may autoplay; if not, frames wait for it.
    });
    const panel = this.#options.panel;
    this.#capture = new FrameCapture(this.#preview, {
      fps: this.#options.fps,
      quality: this.#options.quality,
      upload: this.#options.upload,
      onResult: (error) => {
        if (error && error !== this.#lastError) {
          this.#options.onError(`Picture not sent: ${error}`);
        }
        this.#lastError = error;
      },
      onStats(stats) {
        panel.dataset.framesSent = String(stats.sent);
        panel.dataset.framesUnchanged = String(stats.unchanged);
        panel.dataset.framesLimited = String(stats.limited);
        panel.dataset.framesFailed = String(stats.failed);
        panel.dataset.frameWidth = String(stats.width);
        panel.dataset.frameHeight = String(stats.height);
        panel.dataset.frameBytes = String(stats.bytes);
      },
    });
    this.#capture.start();
    this.#render();
  }

  #render() {
    const { cameraButton, screenButton, panel, fps } = this.#options;
    cameraButton.setAttribute("aria-pressed", String(this.#source === "camera"));
    screenButton.setAttribute("aria-pressed", String(this.#source === "screen"));
    cameraButton.disabled = screenButton.disabled = this.#opening || !this.#available;
    document.body.dataset.vision = this.#source ?? "off";
    panel.hidden = this.#source === null;
    const times = fps === 1 ? "once" : fps === 2 ? "twice" : `${fps} times`;
    const pace = fps >= 1
      ? `at most ${times} a second`
      : `at most every ${Number((1 / fps).toFixed(1))} s`;
    const what = this.#source === "camera" ? "Camera on" : "Sharing your screen";
    this.#status.textContent = this.#source
      ? `${what}: the agent gets a new picture when it changes, ${pace}.`
      : "";
  }
}

/**
 * Opens the camera (preferring 720p, scaled down before sending) or asks
 * which screen, window or tab to share.
 * @param {VisionSource} source
 * @returns {Promise<MediaStream>}
 */
function open(source) {
  const devices = navigator.mediaDevices;
  if (source === "camera") {
    if (!devices?.getUserMedia) {
      throw new VisionError(
        "This browser cannot use a camera on this page (it needs a current browser and " +
          "https). Everything else keeps working.",
      );
    }
    return devices.getUserMedia({
      video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { max: 30 } },
      audio: false,
    });
  }
  if (!devices?.getDisplayMedia) {
    throw new VisionError(
      "This browser cannot share its screen (most phones cannot). The camera and " +
        "everything else keep working.",
    );
  }
  return devices.getDisplayMedia({ video: { frameRate: { max: 15 } }, audio: false });
}

/**
 * @param {VisionSource} source
 * @param {unknown} error from getUserMedia or getDisplayMedia
 */
function failureMessage(source, error) {
  const name = error instanceof Error ? error.name : "";
  if (source === "screen") {
    if (name === "NotAllowedError" || name === "AbortError") {
      return "Screen sharing was cancelled or not allowed. Everything else keeps working.";
    }
    return `Screen sharing could not start: ${describe(error)}`;
  }
  if (name === "NotAllowedError" || name === "SecurityError") {
    return "Camera access was denied. Allow it for this site to show the agent what " +
      "you see; everything else keeps working.";
  }
  if (name === "NotFoundError" || name === "OverconstrainedError") {
    return "No camera was found. Connect one to show the agent what you see.";
  }
  if (name === "NotReadableError") {
    return "The camera is in use by another application.";
  }
  return `The camera could not be started: ${describe(error)}`;
}

/** @param {unknown} error */
function describe(error) {
  return error instanceof Error ? error.message || error.name : String(error);
}
