/**
 * AudioWorklet that plays the agent's 24 kHz 16-bit PCM at the device rate.
 *
 * Audio waits in a 24 kHz ring buffer (180 s, like the reference sample, so
 * long answers streamed faster than real time are never cut) and is
 * resampled on the way out with the same FIR as the microphone.
 *
 * Options (`processorOptions`): `bufferMs` (0–200, default 0), how long the
 * first audio after silence may wait for more before it plays: a jitter
 * buffer, more latency for fewer underruns when chunks come in real time.
 *
 * Port messages in:
 * - `ArrayBuffer` of Int16 LE samples: queue for playback;
 * - `{ command: "flush" }`: drop everything queued, so the next render
 *   quantum is already silent (barge-in, Stop).
 *
 * Port messages out:
 * - `{ type: "stats", playedFrames, bufferedFrames, playing }` whenever
 *   playback starts or stops and every ~50 ms while it plays (frames are at
 *   24 kHz);
 * - `{ type: "flushed", droppedFrames, frame }` right after a flush, and
 *   `{ type: "silent", frame }` for the first quantum rendered after it
 *   (`frame`: the context's `currentFrame`, to measure the gap in audio time).
 *
 * @module
 */
import { FirResampler } from "./fir_resampler.js";

const SOURCE_RATE = 24000;
const CAPACITY = SOURCE_RATE * 180;
/** Source frames fed to the resampler at a time. */
const BLOCK = 64;
/** A short fade-in when playback starts from silence avoids a click. */
const FADE_IN_FRAMES = 96;

class PlaybackProcessor extends AudioWorkletProcessor {
  /** @param {{ processorOptions?: { bufferMs?: number } }} [options] */
  constructor(options) {
    super();
    const ms = Math.min(200, Math.max(0, Number(options?.processorOptions?.bufferMs) || 0));
    /** Source frames to gather (or output frames to wait) before playing from silence. */
    this.startFrames = Math.round((SOURCE_RATE * ms) / 1000);
    this.maxWaitFrames = Math.round((sampleRate * ms) / 1000);
    this.waitedFrames = 0;
    this.ring = new Float32Array(CAPACITY);
    this.read = 0;
    this.size = 0;
    this.resampler = new FirResampler(SOURCE_RATE, sampleRate);
    /** Resampled audio waiting for the next quantum (fixed, to spare the GC). */
    this.pending = new Float32Array(4096);
    this.pendingLength = 0;
    this.block = new Float32Array(BLOCK);
    this.playedFrames = 0;
    this.playing = false;
    this.fade = 0;
    this.silentReport = false;
    this.lastStats = 0;
    this.port.onmessage = (event) => {
      const message = event.data;
      if (message instanceof ArrayBuffer) this.#enqueue(message);
      else if (message?.command === "flush") this.#flush();
    };
  }

  /** @param {ArrayBuffer} buffer */
  #enqueue(buffer) {
    const samples = new Int16Array(buffer, 0, buffer.byteLength >> 1);
    for (let i = 0; i < samples.length; i++) {
      if (this.size === CAPACITY) {
        // Full: the oldest audio goes, the newest stays.
        this.read = (this.read + 1) % CAPACITY;
        this.size--;
      }
      this.ring[(this.read + this.size) % CAPACITY] = samples[i] / 32768;
      this.size++;
    }
  }

  #flush() {
    const droppedFrames = this.size;
    this.read = 0;
    this.size = 0;
    this.pendingLength = 0;
    this.resampler.reset();
    this.silentReport = true;
    this.port.postMessage({ type: "flushed", droppedFrames, frame: currentFrame });
    this.#setPlaying(false);
  }

  /** Resamples queued audio until `frames` output frames are ready or the ring is empty. */
  #fill(frames) {
    while (this.pendingLength < frames && this.size > 0) {
      const n = Math.min(BLOCK, this.size);
      const block = n === BLOCK ? this.block : new Float32Array(n);
      for (let i = 0; i < n; i++) {
        block[i] = this.ring[(this.read + i) % CAPACITY];
      }
      this.read = (this.read + n) % CAPACITY;
      this.size -= n;
      this.playedFrames += n;
      const out = this.resampler.process(block);
      this.pending.set(out, this.pendingLength);
      this.pendingLength += out.length;
    }
  }

  /** @param {Float32Array[][]} _inputs @param {Float32Array[][]} outputs */
  process(_inputs, outputs) {
    const output = outputs[0];
    const frames = output[0].length;
    if (!this.playing && this.pendingLength === 0 && this.size > 0 && this.startFrames > 0) {
      // The jitter buffer: wait for `bufferMs` of audio, or for `bufferMs` to pass.
      this.waitedFrames += frames;
      if (this.size < this.startFrames && this.waitedFrames < this.maxWaitFrames) return true;
    }
    this.waitedFrames = 0;
    this.#fill(frames);
    const n = Math.min(frames, this.pendingLength);
    if (n > 0 && !this.playing) {
      this.fade = 0;
      this.#setPlaying(true);
    }
    for (let i = 0; i < n; i++) {
      let s = this.pending[i];
      if (this.fade < FADE_IN_FRAMES) s *= this.fade++ / FADE_IN_FRAMES;
      for (const channel of output) channel[i] = s;
    }
    // Anything not filled stays zero: an underrun is silence, not noise.
    this.pending.copyWithin(0, n, this.pendingLength);
    this.pendingLength -= n;
    if (this.playing && n === 0) this.#setPlaying(false);
    if (this.silentReport && n === 0) {
      this.silentReport = false;
      // currentFrame is where this (silent) quantum starts: at most one
      // quantum after the flush.
      this.port.postMessage({ type: "silent", frame: currentFrame });
    }
    if (this.playing && currentTime - this.lastStats > 0.05) this.#stats();
    return true;
  }

  /** @param {boolean} playing */
  #setPlaying(playing) {
    if (playing === this.playing) return;
    this.playing = playing;
    this.#stats();
  }

  #stats() {
    this.lastStats = currentTime;
    this.port.postMessage({
      type: "stats",
      playedFrames: this.playedFrames,
      bufferedFrames: this.size,
      playing: this.playing,
    });
  }
}

registerProcessor("playback-processor", PlaybackProcessor);
