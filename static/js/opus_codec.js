/**
 * Opus on the wire with WebCodecs: the microphone's 16 kHz PCM is encoded in
 * 20 ms packets for upload, and the agent's Opus is decoded back to the 24 kHz
 * PCM the player takes. Packets travel framed: each after its length as
 * 2 bytes, big-endian (the server's `opus_framing.ts`).
 *
 * @module
 */
import { FirResampler } from "./fir_resampler.js";

/** Upload bitrate in bits per second; `?opus_bitrate=12000…64000` overrides it. */
const DEFAULT_BITRATE = 24000;
const MIC_RATE = 16000;
const PLAYER_RATE = 24000;
/** 20 ms, in the microseconds WebCodecs counts in. */
const FRAME_US = 20000;

/** @param {number} bitrate */
function encoderConfig(bitrate) {
  return {
    codec: "opus",
    sampleRate: MIC_RATE,
    numberOfChannels: 1,
    bitrate,
    opus: { frameDuration: FRAME_US, application: "voip", signal: "voice" },
  };
}
const DECODER_CONFIG = { codec: "opus", sampleRate: PLAYER_RATE, numberOfChannels: 1 };

/** What the page says when the browser cannot do Opus. */
export const NO_OPUS = "This browser cannot encode Opus (WebCodecs), so voice goes up as " +
  "raw PCM: it works, with about five times the data.";

/**
 * The codec this page asks for: "opus" when WebCodecs can encode and decode
 * it, unless the URL says `?codec=pcm`; "pcm" otherwise, calling `onFallback`
 * with `NO_OPUS` when that is for the browser's lack.
 *
 * @param {string} url the page's URL
 * @param {(reason: string) => void} [onFallback]
 * @returns {Promise<"opus" | "pcm">}
 */
export async function chooseCodec(url, onFallback = () => {}) {
  if (new URL(url).searchParams.get("codec") === "pcm") return "pcm";
  let supported = false;
  if (typeof AudioEncoder !== "undefined" && typeof AudioDecoder !== "undefined") {
    try {
      const [encoder, decoder] = await Promise.all([
        AudioEncoder.isConfigSupported(encoderConfig(bitrateFromUrl(url))),
        AudioDecoder.isConfigSupported(DECODER_CONFIG),
      ]);
      supported = Boolean(encoder.supported && decoder.supported);
    } catch {
      // As unsupported.
    }
  }
  if (!supported) onFallback(NO_OPUS);
  return supported ? "opus" : "pcm";
}

/**
 * The upload bitrate from `?opus_bitrate=`, else 24 kbit/s.
 * @param {string} url
 */
export function bitrateFromUrl(url) {
  const value = Number(new URL(url).searchParams.get("opus_bitrate"));
  return Number.isInteger(value) && value >= 12000 && value <= 64000 ? value : DEFAULT_BITRATE;
}

/**
 * The number of packets in framed bytes.
 * @param {Uint8Array} framed
 */
export function opusPacketCount(framed) {
  let count = 0;
  for (let at = 0; at + 2 <= framed.length; at += 2 + ((framed[at] << 8) | framed[at + 1])) {
    count++;
  }
  return count;
}

/**
 * Encodes microphone chunks; hands over the packets that came out together,
 * framed, so a burst of packets makes one upload.
 */
export class OpusMicrophoneEncoder {
  /** @type {AudioEncoder} */
  #encoder;
  /** @type {Uint8Array[]} */
  #pending = [];
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #timer;
  #timestamp = 0;
  #onPackets;

  /**
   * @param {(framed: Uint8Array, packets: number) => void} onPackets
   * @param {number} bitrate bits per second
   * @param {(error: unknown) => void} [onError] the encoder failed and closed: nothing more
   *   comes out, so the caller must send the microphone another way
   *
   * @example
   * ```js
   * const e = new OpusMicrophoneEncoder((framed) => upload(framed), 24000);
   * e.encode(new Uint8Array(1600)); // 50 ms of 16 kHz 16-bit PCM
   * ```
   */
  constructor(onPackets, bitrate, onError = () => {}) {
    this.#onPackets = onPackets;
    this.#encoder = new AudioEncoder({
      output: (chunk) => {
        const packet = new Uint8Array(2 + chunk.byteLength);
        packet[0] = chunk.byteLength >> 8;
        packet[1] = chunk.byteLength & 0xff;
        chunk.copyTo(packet.subarray(2));
        this.#pending.push(packet);
        this.#timer ??= setTimeout(() => this.#handOver(), 0);
      },
      error: onError,
    });
    this.#encoder.configure(encoderConfig(bitrate));
  }

  /** @param {Uint8Array} pcm 16 kHz 16-bit LE mono */
  encode(pcm) {
    if (this.#encoder.state !== "configured") return;
    const ints = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength >> 1);
    const floats = Float32Array.from(ints, (s) => s / 32768);
    this.#encoder.encode(
      new AudioData({
        format: "f32",
        sampleRate: MIC_RATE,
        numberOfChannels: 1,
        numberOfFrames: floats.length,
        timestamp: this.#timestamp,
        data: floats,
      }),
    );
    this.#timestamp += (floats.length / MIC_RATE) * 1e6;
  }

  /** Stops encoding; what is still inside is dropped. */
  close() {
    clearTimeout(this.#timer);
    if (this.#encoder.state !== "closed") this.#encoder.close();
  }

  #handOver() {
    this.#timer = undefined;
    const packets = this.#pending;
    this.#pending = [];
    const framed = new Uint8Array(packets.reduce((n, p) => n + p.byteLength, 0));
    packets.reduce((at, p) => (framed.set(p, at), at + p.byteLength), 0);
    this.#onPackets(framed, packets.length);
  }
}

/** Decodes the agent's framed Opus to 24 kHz 16-bit LE PCM for the player. */
export class OpusVoiceDecoder {
  /** @type {AudioDecoder | null} */
  #decoder = null;
  /** @type {FirResampler | null} */
  #resampler = null;
  #resamplerRate = 0;
  #timestamp = 0;
  #onPcm;
  #onError;

  /**
   * @param {(pcm: Uint8Array) => void} onPcm receives 24 kHz 16-bit LE PCM
   * @param {(error: unknown) => void} [onError] a packet did not decode (it is skipped)
   *
   * @example
   * ```js
   * const d = new OpusVoiceDecoder((pcm) => player.play(pcm));
   * d.decode(framedBytes);
   * ```
   */
  constructor(onPcm, onError = () => {}) {
    this.#onPcm = onPcm;
    this.#onError = onError;
  }

  /**
   * Queues framed packets for decoding; broken framing is skipped.
   * @param {Uint8Array} framed
   */
  decode(framed) {
    const decoder = this.#ensureDecoder();
    for (let at = 0; at + 2 <= framed.length;) {
      const length = (framed[at] << 8) | framed[at + 1];
      if (length === 0 || at + 2 + length > framed.length) return;
      decoder.decode(
        new EncodedAudioChunk({
          type: "key",
          timestamp: this.#timestamp,
          data: framed.subarray(at + 2, at + 2 + length),
        }),
      );
      this.#timestamp += FRAME_US;
      at += 2 + length;
    }
  }

  /** Drops what is still being decoded: the reply was cut. */
  reset() {
    if (this.#decoder?.state === "configured") this.#decoder.close();
    this.#decoder = null;
  }

  #ensureDecoder() {
    if (this.#decoder?.state === "configured") return this.#decoder;
    const decoder = new AudioDecoder({
      output: (data) => {
        if (decoder === this.#decoder) this.#onPcm(this.#toPlayerPcm(data));
        data.close();
      },
      // A corrupt packet closes the decoder; the next event makes a new one.
      error: (error) => {
        if (decoder === this.#decoder) this.#onError(error);
      },
    });
    decoder.configure(DECODER_CONFIG);
    this.#decoder = decoder;
    return decoder;
  }

  /** @param {AudioData} data */
  #toPlayerPcm(data) {
    let floats = new Float32Array(data.numberOfFrames);
    data.copyTo(floats, { planeIndex: 0, format: "f32-planar" });
    // Browsers may decode at 48 kHz whatever was asked.
    if (data.sampleRate !== PLAYER_RATE) {
      if (this.#resamplerRate !== data.sampleRate) {
        this.#resampler = new FirResampler(data.sampleRate, PLAYER_RATE);
        this.#resamplerRate = data.sampleRate;
      }
      floats = /** @type {FirResampler} */ (this.#resampler).process(floats);
    }
    const pcm = new Int16Array(floats.length);
    for (let i = 0; i < floats.length; i++) {
      pcm[i] = Math.max(-32768, Math.min(32767, Math.round(floats[i] * 32768)));
    }
    return new Uint8Array(pcm.buffer);
  }
}
