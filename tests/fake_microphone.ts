/**
 * What an engine's fake microphone plays, and how to tell that the audio
 * the fake Live API received is that: Chromium plays a spoken sentence from
 * a WAV (its energy envelope must match), Firefox a steady tone (its pitch
 * must survive the device rate → 16 kHz conversion), WebKit's mock device a
 * hum with a beep each second (the hum's pitch and the beeps' period).
 *
 * @module
 */
import assert from "node:assert/strict";
import { bestAlignment, envelope, pitchHz, rms, spokenWav, wavAt16k } from "./browser_audio.ts";
import type { Engine } from "./browser_engines.ts";

/** Firefox's fake microphone tone, in Hz. */
export const FIREFOX_TONE_HZ = 1000;
/** The hum of WebKit's mock microphone, in Hz; a louder beep comes every second. */
export const WEBKIT_HUM_HZ = 150;

/** An engine's fake microphone for one test. */
export interface FakeMicrophone extends AsyncDisposable {
  /** The WAV it plays, for engines that play one. */
  wav?: string;
  /** How many seconds of upload make a fair comparison. */
  seconds: number;
  /** What matching means, for the step's title. */
  matches: string;
  /** Asserts that `heard` (16 kHz) is what the microphone played; logs the figures. */
  check(heard: Int16Array, label: string): Promise<void>;
}

/**
 * The microphone for `engine`; undefined when the spoken sentence cannot be
 * made here (no espeak-ng outside CI).
 */
export async function fakeMicrophone(engine: Engine): Promise<FakeMicrophone | undefined> {
  if (engine.microphone === "tone") return toneMicrophone();
  if (engine.microphone === "mock") return mockMicrophone();
  const wav = await spokenWav("What is the weather in Paris today? Tell me about the museums.");
  if (!wav) return undefined;
  const source = await wavAt16k(wav);
  return {
    wav,
    seconds: 2 * source.length / 16000 + 1.5,
    matches: "its energy envelope matches the spoken sentence",
    check(heard, label) {
      assert.ok(rms(heard) > 0.01, `RMS ${rms(heard).toFixed(4)}: silence`);
      const reference = envelope(source);
      const { score, lag } = bestAlignment(envelope(heard), reference);
      // The same sentence played a little slower or faster (a wrong rate)
      // does not line up.
      const stretched = envelope(heard.filter((_, i) => i % 10 !== 0));
      const wrongRate = bestAlignment(stretched, reference).score;
      console.log(
        `${label}: envelope correlation ${score.toFixed(3)} at ${lag * 20} ms ` +
          `(at 90% speed: ${wrongRate.toFixed(3)})`,
      );
      assert.ok(score > 0.8, `envelope correlation ${score.toFixed(3)}`);
      assert.ok(wrongRate < score - 0.1, `a 10% wrong rate still scores ${wrongRate.toFixed(3)}`);
      return Promise.resolve();
    },
    [Symbol.asyncDispose]: () => Deno.remove(wav),
  };
}

function toneMicrophone(): FakeMicrophone {
  return {
    seconds: 3,
    matches: `a ${FIREFOX_TONE_HZ} Hz tone stays ${FIREFOX_TONE_HZ} Hz`,
    check(heard, label) {
      // The first half second may hold the track's start; the tone is steady after.
      const steady = heard.subarray(8000);
      const hz = pitchHz(steady, 16000);
      console.log(
        `${label}: tone at ${hz.toFixed(2)} Hz (source ${FIREFOX_TONE_HZ} Hz; ` +
          `a 48 kHz assumption would give ${(FIREFOX_TONE_HZ * 48000 / 44100).toFixed(0)} Hz), ` +
          `RMS ${rms(steady).toFixed(3)}`,
      );
      assert.ok(rms(steady) > 0.01, `RMS ${rms(steady).toFixed(4)}: silence`);
      assert.ok(Math.abs(hz - FIREFOX_TONE_HZ) < 3, `the tone arrived at ${hz.toFixed(2)} Hz`);
      return Promise.resolve();
    },
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}

function mockMicrophone(): FakeMicrophone {
  return {
    seconds: 4,
    matches: `the ${WEBKIT_HUM_HZ} Hz hum stays ${WEBKIT_HUM_HZ} Hz, the beeps stay 1 s apart`,
    check(heard, label) {
      // 100 ms frames: the quiet ones are the hum alone, the loud ones the beeps.
      const frames = Array.from(
        { length: Math.floor(heard.length / 1600) },
        (_, i) => heard.subarray(i * 1600, (i + 1) * 1600),
      );
      const levels = frames.map(rms);
      const hum = frames.filter((_, i) => levels[i] > 0.03 && levels[i] < 0.1)
        .map((frame) => pitchHz(frame, 16000)).sort((a, b) => a - b);
      const hz = hum[hum.length >> 1];
      // A beep's loud frames can be split by a quieter one: a new beep starts
      // only half a second after the last loud frame.
      const beeps: number[] = [];
      let lastLoud = -Infinity;
      levels.forEach((level, i) => {
        if (level <= 0.1) return;
        if (i - lastLoud > 5) beeps.push(i);
        lastLoud = i;
      });
      const periods = beeps.slice(1).map((at, i) => (at - beeps[i]) * 100);
      console.log(
        `${label}: hum at ${hz?.toFixed(2)} Hz (source ${WEBKIT_HUM_HZ} Hz), ` +
          `beeps ${periods.join(", ")} ms apart`,
      );
      assert.ok(hum.length >= 10, `${hum.length} frames of hum`);
      assert.ok(Math.abs(hz - WEBKIT_HUM_HZ) < 1, `the hum arrived at ${hz.toFixed(2)} Hz`);
      assert.ok(periods.length >= 2, `${beeps.length} beeps`);
      // The median: under load the mock source itself can stall a few hundred ms.
      const period = periods.toSorted((a, b) => a - b)[periods.length >> 1];
      assert.ok(Math.abs(period - 1000) <= 100, `beeps ${period} ms apart`);
      return Promise.resolve();
    },
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}
