/**
 * Voice mode's audio: one AudioContext at the device's own rate holding the
 * microphone capture and the agent's voice, plus the upload queue.
 *
 * One context (rather than a 16 kHz one for the microphone and a 24 kHz one
 * for playback) avoids forcing rates the hardware does not run at, which
 * Firefox refuses for microphones and Safari handles poorly; the worklets
 * resample instead.
 *
 * @module
 */
import { AgentVoicePlayer } from "./audio-player.js";
import { startMicrophoneCapture } from "./audio-recorder.js";
import { OpusMicrophoneEncoder, opusPacketCount, OpusVoiceDecoder } from "./opus_codec.js";
import { UploadQueue } from "./upload_queue.js";

/** Microphone audio kept while uploads stall: 5 s of 16 kHz 16-bit. */
const MAX_BACKLOG_BYTES = 16000 * 2 * 5;
/** The same for Opus, in 20 ms packets: 4 s, within the server's 5 s per POST. */
const MAX_BACKLOG_PACKETS = 200;

/** A failure to start voice, with a sentence for the person. */
export class VoiceError extends Error {
  name = "VoiceError";
}

/**
 * @typedef {object} VoiceSessionOptions
 * @property {HTMLAudioElement} audioElement
 * @property {number} chunkMs capture chunk duration, 20–100 ms
 * @property {(audio: Uint8Array, mimeType: "audio/pcm" | "audio/opus") =>
 *   Promise<import("./upload_queue.js").SendResult>} upload
 * @property {() => { codec: "pcm" | "opus", bitrate: number }} upCodec how to
 *   upload the microphone, asked at each start: Opus once the server agreed
 * @property {(error: string | null) => void} onUploadResult
 * @property {(text: string, error: unknown, tell: boolean) => void} onProblem something
 *   went wrong that voice worked around: a corrupt packet was skipped, or (`tell`: the
 *   person may notice) Opus failed and the microphone goes up as PCM instead
 * @property {(level: number) => void} onLevel input level per chunk, 0–1
 * @property {(message: any) => void} onPlayer the player worklet's reports
 */

/** Microphone in, agent's voice out. */
export class VoiceSession {
  /** @type {AudioContext | null} */
  #context = null;
  /** @type {AgentVoicePlayer | null} */
  #player = null;
  /** @type {Promise<void> | null} */
  #modules = null;
  /** @type {import("./audio-recorder.js").MicrophoneCapture | null} */
  #capture = null;
  #options;
  #muted = false;
  #headphones = false;
  /** @type {OpusMicrophoneEncoder | null} */
  #opus = null;
  /** The agent's voice when it comes as Opus. */
  #voiceDecoder = new OpusVoiceDecoder(
    (pcm) => this.play(pcm),
    (error) =>
      this.#options.onProblem("The agent's voice: an Opus packet did not decode", error, false),
  );
  /** The upload queue, exposed for its counters. */
  uploads;

  /** @param {VoiceSessionOptions} options */
  constructor(options) {
    this.#options = options;
    this.uploads = this.#pcmUploads();
  }

  /** True while the microphone is captured. */
  get active() {
    return this.#capture !== null;
  }

  /**
   * Starts the microphone and the player. Call it from a click: the context
   * and the `<audio>` element are started before the first `await`, while
   * the browser still counts this as a user gesture.
   *
   * @throws {VoiceError} with a human sentence when voice cannot start.
   */
  async start() {
    const context = this.#ensureContext();
    const resumed = context.resume();
    try {
      await this.#modules;
      await resumed;
    } catch (error) {
      // Start from scratch next time rather than keep a half-built graph.
      this.#context = this.#player = this.#modules = null;
      void context.close().catch(() => {});
      throw new VoiceError(`Audio could not start: ${describe(error)}`);
    }
    const { codec, bitrate } = this.#options.upCodec();
    this.uploads = this.#pcmUploads();
    if (codec === "opus") this.#startOpus(bitrate);
    try {
      this.#capture = await startMicrophoneCapture(context, {
        chunkMs: this.#options.chunkMs,
        // Opus encodes whole 20 ms frames: a chunk cut short would make the
        // onset's frame wait for the next chunk, later than without it.
        sendOnset: codec === "pcm",
        onChunk: (pcm, level) => {
          this.#options.onLevel(this.#muted ? 0 : level);
          const chunk = new Uint8Array(pcm);
          try {
            if (this.#opus) return this.#opus.encode(chunk);
          } catch (error) {
            this.#opusFailed(this.#opus, error);
          }
          this.uploads.push(chunk);
        },
      });
    } catch (error) {
      throw new VoiceError(microphoneMessage(error));
    }
    this.#capture.setMuted(this.#muted);
  }

  /** Releases the microphone and silences the agent; the context is kept for next time. */
  stop() {
    this.#capture?.stop();
    this.#capture = null;
    this.#opus?.close();
    this.#opus = null;
    this.uploads.clear();
    this.flush();
    this.#options.onLevel(0);
  }

  /** @param {boolean} muted */
  setMuted(muted) {
    this.#muted = muted;
    this.#capture?.setMuted(muted);
    if (muted) this.#options.onLevel(0);
  }

  /** @param {boolean} on */
  setHeadphones(on) {
    this.#headphones = on;
    this.#player?.setHeadphones(on);
  }

  /** @param {Uint8Array} pcm 24 kHz 16-bit LE */
  play(pcm) {
    this.#player?.play(pcm);
  }

  /** @param {Uint8Array} framed the agent's Opus packets, framed */
  playOpus(framed) {
    if (this.#player) this.#voiceDecoder.decode(framed);
  }

  /** Silences the agent from the next render quantum on. */
  flush() {
    this.#voiceDecoder.reset();
    this.#player?.flush();
  }

  /** @param {number} bitrate */
  #startOpus(bitrate) {
    const uploads = this.uploads = this.#opusUploads();
    try {
      const opus = new OpusMicrophoneEncoder(
        (framed) => uploads.push(framed),
        bitrate,
        (error) => this.#opusFailed(opus, error),
      );
      this.#opus = opus;
    } catch (error) {
      this.#opusFailed(null, error);
    }
  }

  /**
   * The microphone goes on as PCM when its Opus encoder fails, rather than stop unheard.
   * @param {OpusMicrophoneEncoder | null} opus the encoder that failed
   * @param {unknown} error
   */
  #opusFailed(opus, error) {
    if (opus !== this.#opus) return;
    this.#opus?.close();
    this.#opus = null;
    this.uploads.clear();
    this.uploads = this.#pcmUploads();
    this.#options.onProblem(
      "The microphone's Opus encoder failed; the microphone now goes up as PCM",
      error,
      true,
    );
  }

  #pcmUploads() {
    return new UploadQueue((pcm) => this.#options.upload(pcm, "audio/pcm"), {
      maxBytes: MAX_BACKLOG_BYTES,
      onResult: this.#options.onUploadResult,
    });
  }

  #opusUploads() {
    return new UploadQueue((framed) => this.#options.upload(framed, "audio/opus"), {
      maxBytes: MAX_BACKLOG_PACKETS,
      size: opusPacketCount,
      onResult: this.#options.onUploadResult,
    });
  }

  #ensureContext() {
    if (this.#context) return this.#context;
    const Context = globalThis.AudioContext ??
      /** @type {any} */ (globalThis).webkitAudioContext;
    if (!Context) {
      throw new VoiceError("This browser cannot play or record audio.");
    }
    // The device's own rate: the worklets resample, the hardware need not.
    const context = /** @type {AudioContext} */ (new Context());
    if (!context.audioWorklet) {
      void context.close();
      throw new VoiceError(
        "This browser lacks AudioWorklet, which voice needs; use a current " +
          "Chrome, Firefox or Safari, or keep typing.",
      );
    }
    this.#context = context;
    this.#player = new AgentVoicePlayer(context, this.#options.audioElement);
    this.#player.setHeadphones(this.#headphones);
    this.#modules = loadModules(context).then(() => {
      this.#player?.attach(this.#options.onPlayer);
    });
    return context;
  }
}

/** @param {AudioContext} context */
async function loadModules(context) {
  await Promise.all([
    context.audioWorklet.addModule(
      new URL("./pcm-recorder-processor.js", import.meta.url),
    ),
    context.audioWorklet.addModule(
      new URL("./pcm-player-processor.js", import.meta.url),
    ),
  ]);
}

/** @param {unknown} error */
function microphoneMessage(error) {
  const name = error instanceof Error ? error.name : "";
  if (name === "NotAllowedError" || name === "SecurityError") {
    return "Microphone access was denied. Allow it for this site to talk, " +
      "or keep typing.";
  }
  if (name === "NotFoundError" || name === "OverconstrainedError") {
    return "No microphone was found. Connect one to talk, or keep typing.";
  }
  if (name === "NotReadableError") {
    return "The microphone is in use by another application.";
  }
  return `The microphone could not be started: ${describe(error)}`;
}

/** @param {unknown} error */
function describe(error) {
  return error instanceof Error ? error.message || error.name : String(error);
}
