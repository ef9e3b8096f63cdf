/**
 * Sine tones as 16-bit PCM, and the measures tests check decoded audio with.
 *
 * @module
 */

/** 16-bit LE mono PCM of a sine tone. */
export function tone(hz: number, rate: number, seconds: number, amplitude = 8000): Uint8Array {
  const samples = new Int16Array(Math.round(rate * seconds));
  for (let i = 0; i < samples.length; i++) {
    samples[i] = Math.round(amplitude * Math.sin(2 * Math.PI * hz * i / rate));
  }
  return new Uint8Array(samples.buffer);
}

/** Root mean square of 16-bit LE PCM. */
export function rms(pcm: Uint8Array): number {
  const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength >> 1);
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

/** The frequency of a tone, from its rate of upward zero crossings. */
export function dominantHz(pcm: Uint8Array, rate: number): number {
  const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength >> 1);
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) {
    if (samples[i - 1] < 0 && samples[i] >= 0) crossings++;
  }
  return crossings * rate / samples.length;
}
