/**
 * What Opus costs and saves per conversation, next to raw PCM: bytes per
 * second each way (as the browser and the server put them on the wire), the
 * server's CPU to decode the microphone and encode the agent's voice, and the
 * latency the encoder adds. Runs in-process on a speech-like signal, so the
 * figures do not depend on the machine's load as much as the relay's do.
 *
 * @module
 */
import { loadOpus, OpusCodec } from "../server/audio/opus_codec.ts";
import { encodeServerSentEvent } from "../server/sessions/server_sent_event.ts";
import { frameOpusPackets } from "../server/audio/opus_framing.ts";
import { microphonePackets } from "./microphone_opus.ts";

/** The comparison, per second of conversation in each direction. */
export interface OpusCost {
  upBytesPerSecond: { pcm: number; opus: number };
  downBytesPerSecond: { pcm: number; opus: number };
  /** Server CPU, percent of one core, per session speaking continuously. */
  serverCpuPercent: { decodeUp: number; encodeDown: number };
  /** What Opus adds before the agent's voice can leave the server. */
  addedLatencyMs: { frame: number; lookahead: number };
}

const SECONDS = 10;
const CHUNK_MS = 40;

/** A voiced, syllable-paced signal: harmonics of a gliding pitch under a 4 Hz envelope. */
function speechLike(rate: number, seconds: number): Uint8Array {
  const samples = new Int16Array(rate * seconds);
  let phase = 0;
  for (let i = 0; i < samples.length; i++) {
    const t = i / rate;
    const f0 = 150 + 50 * Math.sin(2 * Math.PI * 0.7 * t);
    phase += 2 * Math.PI * f0 / rate;
    let v = 0;
    for (let h = 1; h <= 12; h++) v += Math.sin(h * phase) / h;
    const syllable = Math.max(0, Math.sin(2 * Math.PI * 4 * t));
    samples[i] = Math.round(6000 * v * syllable);
  }
  return new Uint8Array(samples.buffer);
}

const encoder = new TextEncoder();
const postBody = (mimeType: string, data: string) =>
  encoder.encode(JSON.stringify({ mime_type: mimeType, data })).length;
const sseFrame = (mimeType: string, data: string, id: number) =>
  encodeServerSentEvent({ id, data: JSON.stringify({ mime_type: mimeType, data }) }).length;

/** Measures {@link OpusCost} on {@link SECONDS} seconds of speech-like audio. */
export async function measureOpusCost(): Promise<OpusCost> {
  await loadOpus();
  const mic = speechLike(16_000, SECONDS);
  const voice = speechLike(24_000, SECONDS);
  const micChunk = 16_000 * 2 * CHUNK_MS / 1000;
  const voiceChunk = 24_000 * 2 * CHUNK_MS / 1000;

  // The page's side: 20 ms packets of 16 kHz speech at 24 kbit/s, two per POST.
  const packets = microphonePackets(mic);
  const posts: Uint8Array[][] = [];
  for (let i = 0; i + 1 < packets.length; i += 2) posts.push([packets[i], packets[i + 1]]);

  let upPcm = 0;
  let upOpus = 0;
  for (let at = 0; at + micChunk <= mic.length; at += micChunk) {
    upPcm += postBody("audio/pcm", mic.subarray(at, at + micChunk).toBase64());
  }
  for (const packets of posts) {
    upOpus += postBody("audio/opus", frameOpusPackets(packets).toBase64());
  }

  const server = new OpusCodec();
  const decodeMs = fastest(() => {
    for (const packets of posts) server.decode(packets);
  });

  const voiceChunks: string[] = [];
  for (let at = 0; at + voiceChunk <= voice.length; at += voiceChunk) {
    voiceChunks.push(voice.subarray(at, at + voiceChunk).toBase64());
  }
  let downPcm = 0;
  let downOpus = 0;
  voiceChunks.forEach((chunk, i) => {
    downPcm += sseFrame("audio/pcm", chunk, i + 1);
  });
  const framed: string[] = [];
  const encodeMs = fastest(() => {
    framed.length = 0;
    server.reset();
    for (const chunk of voiceChunks) {
      const out = server.encode(chunk);
      if (out) framed.push(out);
    }
  });
  framed.forEach((data, i) => {
    downOpus += sseFrame("audio/opus", data, i + 1);
  });
  const lookahead = server.lookaheadSamples / 24;
  server.close();

  return {
    upBytesPerSecond: { pcm: upPcm / SECONDS, opus: upOpus / SECONDS },
    downBytesPerSecond: { pcm: downPcm / SECONDS, opus: downOpus / SECONDS },
    serverCpuPercent: {
      decodeUp: decodeMs / (SECONDS * 1000) * 100,
      encodeDown: encodeMs / (SECONDS * 1000) * 100,
    },
    addedLatencyMs: { frame: 20, lookahead },
  };
}

/** The fastest of three runs, in milliseconds: the least disturbed by the machine. */
function fastest(run: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    run();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** The comparison as a markdown table. */
export function opusCostTable(cost: OpusCost): string {
  const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
  const { upBytesPerSecond: up, downBytesPerSecond: down } = cost;
  return [
    "| Per conversation | PCM | Opus | PCM ÷ Opus |",
    "| --- | --: | --: | --: |",
    `| Up, bytes/s on the wire (POST bodies) | ${up.pcm.toFixed(0)} | ${up.opus.toFixed(0)} | ${
      ratio(up.pcm, up.opus)
    } |`,
    `| Down, bytes/s on the wire (SSE frames) | ${down.pcm.toFixed(0)} | ${
      down.opus.toFixed(0)
    } | ${ratio(down.pcm, down.opus)} |`,
    `| Server CPU per speaking session, % of a core | 0 | decode ${
      cost.serverCpuPercent.decodeUp.toFixed(2)
    } + encode ${cost.serverCpuPercent.encodeDown.toFixed(2)} | |`,
    `| Latency added down, ms | 0 | ${cost.addedLatencyMs.frame} (frame) + ${
      cost.addedLatencyMs.lookahead.toFixed(1)
    } (look-ahead) | |`,
  ].join("\n");
}

if (import.meta.main) console.log(opusCostTable(await measureOpusCost()));
