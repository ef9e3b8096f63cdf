import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { loadOpus, OpusCodec } from "./opus_codec.ts";
import { parseOpusFrames } from "./opus_framing.ts";
import { dominantHz, rms, tone } from "../../tests/pcm_tone.ts";

await loadOpus();

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

Deno.test("the agent's voice comes out as 20 ms packets that decode to the same tone", () => {
  const codec = new OpusCodec();
  const source = tone(440, 24_000, 1.01);
  // Uneven chunks, as Gemini sends them: the remainder waits for the next one.
  const chunks = [
    source.subarray(0, 1001 * 2),
    source.subarray(2002, 30_000),
    source.subarray(30_000),
  ];
  const framed = chunks.map((chunk) => codec.encode(base64(chunk))).filter((x) => x !== null);
  const last = codec.flush();
  assert.ok(last);
  const packets = [...framed, last].flatMap((b64) =>
    parseOpusFrames(Buffer.from(b64, "base64")).packets
  );
  assert.equal(packets.length, 51); // 1.01 s in 20 ms frames, the last one padded
  const decoder = new OpusCodec();
  const pcm = decoder.decode(packets);
  assert.equal(pcm.length, 51 * 320 * 2); // 51 frames of 320 samples at 16 kHz
  const steady = pcm.subarray(3200); // past the encoder's start-up
  assert.ok(Math.abs(rms(steady) - rms(source)) / rms(source) < 0.2, `rms ${rms(steady)}`);
  assert.ok(Math.abs(dominantHz(steady, 16_000) - 440) < 10, `${dominantHz(steady, 16_000)} Hz`);
  codec.close();
  decoder.close();
});

Deno.test("a chunk shorter than a frame waits; reset forgets it", () => {
  const codec = new OpusCodec();
  assert.equal(codec.encode(base64(tone(440, 24_000, 0.01))), null);
  codec.reset();
  assert.equal(codec.flush(), null);
  assert.equal(codec.encode(base64(tone(440, 24_000, 0.01))), null);
  assert.ok(codec.flush());
  assert.ok(codec.lookaheadSamples > 0 && codec.lookaheadSamples < 480);
  codec.close();
});

Deno.test("a packet libopus refuses is a RangeError and the decoder goes on", () => {
  const codec = new OpusCodec();
  assert.throws(
    () => codec.decode([new Uint8Array([0xff, 0xff, 0xff])]),
    /Cannot decode Opus: packet 1 was refused/,
  );
  const encoder = new OpusCodec();
  const framed = encoder.encode(base64(tone(440, 24_000, 0.04)))!;
  const { packets } = parseOpusFrames(Buffer.from(framed, "base64"));
  assert.equal(codec.decode(packets).length, 2 * 640);
  codec.close();
  encoder.close();
});
