/**
 * AudioWorklet that turns the microphone into the Live API's input format:
 * 16 kHz mono, 16-bit little-endian PCM, in chunks of a chosen duration.
 *
 * It runs at the device rate (whatever the AudioContext picked) and
 * resamples with an anti-aliasing FIR on the audio thread, so the main
 * thread only ever sees finished chunks.
 *
 * Options (`processorOptions`): `chunkMs` (20–100); `sendOnset` (boolean):
 * when sound starts after quiet, the chunk in progress goes at once, cut
 * short, so a turn's first words do not wait for the chunk to fill. Posts
 * `{ pcm: ArrayBuffer, level: number }` per chunk, `level` being the chunk's
 * RMS (0–1) for the level meter. Posting `"stop"` to it ends it.
 *
 * @module
 */
import { FirResampler } from "./fir_resampler.js";

const TARGET_RATE = 16000;
/** One render quantum of silence. */
const SILENCE = new Float32Array(128);
/** With `sendOnset`: a sample above this (of full scale) after {@link ONSET_QUIET} is an onset. */
const ONSET_LEVEL = 0.02;
/** Quiet before an onset: 200 ms at 16 kHz. */
const ONSET_QUIET = 3200;

class CaptureProcessor extends AudioWorkletProcessor {
  /** @param {{ processorOptions?: { chunkMs?: number, sendOnset?: boolean } }} options */
  constructor(options) {
    super();
    const ms = Number(options.processorOptions?.chunkMs) || 50;
    const chunkMs = Math.min(100, Math.max(20, ms));
    this.chunkSamples = Math.round((TARGET_RATE * chunkMs) / 1000);
    // `sampleRate` is the AudioWorkletGlobalScope's: the context's real rate.
    this.resampler = new FirResampler(sampleRate, TARGET_RATE);
    this.chunk = new Int16Array(this.chunkSamples);
    this.filled = 0;
    this.energy = 0;
    this.stopped = false;
    // `"stop"` from the page: the microphone is released, so stop rendering.
    this.port.onmessage = (event) => {
      if (event.data === "stop") this.stopped = true;
    };
    this.sendOnset = options.processorOptions?.sendOnset === true;
    this.quiet = 0;
  }

  /** @param {Float32Array[][]} inputs */
  process(inputs) {
    if (this.stopped) return false;
    // Firefox gives no channels at all for a disabled (muted) track: that is
    // a quantum of silence, which must still go up so the server's voice
    // detection sees the utterance end.
    const channels = inputs[0]?.length ? inputs[0] : [SILENCE];
    const samples = this.resampler.process(mono(channels));
    let onset = false;
    for (let i = 0; i < samples.length; i++) {
      const s = Math.max(-1, Math.min(1, samples[i]));
      this.energy += s * s;
      this.chunk[this.filled++] = s < 0 ? s * 0x8000 : s * 0x7fff;
      if (this.filled === this.chunkSamples) this.#flush();
      if (Math.abs(s) < ONSET_LEVEL) this.quiet++;
      else {
        onset ||= this.quiet >= ONSET_QUIET;
        this.quiet = 0;
      }
    }
    if (onset && this.sendOnset && this.filled > 0) this.#flush();
    return true;
  }

  #flush() {
    const level = Math.sqrt(this.energy / this.filled);
    // Int16Array is little-endian on every platform browsers run on.
    const pcm = this.filled === this.chunkSamples
      ? this.chunk.buffer
      : this.chunk.slice(0, this.filled).buffer;
    this.port.postMessage({ pcm, level }, [pcm]);
    this.chunk = new Int16Array(this.chunkSamples);
    this.filled = 0;
    this.energy = 0;
  }
}

/**
 * Averages the channels; usually there is one, since we ask for mono.
 * @param {Float32Array[]} channels
 */
function mono(channels) {
  if (channels.length === 1) return channels[0];
  const out = new Float32Array(channels[0].length);
  for (const channel of channels) {
    for (let i = 0; i < out.length; i++) out[i] += channel[i] / channels.length;
  }
  return out;
}

registerProcessor("capture-processor", CaptureProcessor);
