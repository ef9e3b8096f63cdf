/**
 * `deno task bench latency`: the voice latency our code adds, end to end, in
 * a real browser. Chromium (as the browser tests launch it) runs the page
 * with a fake microphone looping {@link burstWav}; the service runs as `deno
 * task start` runs it; the Live API is the tests' fake, in this process.
 *
 * - **Up**: a sound's onset at the page's microphone input (a probe worklet
 *   on the same source node, see `page_probe.ts`) → the first message with
 *   that onset reaching the fake Live API.
 * - **Down**: the fake sends a reply's first chunk → the player worklet
 *   reports it started playing (its render quantum, as its report reaches the
 *   main thread).
 * - **Stop**: the fake sends `interrupted` → the player's first silent quantum.
 *
 * Page and bench clocks are both epoch milliseconds from `performance`; their
 * offset is measured by round trips and removed.
 *
 * @module
 */
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../tests/browser.ts";
import { sine24k } from "../tests/browser_audio.ts";
import { startVoice } from "../tests/browser_page.ts";
import {
  type ClientMessage,
  type FakeLiveConnection,
  FakeLiveServer,
  fromBase64,
} from "../tests/fake_live_server.ts";
import { burstWav } from "./burst_wav.ts";
import { nowMs } from "./chunk_stamp.ts";
import { OnsetDetector } from "./onset_detector.ts";
import { PAGE_PROBE } from "./page_probe.ts";
import { cpuPercent, sampleProcess } from "./process_stats.ts";
import { startRelay } from "./relay_process.ts";

/** One setting of the page to measure. */
export interface LatencyConfig {
  codec: "pcm" | "opus";
  /** `?chunk_ms=`: the microphone chunk, one POST each. */
  chunkMs: number;
  /** `?play_buffer_ms=`: the player's jitter buffer. */
  playBufferMs: number;
  /** `?send_onset=1`: a turn's first sound goes without waiting for its chunk to fill. */
  sendOnset: boolean;
}

/** p50 and p95 of a set of samples, ms. */
export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
}

/** What one {@link LatencyConfig} measured. */
export interface LatencyRow {
  config: LatencyConfig;
  up: Percentiles;
  down: Percentiles;
  stop: Percentiles;
  /** Medians of each stage, ms (see {@link latencyTable} for what each holds). */
  stages: {
    capture: number;
    encodeAndQueue: number;
    uploadAndRelay: number;
    relayAndStream: number;
    decode: number;
    playback: number;
    stopRelayAndStream: number;
    stopFlush: number;
  };
  postsPerSecond: number;
  /** The service process's CPU over the whole run of this config, % of a core. */
  serverCpuPercent: number;
  underrunsPerMinute: number;
  /** The page's AudioContext: its rate and what it says its output adds. */
  context: { sampleRate: number; baseLatencyMs: number; outputLatencyMs: number };
}

/** How long each phase runs. */
export interface LatencyPlan {
  upSeconds: number;
  turns: number;
  stops: number;
}

/** The full plan and the quick one (a test checks that the scenario runs). */
export const LATENCY_PLANS: Record<"full" | "quick", LatencyPlan> = {
  full: { upSeconds: 15, turns: 25, stops: 15 },
  quick: { upSeconds: 3, turns: 3, stops: 2 },
};

const WARM_UP: LatencyPlan = { upSeconds: 2, turns: 2, stops: 1 };

/**
 * The settings the full run compares; the first two are the page's defaults
 * (Chromium gets Opus; PCM is the fallback and `?codec=pcm`). `sendOnset`
 * applies to PCM only: the page never cuts chunks short for Opus.
 */
export const LATENCY_CONFIGS: LatencyConfig[] = [
  { codec: "opus", chunkMs: 50, playBufferMs: 0, sendOnset: false },
  { codec: "pcm", chunkMs: 50, playBufferMs: 0, sendOnset: false },
  { codec: "pcm", chunkMs: 50, playBufferMs: 0, sendOnset: true },
  { codec: "pcm", chunkMs: 40, playBufferMs: 0, sendOnset: false },
  { codec: "pcm", chunkMs: 20, playBufferMs: 0, sendOnset: false },
  { codec: "opus", chunkMs: 40, playBufferMs: 0, sendOnset: false },
  { codec: "opus", chunkMs: 20, playBufferMs: 0, sendOnset: false },
  { codec: "pcm", chunkMs: 50, playBufferMs: 40, sendOnset: false },
  { codec: "pcm", chunkMs: 50, playBufferMs: 80, sendOnset: false },
  { codec: "opus", chunkMs: 50, playBufferMs: 80, sendOnset: false },
];

/** A reply's chunk: 40 ms of 24 kHz PCM, sent every 40 ms as a model streaming in real time. */
const CHUNK_MS = 40;
const CHUNKS_PER_TURN = 12;
/** Chunks of a reply that play before the fake interrupts it. */
const CHUNKS_BEFORE_STOP = 6;

interface PageLog {
  onsets: number[];
  chunks: number[];
  posts: number[];
  events: Array<{ at: number; kind: "audio" | "interrupted" }>;
  queued: number[];
  player: Array<{ at: number; type: string; playing?: boolean }>;
}

/** What the fake saw of a connection's audio: each message's arrival, and onsets. */
interface UpstreamLog {
  onsets: number[];
}

/** Runs every config in turn through one service and one browser. */
export async function measureVoiceLatency(
  configs: LatencyConfig[],
  plan: LatencyPlan,
  progress: (line: string) => void = () => {},
): Promise<LatencyRow[]> {
  const wavPath = await Deno.makeTempFile({ suffix: ".wav" });
  await Deno.writeFile(wavPath, burstWav(40));
  const upstream = new Map<FakeLiveConnection, UpstreamLog>();
  const fake = FakeLiveServer.start({
    apiKey: "bench-key",
    onSession: (connection) => {
      const log: UpstreamLog = { onsets: [] };
      upstream.set(connection, log);
      const detector = new OnsetDetector(16_000);
      const receive = connection.receive.bind(connection);
      connection.receive = (message: ClientMessage) => {
        const at = nowMs();
        const audio = message.realtimeInput?.audio;
        if (!audio) return receive(message);
        const pcm = fromBase64(audio.data);
        const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength >> 1);
        if (detector.push(samples).length > 0) log.onsets.push(at);
      };
    },
  });
  const service = await startRelay({ kind: "service", upstreamUrl: fake.url });
  const baseUrl = `http://127.0.0.1:${service.port}`;
  let browser: Browser | undefined;
  try {
    browser = await launchChromium(wavPath);
    // The first page warms up Chromium, the service (the SDK loads with the
    // first session) and JIT code on both sides: not measured.
    await measureConfig(browser, baseUrl, fake, upstream, service.pid, configs[0], WARM_UP);
    const rows: LatencyRow[] = [];
    for (const config of configs) {
      const row = await measureConfig(browser, baseUrl, fake, upstream, service.pid, config, plan);
      progress(
        `${config.codec} chunk ${config.chunkMs} ms, buffer ${config.playBufferMs} ms, ` +
          `onset at once ${config.sendOnset}: ` +
          `up p95 ${row.up.p95}, down p95 ${row.down.p95}, stop p95 ${row.stop.p95} ms`,
      );
      rows.push(row);
    }
    return rows;
  } finally {
    await browser?.close();
    await service.stop();
    await fake.close();
    await Deno.remove(wavPath);
  }
}

async function measureConfig(
  browser: Browser,
  baseUrl: string,
  fake: FakeLiveServer,
  upstream: Map<FakeLiveConnection, UpstreamLog>,
  servicePid: number,
  config: LatencyConfig,
  plan: LatencyPlan,
): Promise<LatencyRow> {
  const page = await browser.newPage();
  try {
    const query = `?codec=${config.codec}&chunk_ms=${config.chunkMs}` +
      `&play_buffer_ms=${config.playBufferMs}&send_onset=${config.sendOnset ? 1 : 0}`;
    // The probe worklet is a blob: module, which the page's policy would
    // refuse. Only the document is routed: the event stream and the POSTs go
    // to the service directly, unbuffered.
    await page.route(`${baseUrl}/${query}`, async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers["content-security-policy"];
      await route.fulfill({ response, headers });
    });
    await page.addInitScript({ content: PAGE_PROBE });
    await page.goto(`${baseUrl}/${query}`);
    const before = fake.connections.length;
    await startVoice(page, config.codec);
    await until(() => fake.connections.length > before);
    await new Promise((r) => setTimeout(r, 300));
    const connection = fake.connections.at(-1)!;
    const upLog = upstream.get(connection)!;
    const offset = await clockOffset(page);
    const cpuBefore = sampleProcess(servicePid);

    // Up: the microphone's bursts, for a while.
    await takeLog(page);
    upLog.onsets.length = 0;
    const upStart = nowMs();
    await new Promise((r) => setTimeout(r, plan.upSeconds * 1000));
    const upLogPage = shift(await takeLog(page), offset);
    const upSeconds = (nowMs() - upStart) / 1000;
    const fakeOnsets = [...upLog.onsets];
    if (Deno.env.get("LATENCY_DEBUG")) {
      console.error(
        `chunks ${upLogPage.chunks.length}, posts ${upLogPage.posts.length}, page onsets ` +
          `${upLogPage.onsets.length}, fake onsets ${fakeOnsets.length} in ${
            upSeconds.toFixed(1)
          } s`,
      );
    }

    // Down: replies streamed in real time, each after silence.
    const replyStarts: number[] = [];
    for (let turn = 0; turn < plan.turns; turn++) {
      replyStarts.push(await streamReply(connection, CHUNKS_PER_TURN));
      connection.turnComplete();
      await new Promise((r) => setTimeout(r, 400 + config.playBufferMs));
    }
    const downLog = shift(await takeLog(page), offset);

    // Stop: replies cut by `interrupted` while they play.
    const stops: number[] = [];
    for (let turn = 0; turn < plan.stops; turn++) {
      await streamReply(connection, CHUNKS_BEFORE_STOP);
      await new Promise((r) => setTimeout(r, CHUNK_MS));
      stops.push(nowMs());
      connection.interrupted();
      await new Promise((r) => setTimeout(r, 300));
    }
    const stopLog = shift(await takeLog(page), offset);
    const cpuAfter = sampleProcess(servicePid);
    const context = await page.evaluate<LatencyRow["context"]>(`(() => {
      const c = window.__latencyContext;
      return c ? { sampleRate: c.sampleRate, baseLatencyMs: c.baseLatency * 1000,
        outputLatencyMs: (c.outputLatency || 0) * 1000 } : { sampleRate: 0, baseLatencyMs: 0, outputLatencyMs: 0 };
    })()`);

    const up = upLatencies(upLogPage, fakeOnsets);
    const down = downLatencies(downLog, replyStarts);
    const stop = stopLatencies(stopLog, stops);
    return {
      config,
      up: percentiles(up.map((u) => u.total)),
      down: percentiles(down.map((d) => d.total)),
      stop: percentiles(stop.map((s) => s.total)),
      stages: {
        capture: median(up.map((u) => u.capture)),
        encodeAndQueue: median(up.map((u) => u.encode)),
        uploadAndRelay: median(up.map((u) => u.upload)),
        relayAndStream: median(down.map((d) => d.stream)),
        decode: median(down.map((d) => d.decode)),
        playback: median(down.map((d) => d.playback)),
        stopRelayAndStream: median(stop.map((s) => s.stream)),
        stopFlush: median(stop.map((s) => s.flush)),
      },
      postsPerSecond: round(upLogPage.posts.length / upSeconds),
      serverCpuPercent: round(cpuPercent(cpuBefore, cpuAfter), 2),
      underrunsPerMinute: round(
        underruns(downLog, replyStarts) / (plan.turns * CHUNKS_PER_TURN * CHUNK_MS / 60_000),
      ),
      context: {
        sampleRate: context.sampleRate,
        baseLatencyMs: round(context.baseLatencyMs),
        outputLatencyMs: round(context.outputLatencyMs),
      },
    };
  } finally {
    await page.close();
  }
}

/** Sends `chunks` chunks of a tone, one every {@link CHUNK_MS}; resolves with the first's send time. */
async function streamReply(connection: FakeLiveConnection, chunks: number): Promise<number> {
  const tone = sine24k(440, (chunks * CHUNK_MS) / 1000);
  const bytes = (24_000 * 2 * CHUNK_MS) / 1000;
  const start = nowMs();
  for (let k = 0; k < chunks; k++) {
    const wait = start + k * CHUNK_MS - nowMs();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    connection.audio(tone.subarray(k * bytes, (k + 1) * bytes));
  }
  return start;
}

/**
 * Each onset the page and the fake both saw: its stages, ms. The POST that
 * carried it is the last one started before it arrived, and its chunk the
 * last one the capture worklet posted before that POST (with `sendOnset`
 * the worklet, whose threshold is lower, may post it a little before the
 * probe's report: capture then reads about 0).
 */
function upLatencies(log: PageLog, fakeOnsets: number[]) {
  const out: Array<{ total: number; capture: number; encode: number; upload: number }> = [];
  for (const onset of log.onsets) {
    const arrived = fakeOnsets.find((t) => t >= onset && t - onset < 400);
    if (arrived === undefined) continue;
    const post = log.posts.findLast((t) => t <= arrived);
    const chunk = post === undefined ? undefined : log.chunks.findLast((t) => t <= post + 0.5);
    if (post === undefined || chunk === undefined) continue;
    out.push({
      total: arrived - onset,
      capture: Math.max(0, chunk - onset),
      encode: post - Math.max(chunk, onset),
      upload: arrived - post,
    });
  }
  return out;
}

/** Each reply: first chunk sent by the fake → first sample rendered, in stages, ms. */
function downLatencies(log: PageLog, starts: number[]) {
  const out: Array<{ total: number; stream: number; decode: number; playback: number }> = [];
  for (const start of starts) {
    const event = log.events.find((e) => e.kind === "audio" && e.at >= start);
    const queued = event && log.queued.find((t) => t >= event.at);
    const played = queued !== undefined
      ? log.player.find((p) => p.type === "stats" && p.playing && p.at >= queued)
      : undefined;
    if (!event || queued === undefined || !played) continue;
    out.push({
      total: played.at - start,
      stream: event.at - start,
      decode: queued - event.at,
      playback: played.at - queued,
    });
  }
  return out;
}

/** Each `interrupted`: sent → the player's first silent quantum, in stages, ms. */
function stopLatencies(log: PageLog, stops: number[]) {
  const out: Array<{ total: number; stream: number; flush: number }> = [];
  for (const stop of stops) {
    const event = log.events.find((e) => e.kind === "interrupted" && e.at >= stop);
    const silent = event && log.player.find((p) => p.type === "silent" && p.at >= event.at);
    if (!event || !silent) continue;
    out.push({ total: silent.at - stop, stream: event.at - stop, flush: silent.at - event.at });
  }
  return out;
}

/** Restarts of playback within a reply: each one followed a gap (an underrun). */
function underruns(log: PageLog, starts: number[]): number {
  const stats = log.player.filter((p) => p.type === "stats");
  let count = 0;
  starts.forEach((start, turn) => {
    const end = starts[turn + 1] ?? Infinity;
    const plays = stats.filter((p, i) =>
      p.playing && p.at >= start && p.at < end && !(stats[i - 1]?.playing ?? false)
    );
    count += Math.max(0, plays.length - 1);
  });
  return count;
}

/** Reads and empties the page's log. */
async function takeLog(page: Page): Promise<PageLog> {
  return JSON.parse(
    await page.evaluate<string>(`(() => {
      const log = window.__latency;
      const copy = JSON.stringify(log);
      for (const key of Object.keys(log)) log[key] = [];
      return copy;
    })()`),
  );
}

/** The page's times on this process's clock. */
function shift(log: PageLog, offset: number): PageLog {
  const at = (t: number) => t - offset;
  return {
    onsets: log.onsets.map(at),
    chunks: log.chunks.map(at),
    posts: log.posts.map(at),
    events: log.events.map((e) => ({ ...e, at: at(e.at) })),
    queued: log.queued.map(at),
    player: log.player.map((p) => ({ ...p, at: at(p.at) })),
  };
}

/** Page clock minus ours, from the round trip with the least time in flight. */
async function clockOffset(page: Page): Promise<number> {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < 15; i++) {
    const sent = nowMs();
    const theirs = await page.evaluate<number>("performance.timeOrigin + performance.now()");
    const back = nowMs();
    if (back - sent < best.rtt) best = { rtt: back - sent, offset: theirs - (sent + back) / 2 };
  }
  return best.offset;
}

async function until(test: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error("Timed out waiting for the voice session");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Nearest-rank p50 and p95. */
export function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) =>
    sorted.length ? round(sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]) : NaN;
  return { count: sorted.length, p50: rank(0.5), p95: rank(0.95) };
}

function median(samples: number[]): number {
  return percentiles(samples).p50;
}

function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
