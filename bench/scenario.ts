import { nowMs } from "./chunk_stamp.ts";
import type { FakeUpstreamProcess } from "./fake_upstream_process.ts";
import { type LatencySummary, summarizeLatencies } from "./latency_summary.ts";
import { LoadRecorder } from "./load_recorder.ts";
import {
  cpuPercent,
  machineCpuPercent,
  type ProcessSample,
  sampleMachine,
  sampleProcess,
} from "./process_stats.ts";
import { type RelayOptions, startRelay } from "./relay_process.ts";
import { PERIOD_MS, VoiceSession } from "./voice_session.ts";

/** How long each phase of a scenario lasts. */
export interface ScenarioTiming {
  /** Traffic before measuring, ms. */
  warmupMs: number;
  /** The measuring window, ms. */
  windowMs: number;
  /** Wait for chunks in flight after stopping, ms. */
  drainMs: number;
}

/** Everything one (relay, N) run measured. */
export interface ScenarioResult {
  target: RelayOptions["kind"];
  /** How the sessions took the agent's voice. */
  codec: "pcm" | "opus";
  sessions: number;
  windowSec: number;
  coldStartMs: number;
  /** POST sent → fake upstream received. */
  up: LatencySummary;
  /** Fake upstream sent → SSE event parsed. */
  down: LatencySummary;
  postRtt: LatencySummary;
  /** How late the generator sent chunks after their real-time slot. */
  sendLag: LatencySummary;
  upSent: number;
  upLost: number;
  upReordered: number;
  downSent: number;
  downLost: number;
  downReordered: number;
  duplicates: number;
  crossTalk: number;
  postErrors: number;
  /**
   * Percent of one core, over the window; `others` is what the rest of the
   * machine used meanwhile (anything but a few % means a noisy neighbour).
   */
  cpu: {
    server: number;
    /** Of `server`, the kernel's part (see `ProcessSample.systemMs`). */
    serverSystem: number;
    generator: number;
    fakeUpstream: number;
    others: number;
  };
  /** Per session: the slope from half of the sessions open to all of them. */
  rssKiB: {
    idle: number;
    withHalfSessions: number;
    withIdleSessions: number;
    loaded: number;
    perIdleSession: number;
    perActiveSession: number;
  };
  /** Bytes per second of one conversation: HTTP (browser) and WebSocket (upstream). */
  wire: { browserSide: number; upstreamSide: number };
  /**
   * p99 ≤ 50 ms both ways, nothing lost, reordered or refused, and uploads
   * kept real time (send lag p99 ≤ 50 ms: a relay that answers POSTs slowly
   * delays the next chunk, which the upstream latency alone would not show).
   */
  pass: boolean;
}

/** p99 bound of a passing run, ms. */
const P99_LIMIT_MS = 50;

/**
 * Runs N voice sessions through a fresh relay process against the shared fake
 * upstream: open them all (idle), then stream both ways in real time with
 * phases spread over one period, measure a window, stop and drain.
 */
export async function runScenario(
  relay: RelayOptions,
  sessions: number,
  fake: FakeUpstreamProcess,
  timing: ScenarioTiming,
  codec: "pcm" | "opus" = "pcm",
): Promise<ScenarioResult> {
  await fake.control("reset");
  const server = await startRelay(relay);
  const recorder = new LoadRecorder();
  const clients = Array.from(
    { length: sessions },
    (_, i) => new VoiceSession(i, server.port, recorder, codec),
  );
  // Every process of the relay (two instances and nginx, say), summed.
  const sampleServer = () => sumSamples(server.pids.map(sampleProcess));
  try {
    await new Promise((r) => setTimeout(r, 200));
    const idle = sampleServer();
    // Memory per session is the slope over the second half: what a relay
    // loads or sets up once, with its first sessions (the service loads the
    // Gemini SDK then), is not a cost of each session.
    const half = Math.ceil(sessions / 2);
    const open = async (from: number, to: number) => {
      for (let i = from; i < to; i += 25) {
        await Promise.all(clients.slice(i, Math.min(i + 25, to)).map((c) => c.open(10_000)));
      }
      await waitFor(async () => (await fake.stats()).connections >= to);
      await new Promise((r) => setTimeout(r, 300));
      return sampleServer();
    };
    const withHalf = await open(0, half);
    const withIdle = await open(half, sessions);
    const perIdleSession = (withIdle.rssKiB - withHalf.rssKiB) / (sessions - half || 1);

    const startAt = nowMs() + 50;
    const stopAt = startAt + timing.warmupMs + timing.windowMs;
    const runs = clients.map((c, i) => c.run(startAt + i * PERIOD_MS / sessions, stopAt));
    await new Promise((r) => setTimeout(r, stopAt - timing.windowMs - nowMs()));
    const upstreamWireBefore = await fake.control("window");
    recorder.recording = true;
    const pids: Array<number | "self"> = ["self", fake.pid];
    const sampleAll = () => [sampleServer(), ...pids.map(sampleProcess)];
    const before = sampleAll();
    const machineBefore = sampleMachine();
    const wireBefore = sum(clients.map((c) => c.wireBytes));
    await new Promise((r) => setTimeout(r, stopAt - nowMs()));
    const after = sampleAll();
    const machine = machineCpuPercent(machineBefore, sampleMachine());
    const wireAfter = sum(clients.map((c) => c.wireBytes));
    recorder.recording = false;
    const upStats = await fake.stats();
    await Promise.all(runs);
    await fake.control("stop");
    await new Promise((r) => setTimeout(r, timing.drainMs));
    const final = await fake.stats();

    const seconds = (after[0].at - before[0].at) / 1000;
    const opus = codec === "opus";
    // Opus events carry no stamp: each is timed against the fake's schedule.
    const downLatencies = opus
      ? recorder.opusArrivals.map(({ session, index, at }) =>
        at - (upStats.streamStarts[session] + index * PERIOD_MS)
      )
      : recorder.downLatencies;
    const conversationSec = seconds * sessions;
    const result: ScenarioResult = {
      target: relay.kind,
      codec,
      sessions,
      windowSec: Math.round(seconds * 100) / 100,
      coldStartMs: server.coldStartMs,
      up: summarizeLatencies(upStats.upstream.latencies),
      down: summarizeLatencies(downLatencies),
      postRtt: summarizeLatencies(recorder.postRtts),
      sendLag: summarizeLatencies(recorder.sendLags),
      upSent: recorder.upSent,
      upLost: recorder.upSent - final.upstream.received,
      upReordered: final.upstream.reordered,
      downSent: final.downstreamSent,
      downLost: final.downstreamSent -
        (opus ? recorder.opusReceived : recorder.down.counts.received),
      downReordered: recorder.down.counts.reordered,
      duplicates: final.upstream.duplicates + recorder.down.counts.duplicates,
      crossTalk: recorder.crossTalk,
      postErrors: recorder.postErrors,
      cpu: {
        server: round(cpuPercent(before[0], after[0])),
        serverSystem: round(cpuPercent(before[0], after[0], "system")),
        generator: round(cpuPercent(before[1], after[1])),
        fakeUpstream: round(cpuPercent(before[2], after[2])),
        others: round(
          machine - [0, 1, 2].reduce(
            (sum, i) => sum + cpuPercent(before[i], after[i]),
            0,
          ),
        ),
      },
      rssKiB: {
        idle: idle.rssKiB,
        withHalfSessions: withHalf.rssKiB,
        withIdleSessions: withIdle.rssKiB,
        loaded: after[0].rssKiB,
        perIdleSession: round(perIdleSession),
        // Idle, plus what streaming added, shared out.
        perActiveSession: round(perIdleSession + (after[0].rssKiB - withIdle.rssKiB) / sessions),
      },
      wire: {
        browserSide: Math.round((wireAfter - wireBefore) / conversationSec),
        upstreamSide: Math.round(
          (upStats.wireBytes - upstreamWireBefore) / conversationSec,
        ),
      },
      pass: false,
    };
    result.pass = passes(result);
    return result;
  } finally {
    for (const c of clients) c.close();
    await server.stop();
  }
}

/** The capacity criterion: p99 within the limit both ways, nothing lost. */
export function passes(r: ScenarioResult): boolean {
  return r.up.p99 <= P99_LIMIT_MS && r.down.p99 <= P99_LIMIT_MS &&
    r.upLost === 0 && r.downLost === 0 && r.upReordered === 0 &&
    r.downReordered === 0 && r.duplicates === 0 && r.crossTalk === 0 &&
    r.postErrors === 0 && r.sendLag.p99 <= P99_LIMIT_MS;
}

async function waitFor(test: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    if (await test()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("Cannot start: the relay did not connect every session");
}

/** Processes' samples added up, as if one process. */
function sumSamples(samples: ProcessSample[]): ProcessSample {
  return {
    cpuMs: sum(samples.map((s) => s.cpuMs)),
    systemMs: sum(samples.map((s) => s.systemMs)),
    rssKiB: sum(samples.map((s) => s.rssKiB)),
    at: samples[0].at,
  };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
