import assert from "node:assert/strict";
import {
  frameOpusPackets,
  MAX_OPUS_PACKET_BYTES,
  opusPacketSamples,
  parseOpusFrames,
} from "./opus_framing.ts";

/** A 20 ms CELT fullband packet header (config 31, one frame). */
const CELT_20MS = 0xf8;
/** A 20 ms SILK wideband header (config 9). */
const SILK_20MS = 9 << 3;

Deno.test("framed packets parse back to the same packets and their duration", () => {
  const packets = [
    new Uint8Array([CELT_20MS, 1, 2, 3]),
    new Uint8Array([SILK_20MS, ...new Array(300).fill(7)]),
  ];
  const framed = frameOpusPackets(packets);
  assert.deepEqual([...framed.subarray(0, 3)], [0, 4, CELT_20MS]);
  assert.deepEqual([...framed.subarray(6, 8)], [1, 45]); // 301 bytes, big-endian
  const parsed = parseOpusFrames(framed);
  assert.deepEqual(parsed.packets.map((p) => [...p]), packets.map((p) => [...p]));
  assert.equal(parsed.seconds, 0.04);
});

Deno.test("an empty body holds no packets", () => {
  assert.deepEqual(parseOpusFrames(new Uint8Array()), { packets: [], seconds: 0 });
});

Deno.test("cut or impossible framing is refused with a readable cause", () => {
  const cases: [number[], RegExp][] = [
    [[0], /length at byte 0 is cut short/],
    [[0, 3, CELT_20MS], /packet 1 is cut short/],
    [[0, 0], /packet 1 has 0 bytes/],
    [[0, 1, CELT_20MS, 5, 0], /packet 2 has 1280 bytes/],
    [[0, 1, 0x03], /packet 1 is not a valid Opus packet/], // code 3 without a count
    [[0, 2, 0x03, 0], /packet 1 is not a valid Opus packet/], // code 3, zero frames
    [[0, 2, 0x1b, 3], /packet 1 is not a valid Opus packet/], // 3 × 60 ms > 120 ms
  ];
  for (const [bytes, message] of cases) {
    assert.throws(() => parseOpusFrames(new Uint8Array(bytes)), (error: unknown) => {
      assert.ok(error instanceof RangeError);
      assert.match(error.message, /^Cannot read Opus packets: /);
      assert.match(error.message, message);
      return true;
    });
  }
});

Deno.test("a packet of the largest Opus size is read; one byte more is refused", () => {
  const framed = (length: number) => {
    const packet = new Uint8Array(length).fill(0);
    packet[0] = CELT_20MS;
    return new Uint8Array([length >> 8, length & 0xff, ...packet]);
  };
  const { packets } = parseOpusFrames(framed(MAX_OPUS_PACKET_BYTES));
  assert.equal(packets[0].length, MAX_OPUS_PACKET_BYTES);
  assert.throws(
    () => parseOpusFrames(framed(MAX_OPUS_PACKET_BYTES + 1)),
    new RegExp(`packet 1 has ${MAX_OPUS_PACKET_BYTES + 1} bytes`),
  );
});

Deno.test("packet durations follow the TOC byte and frame count", () => {
  assert.equal(opusPacketSamples(new Uint8Array([CELT_20MS])), 960);
  assert.equal(opusPacketSamples(new Uint8Array([SILK_20MS | 1])), 1920); // two frames
  assert.equal(opusPacketSamples(new Uint8Array([(16 << 3) | 3, 4])), 480); // 4 × 2.5 ms
  assert.equal(opusPacketSamples(new Uint8Array([(3 << 3) | 3, 2])), 5760); // 2 × 60 ms
  assert.equal(opusPacketSamples(new Uint8Array()), 0);
});
