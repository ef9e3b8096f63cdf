/**
 * Streaming sample-rate converter: a polyphase windowed-sinc (Blackman) FIR.
 *
 * Used by both AudioWorklets (microphone → 16 kHz, 24 kHz → speakers) and by
 * the tests. Its low-pass cuts below the lower of the two Nyquist rates, so
 * downsampling does not fold high frequencies back as audible aliases (the
 * flaw of picking every third sample), and upsampling does not leave images.
 *
 * @module
 */

/** Filter half-length in zero crossings of the sinc: longer = sharper. */
const ZERO_CROSSINGS = 16;
/** Cut-off as a fraction of the lower Nyquist rate, leaving room for the transition band. */
const ROLLOFF = 0.9;
/** Above this many phases the ratio is approximated; real device rates never need it. */
const MAX_PHASES = 4096;

/**
 * Converts a stream of Float32 samples from one rate to another, keeping the
 * filter's history between calls so chunk boundaries are inaudible.
 *
 * @example
 * ```js
 * const r = new FirResampler(48000, 16000);
 * const out = r.process(new Float32Array(480)); // ≈ 160 samples
 * ```
 */
export class FirResampler {
  /**
   * @param {number} inRate input sample rate in Hz
   * @param {number} outRate output sample rate in Hz
   */
  constructor(inRate, outRate) {
    let up = outRate / gcd(inRate, outRate);
    let down = inRate / gcd(inRate, outRate);
    if (up > MAX_PHASES) {
      down = Math.round((down * MAX_PHASES) / up);
      up = MAX_PHASES;
    }
    /** Output samples per `down` input samples, as a reduced fraction. */
    this.up = up;
    this.down = down;
    // Cut-off relative to the input's Nyquist rate.
    const cutoff = Math.min(1, outRate / inRate) * ROLLOFF;
    /** Taps on each side of the output instant, in input samples. */
    this.half = Math.ceil(ZERO_CROSSINGS / cutoff);
    const taps = 2 * this.half;
    /** One row of `taps` coefficients per phase (fractional input position). */
    this.table = new Float32Array(up * taps);
    for (let p = 0; p < up; p++) {
      const frac = p / up;
      let sum = 0;
      for (let k = 0; k < taps; k++) {
        // Tap k multiplies input sample (i - half + 1 + k); its distance from
        // the output instant i + frac is t.
        const t = frac - (k - this.half + 1);
        const v = cutoff * sinc(cutoff * t) * blackman(t, this.half);
        this.table[p * taps + k] = v;
        sum += v;
      }
      // Unity gain at DC for every phase, so no phase-dependent ripple.
      for (let k = 0; k < taps; k++) this.table[p * taps + k] /= sum;
    }
    this.reset();
  }

  /** Forgets all history, as after a flush: the next input starts afresh. */
  reset() {
    // Input not yet consumed, starting with half-1 zeros of left context.
    this.buffer = new Float32Array(Math.max(4096, 4 * this.half));
    this.length = this.half - 1;
    /** Index in `buffer` of the input sample at or before the next output. */
    this.index = this.half - 1;
    /** Fractional position of the next output, in 1/up input samples. */
    this.phase = 0;
  }

  /**
   * Feeds input samples, returning every output sample they complete.
   * @param {Float32Array} input
   * @returns {Float32Array}
   */
  process(input) {
    this.#append(input);
    const { up, down, half, table, buffer } = this;
    const taps = 2 * half;
    // Each output needs input up to index + half.
    const available = this.length - half - this.index;
    const estimate = available < 0 ? 0 : Math.floor(((available + 1) * up - this.phase) / down) + 1;
    const out = new Float32Array(Math.max(0, estimate));
    let n = 0;
    let index = this.index;
    let phase = this.phase;
    while (index + half < this.length && n < out.length) {
      const row = phase * taps;
      const start = index - half + 1;
      let acc = 0;
      for (let k = 0; k < taps; k++) acc += table[row + k] * buffer[start + k];
      out[n++] = acc;
      phase += down;
      index += Math.floor(phase / up);
      phase %= up;
    }
    // Drop the input no later output can reach.
    const keepFrom = index - half + 1;
    if (keepFrom > 0) {
      buffer.copyWithin(0, keepFrom, this.length);
      this.length -= keepFrom;
      index -= keepFrom;
    }
    this.index = index;
    this.phase = phase;
    return n === out.length ? out : out.subarray(0, n);
  }

  /** @param {Float32Array} input */
  #append(input) {
    if (this.length + input.length > this.buffer.length) {
      const bigger = new Float32Array(
        Math.max(2 * this.buffer.length, this.length + input.length),
      );
      bigger.set(this.buffer.subarray(0, this.length));
      this.buffer = bigger;
    }
    this.buffer.set(input, this.length);
    this.length += input.length;
  }
}

/** @param {number} x */
function sinc(x) {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/**
 * Blackman window over [-half, half]; about 74 dB of stop-band rejection.
 * @param {number} t
 * @param {number} half
 */
function blackman(t, half) {
  if (Math.abs(t) >= half) return 0;
  const x = (t + half) / (2 * half);
  return 0.42 - 0.5 * Math.cos(2 * Math.PI * x) +
    0.08 * Math.cos(4 * Math.PI * x);
}

/**
 * @param {number} a
 * @param {number} b
 */
function gcd(a, b) {
  a = Math.round(a);
  b = Math.round(b);
  while (b) [a, b] = [b, a % b];
  return a;
}
