/**
 * The page's microphone as Opus, for the Opus benchmark (and tests/opus_test.ts): what
 * `static/js/opus_codec.js` asks of WebCodecs, done with the same libopus the
 * server decodes with.
 *
 * @module
 */
import * as wasmOpus from "@evan/opus/wasm/index.mjs";

/** What the page's WebCodecs encoder does: 20 ms packets of 16 kHz speech-tuned Opus. */
export function microphonePackets(pcm16k: Uint8Array): Uint8Array[] {
  const { Encoder } = wasmOpus as unknown as {
    Encoder: new (options: object) => {
      encode(pcm: Uint8Array): Uint8Array;
      ctl(request: number, value: number): number;
      drop(): void;
    };
  };
  const encoder = new Encoder({ channels: 1, sample_rate: 16_000, application: "voip" });
  encoder.ctl(4002, 24_000); // OPUS_SET_BITRATE
  const packets = [];
  for (let at = 0; at + 640 <= pcm16k.length; at += 640) {
    packets.push(encoder.encode(pcm16k.subarray(at, at + 640)));
  }
  encoder.drop();
  return packets;
}
