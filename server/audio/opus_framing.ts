/**
 * The framing of Opus packets in one `audio/opus` message: each packet is
 * preceded by its length as 2 bytes, big-endian. Pure functions, no codec.
 *
 * @module
 */

/** Largest packet accepted: a 20 ms frame never needs more (RFC 6716 §3.4). */
export const MAX_OPUS_PACKET_BYTES = 1275;

/** Samples at 48 kHz of one frame, by the TOC byte's configuration (RFC 6716 §3.1). */
const FRAME_SAMPLES_48K = [
  // SILK: 10, 20, 40, 60 ms, for narrow-, medium- and wideband.
  ...[0, 1, 2].flatMap(() => [480, 960, 1920, 2880]),
  // Hybrid: 10, 20 ms, for super-wide- and fullband.
  480,
  960,
  480,
  960,
  // CELT: 2.5, 5, 10, 20 ms, for narrow-, wide-, super-wide- and fullband.
  ...[0, 1, 2, 3].flatMap(() => [120, 240, 480, 960]),
];

/** Most audio in one packet: 120 ms. */
const MAX_PACKET_SAMPLES_48K = 5760;

/**
 * Splits framed bytes into Opus packets, checking each packet's header.
 *
 * @returns the packets (views into `bytes`) and their total duration in seconds.
 * @throws {RangeError} when the framing is cut short, a length is 0 or over
 *   {@link MAX_OPUS_PACKET_BYTES}, or a packet's header is not Opus.
 *
 * @example
 * ```ts
 * parseOpusFrames(new Uint8Array([0, 1, 0xf8])); // { packets: [[0xf8]], seconds: 0.02 }
 * ```
 */
export function parseOpusFrames(bytes: Uint8Array): { packets: Uint8Array[]; seconds: number } {
  const packets: Uint8Array[] = [];
  let samples = 0;
  let at = 0;
  while (at < bytes.length) {
    if (at + 2 > bytes.length) {
      throw new RangeError(`Cannot read Opus packets: the length at byte ${at} is cut short`);
    }
    const length = (bytes[at] << 8) | bytes[at + 1];
    if (length === 0 || length > MAX_OPUS_PACKET_BYTES) {
      throw new RangeError(
        `Cannot read Opus packets: packet ${packets.length + 1} has ${length} bytes ` +
          `(1 to ${MAX_OPUS_PACKET_BYTES})`,
      );
    }
    if (at + 2 + length > bytes.length) {
      throw new RangeError(
        `Cannot read Opus packets: packet ${packets.length + 1} is cut short`,
      );
    }
    const packet = bytes.subarray(at + 2, at + 2 + length);
    const packetSamples = opusPacketSamples(packet);
    if (packetSamples === 0) {
      throw new RangeError(
        `Cannot read Opus packets: packet ${packets.length + 1} is not a valid Opus packet`,
      );
    }
    samples += packetSamples;
    packets.push(packet);
    at += 2 + length;
  }
  return { packets, seconds: samples / 48_000 };
}

/**
 * Frames Opus packets for an `audio/opus` message.
 *
 * @example
 * ```ts
 * frameOpusPackets([new Uint8Array([0xf8])]); // Uint8Array [0, 1, 0xf8]
 * ```
 */
export function frameOpusPackets(packets: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(packets.reduce((sum, p) => sum + 2 + p.length, 0));
  let at = 0;
  for (const packet of packets) {
    out[at] = packet.length >> 8;
    out[at + 1] = packet.length & 0xff;
    out.set(packet, at + 2);
    at += 2 + packet.length;
  }
  return out;
}

/**
 * Duration of an Opus packet in samples at 48 kHz, read from its TOC byte and
 * frame count (RFC 6716 §3.1–3.2); 0 when the header is not valid Opus.
 *
 * @example
 * ```ts
 * opusPacketSamples(new Uint8Array([0xf8])); // 960 (one 20 ms CELT frame)
 * ```
 */
export function opusPacketSamples(packet: Uint8Array): number {
  if (packet.length === 0) return 0;
  const toc = packet[0];
  const code = toc & 3;
  let frames: number;
  if (code === 0) frames = 1;
  else if (code === 1 || code === 2) frames = 2;
  else {
    if (packet.length < 2) return 0;
    frames = packet[1] & 0x3f;
  }
  const samples = frames * FRAME_SAMPLES_48K[toc >> 3];
  return samples > MAX_PACKET_SAMPLES_48K ? 0 : samples;
}
