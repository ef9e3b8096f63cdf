/**
 * Audio helpers for the browser tests: speech from espeak-ng, its 16 kHz
 * reference via sox, and the measures that compare it with what the fake
 * Live server received.
 *
 * @module
 */

/** Speech spoken by espeak-ng into a WAV file (the fake microphone), or "" without espeak-ng outside CI. */
export async function spokenWav(text: string): Promise<string> {
  const file = await Deno.makeTempFile({ suffix: ".wav" });
  const { success } = await new Deno.Command("espeak-ng", {
    args: ["-w", file, text],
  }).output().catch(() => ({ success: false }));
  if (!success) {
    if (Deno.env.get("CI") === "true") {
      throw new Error("espeak-ng is missing (see .ci/run)");
    }
    return "";
  }
  return file;
}

/** The WAV as 16 kHz mono 16-bit samples, converted by sox (a reference resampler). */
export function wavAt16k(wav: string): Promise<Int16Array> {
  return wavAt(wav, 16_000);
}

/** The WAV as mono 16-bit samples at `rate`, converted by sox. */
export async function wavAt(wav: string, rate: number): Promise<Int16Array> {
  const { success, stdout, stderr } = await new Deno.Command("sox", {
    args: [
      wav,
      "-t",
      "raw",
      "-r",
      String(rate),
      "-c",
      "1",
      "-b",
      "16",
      "-e",
      "signed-integer",
      "-L",
      "-",
    ],
  }).output();
  if (!success) throw new Error(`sox failed: ${new TextDecoder().decode(stderr)}`);
  return new Int16Array(stdout.buffer, stdout.byteOffset, stdout.byteLength >> 1);
}

/** Little-endian 16-bit PCM bytes as samples. */
export function samples(pcm: Uint8Array): Int16Array {
  const copy = pcm.slice();
  return new Int16Array(copy.buffer, 0, copy.byteLength >> 1);
}

/** Root-mean-square level, 0..1. */
export function rms(x: Int16Array): number {
  let sum = 0;
  for (const s of x) sum += (s / 32768) ** 2;
  return Math.sqrt(sum / Math.max(x.length, 1));
}

/** RMS per frame of `frame` samples (20 ms at 16 kHz by default): the energy envelope. */
export function envelope(x: Int16Array, frame = 320): Float64Array {
  const out = new Float64Array(Math.floor(x.length / frame));
  for (let i = 0; i < out.length; i++) {
    out[i] = rms(x.subarray(i * frame, (i + 1) * frame));
  }
  return out;
}

/** Pearson correlation of two equally long series. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) (ma += a[i], mb += b[i]);
  ma /= n;
  mb /= n;
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb || 1);
}

/**
 * Best correlation of the source's envelope with any stretch of the received
 * one: the fake microphone loops the file from an unknown point, so every
 * alignment is tried. Returns the score and the lag (in frames).
 */
export function bestAlignment(
  received: Float64Array,
  source: Float64Array,
): { score: number; lag: number } {
  let best = { score: -1, lag: 0 };
  for (let lag = 0; lag + source.length <= received.length; lag++) {
    const score = correlation(received.subarray(lag, lag + source.length), source);
    if (score > best.score) best = { score, lag };
  }
  return best;
}

/** A 24 kHz 16-bit sine, as the agent's voice would arrive. */
export function sine24k(hz: number, seconds: number, amplitude = 0.3): Uint8Array {
  const x = new Int16Array(Math.round(24000 * seconds));
  for (let i = 0; i < x.length; i++) {
    x[i] = Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * hz * i) / 24000));
  }
  return new Uint8Array(x.buffer);
}

/**
 * The frequency of a steady tone, from its upward zero crossings, each placed
 * between samples by linear interpolation: precise to a fraction of a hertz
 * over a second of signal.
 */
export function pitchHz(x: ArrayLike<number>, rate: number): number {
  let first = -1, last = -1, crossings = 0;
  for (let i = 1; i < x.length; i++) {
    if (x[i - 1] < 0 && x[i] >= 0) {
      const at = i - 1 + x[i - 1] / (x[i - 1] - x[i]);
      if (first < 0) first = at;
      last = at;
      crossings++;
    }
  }
  return crossings < 2 ? 0 : (crossings - 1) * rate / (last - first);
}

/**
 * `pitchHz` over windows of `window` samples, the median of them: a dropout
 * in a captured stream spoils one window, not the figure.
 */
export function medianPitchHz(x: ArrayLike<number>, rate: number, window = 2048): number {
  const pitches: number[] = [];
  for (let at = 0; at + window <= x.length; at += window) {
    pitches.push(pitchHz(Array.prototype.slice.call(x, at, at + window), rate));
  }
  pitches.sort((a, b) => a - b);
  return pitches[pitches.length >> 1] ?? 0;
}
