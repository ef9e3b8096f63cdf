/**
 * The web client's resampler (static/js/fir_resampler.js), run in Deno: it
 * keeps speech-band tones, removes what would alias, and keeps the rate.
 */
import assert from "node:assert/strict";
// @ts-types="./browser_resampler.d.ts"
import { FirResampler } from "../static/js/fir_resampler.js";

function tone(hz: number, rate: number, seconds: number): Float32Array {
  const out = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) {
    out[i] = 0.5 * Math.sin((2 * Math.PI * hz * i) / rate);
  }
  return out;
}

/** Resamples in uneven chunks, as render quanta and network packets arrive. */
function resample(input: Float32Array, from: number, to: number): Float32Array {
  const r = new FirResampler(from, to);
  const parts: Float32Array[] = [];
  for (let i = 0, size = 97; i < input.length; i += size, size = 97 + (i % 61)) {
    parts.push(r.process(input.subarray(i, i + size)));
  }
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** RMS after skipping the filter's start-up. */
function level(samples: Float32Array): number {
  const steady = samples.subarray(Math.floor(samples.length / 4));
  let sum = 0;
  for (const s of steady) sum += s * s;
  return Math.sqrt(sum / steady.length);
}

const db = (ratio: number) => 20 * Math.log10(ratio);

for (const from of [48000, 44100, 96000, 22050]) {
  Deno.test(`resampling ${from} Hz microphone audio to 16 kHz keeps speech and rejects aliases`, () => {
    const speech = resample(tone(1000, from, 1), from, 16000);
    assert.ok(Math.abs(speech.length - 16000) <= 40, `${speech.length} samples`);
    const pass = db(level(speech) / (0.5 / Math.SQRT2));
    assert.ok(Math.abs(pass) < 0.1, `1 kHz changed by ${pass.toFixed(2)} dB`);
    if (from > 20000) {
      // 10 kHz would fold back to 6 kHz if decimated naively.
      const alias = db(level(resample(tone(10000, from, 1), from, 16000)) / (0.5 / Math.SQRT2));
      assert.ok(alias < -60, `10 kHz leaks at ${alias.toFixed(1)} dB`);
    }
  });
}

for (const to of [48000, 44100, 24000]) {
  Deno.test(`playing 24 kHz agent audio at ${to} Hz keeps it in tune and free of images`, () => {
    const out = resample(tone(3000, 24000, 1), 24000, to);
    assert.ok(Math.abs(out.length - to) <= 60, `${out.length} samples`);
    // Count zero crossings: a 3 kHz tone has 6000 per second at any rate.
    let crossings = 0;
    for (let i = 1; i < out.length; i++) {
      if ((out[i - 1] < 0) !== (out[i] < 0)) crossings++;
    }
    assert.ok(Math.abs(crossings - 6000) < 40, `${crossings} zero crossings`);
    assert.ok(Math.abs(db(level(out) / (0.5 / Math.SQRT2))) < 0.1);
  });
}
