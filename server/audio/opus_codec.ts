/**
 * One session's Opus state: a decoder for the microphone (any Opus packets
 * in, 16 kHz PCM out) and an encoder for the agent's 24 kHz voice, both
 * libopus compiled to WebAssembly (`@evan/opus`).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { frameOpusPackets } from "./opus_framing.ts";

/** What we use of a libopus encoder or decoder handle. */
interface OpusHandle {
  /** Sets (with `value`) or reads an `OPUS_*_CTL` request. */
  ctl(request: number, value?: number): number;
  /** Frees the handle's WebAssembly memory. */
  drop(): void;
}
interface WasmEncoder extends OpusHandle {
  /** 16-bit LE PCM of one frame in, one packet out. */
  encode(pcm: Uint8Array): Uint8Array;
}
interface WasmDecoder extends OpusHandle {
  /** One packet in, 16-bit LE PCM out. */
  decode(packet: Uint8Array): Uint8Array;
}
interface Libopus {
  Encoder: new (options: { channels: 1; sample_rate: number; application: string }) => WasmEncoder;
  Decoder: new (options: { channels: 1; sample_rate: number }) => WasmDecoder;
}

let libopus: Libopus | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads libopus (WebAssembly) once. Compiling it takes a noticeable part of a
 * start-up, so it happens when the first session asks for Opus, not before;
 * await it before an {@link OpusCodec} encodes or decodes.
 */
export function loadOpus(): Promise<void> {
  // The WebAssembly build, named directly: the package's entry point prefers a
  // native addon where the process may load one, and we want one code path.
  loading ??= import("@evan/opus/wasm/index.mjs").then((module) => {
    libopus = module as unknown as Libopus;
  });
  return loading;
}

function opus(): Libopus {
  if (!libopus) throw new Error("libopus is not loaded yet: await loadOpus() first");
  return libopus;
}

/** libopus requests (opus_defines.h). */
const OPUS_SET_BITRATE = 4002;
const OPUS_SET_SIGNAL = 4024;
const OPUS_SIGNAL_VOICE = 3001;
const OPUS_RESET_STATE = 4028;
const OPUS_GET_LOOKAHEAD = 4027;
const OPUS_SET_COMPLEXITY = 4010;

/**
 * The agent's voice is encoded CELT-only (`restricted_lowdelay`) at complexity
 * 5: about a quarter of the CPU of `voip` at the default 10, 2.5 ms of
 * look-ahead instead of 6.5, and an envelope as close to the PCM path's (see
 * bench/README.md, "Opus").
 */
const ENCODER_APPLICATION = "restricted_lowdelay";
const ENCODER_COMPLEXITY = 5;

/** Rate of what the microphone's packets decode to: what Gemini takes. */
const OPUS_INPUT_RATE = 16_000;
/** Rate of the agent's voice, encoded as it comes. */
const OPUS_OUTPUT_RATE = 24_000;
/** Samples of one 20 ms frame of the agent's voice. */
const FRAME_SAMPLES = OPUS_OUTPUT_RATE / 50;
const FRAME_BYTES = FRAME_SAMPLES * 2;

/** Options of {@link OpusCodec}. */
export interface OpusCodecOptions {
  /** Bitrate of the agent's voice in bits per second (default 24000). */
  bitrate?: number;
}

/**
 * Decodes a session's microphone packets and encodes the agent's voice in
 * 20 ms frames, keeping the part of a chunk that does not fill a frame for
 * the next one. Each side is created on first use; {@link close} frees both.
 *
 * @example
 * ```ts
 * const codec = new OpusCodec();
 * const framed = codec.encode(base64Pcm24k); // base64 of framed packets, or null
 * codec.close();
 * ```
 */
export class OpusCodec {
  #encoder: WasmEncoder | null = null;
  #decoder: WasmDecoder | null = null;
  /** Agent PCM that does not fill a frame yet. */
  #pending = new Uint8Array(FRAME_BYTES);
  #pendingBytes = 0;
  readonly #bitrate: number;

  constructor(options: OpusCodecOptions = {}) {
    this.#bitrate = options.bitrate ?? 24_000;
  }

  /** Samples (at 24 kHz) the encoder holds back before a frame comes out. */
  get lookaheadSamples(): number {
    return this.#encoderHandle().ctl(OPUS_GET_LOOKAHEAD);
  }

  /**
   * Decodes packets to 16 kHz 16-bit LE mono PCM.
   *
   * @throws {RangeError} when libopus refuses a packet (the decoder stays usable).
   */
  decode(packets: readonly Uint8Array[]): Uint8Array {
    this.#decoder ??= new (opus().Decoder)({ channels: 1, sample_rate: OPUS_INPUT_RATE });
    const decoded = packets.map((packet, index) => {
      try {
        return this.#decoder!.decode(packet);
      } catch (error) {
        throw new RangeError(
          `Cannot decode Opus: packet ${index + 1} was refused (${(error as Error).message})`,
        );
      }
    });
    return Buffer.concat(decoded);
  }

  /**
   * Encodes base64 24 kHz 16-bit LE mono PCM into as many whole 20 ms frames
   * as it fills, with what was left over from before.
   *
   * @returns base64 of the framed packets, or null when no frame was filled.
   */
  encode(pcmBase64: string): string | null {
    const pcm = Buffer.from(pcmBase64, "base64");
    const packets: Uint8Array[] = [];
    let at = 0;
    if (this.#pendingBytes > 0) {
      at = Math.min(FRAME_BYTES - this.#pendingBytes, pcm.length);
      this.#pending.set(pcm.subarray(0, at), this.#pendingBytes);
      this.#pendingBytes += at;
      if (this.#pendingBytes < FRAME_BYTES) return null;
      packets.push(this.#encodeFrame(this.#pending));
      this.#pendingBytes = 0;
    }
    for (; at + FRAME_BYTES <= pcm.length; at += FRAME_BYTES) {
      packets.push(this.#encodeFrame(pcm.subarray(at, at + FRAME_BYTES)));
    }
    // An odd trailing byte is dropped, as a PCM player would drop it.
    const rest = (pcm.length - at) & ~1;
    this.#pending.set(pcm.subarray(at, at + rest));
    this.#pendingBytes = rest;
    return packets.length > 0 ? framedBase64(packets) : null;
  }

  /**
   * Encodes what is left over, padded with silence to a frame: the end of a
   * turn. Returns null when nothing was left.
   */
  flush(): string | null {
    if (this.#pendingBytes === 0) return null;
    this.#pending.fill(0, this.#pendingBytes);
    this.#pendingBytes = 0;
    return framedBase64([this.#encodeFrame(this.#pending)]);
  }

  /** Forgets what is left over and the encoder's history: the reply was cut. */
  reset(): void {
    this.#pendingBytes = 0;
    this.#encoder?.ctl(OPUS_RESET_STATE, 0);
  }

  /** Frees the encoder and decoder; a later call creates them again. */
  close(): void {
    this.#encoder?.drop();
    this.#decoder?.drop();
    this.#encoder = this.#decoder = null;
    this.#pendingBytes = 0;
  }

  #encodeFrame(frame: Uint8Array): Uint8Array {
    return this.#encoderHandle().encode(frame);
  }

  #encoderHandle(): WasmEncoder {
    if (this.#encoder) return this.#encoder;
    const encoder = new (opus().Encoder)({
      channels: 1,
      sample_rate: OPUS_OUTPUT_RATE,
      application: ENCODER_APPLICATION,
    });
    encoder.ctl(OPUS_SET_BITRATE, this.#bitrate);
    encoder.ctl(OPUS_SET_COMPLEXITY, ENCODER_COMPLEXITY);
    encoder.ctl(OPUS_SET_SIGNAL, OPUS_SIGNAL_VOICE);
    this.#encoder = encoder;
    return encoder;
  }
}

function framedBase64(packets: readonly Uint8Array[]): string {
  const framed = frameOpusPackets(packets);
  return Buffer.from(framed.buffer, framed.byteOffset, framed.byteLength).toString("base64");
}
