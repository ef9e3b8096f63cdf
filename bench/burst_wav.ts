/**
 * The latency bench's microphone: voiced bursts with a sharp onset, each
 * followed by silence, as a WAV file Chromium's fake capture device loops.
 *
 * @module
 */

/** The loud part of each period, ms. */
export const BURST_MS = 250;
/**
 * The silence after burst `b`, ms: 230–269 ms, varied so that onsets fall at
 * every point of a 20, 40 or 50 ms capture chunk rather than always the same.
 */
export function gapMs(b: number): number {
  return 230 + (b * 17) % 40;
}
const RATE = 48_000;

/**
 * A 16-bit mono 48 kHz WAV of `bursts` periods. Each burst is a harmonic-rich
 * voiced sound at its own pitch (so the browser's noise suppression does not
 * learn it as steady noise), at full level from its first sample.
 *
 * @example
 * ```ts
 * const wav = burstWav(2); // two bursts, each with its silence: about 1 s
 * ```
 */
export function burstWav(bursts: number): Uint8Array {
  const loud = (RATE * BURST_MS) / 1000;
  const starts: number[] = [];
  let length = 0;
  for (let b = 0; b < bursts; b++) {
    starts.push(length);
    length += loud + (RATE * gapMs(b)) / 1000;
  }
  const samples = new Int16Array(length);
  starts.forEach((start, b) => {
    const f0 = 120 + (b * 37) % 140;
    for (let i = 0; i < loud; i++) {
      let v = 0;
      for (let h = 1; h <= 10; h++) v += Math.sin((2 * Math.PI * h * f0 * i) / RATE + h) / h;
      samples[start + i] = Math.round(9000 * v);
    }
  });
  const wav = new Uint8Array(44 + samples.byteLength);
  const view = new DataView(wav.buffer);
  const ascii = (at: number, text: string) =>
    [...text].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  ascii(0, "RIFF");
  view.setUint32(4, 36 + samples.byteLength, true);
  ascii(8, "WAVEfmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, RATE, true);
  view.setUint32(28, RATE * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, "data");
  view.setUint32(40, samples.byteLength, true);
  wav.set(new Uint8Array(samples.buffer), 44);
  return wav;
}
