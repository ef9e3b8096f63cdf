/**
 * A lean fake Gemini Live API for the benchmark, run as its own process so
 * its CPU is neither the relay's nor the load generator's.
 *
 * Any WebSocket path is accepted. The first message (`setup`) is answered with
 * `setupComplete`; each later `realtimeInput` has its stamp read (not the
 * whole JSON) and its latency recorded. From a connection's first audio on,
 * it streams 40 ms of 24 kHz PCM every 40 ms, stamped with its send time,
 * connection number and sequence number, JSON in binary frames as Google
 * sends. `GET /stats` reports; `POST /control/{reset,window,stop}` steers.
 *
 * Usage: `deno run --allow-net bench/fake_upstream.ts` prints `{"port":…}`.
 *
 * @module
 */
import { findStamp, nowMs, stampBase64 } from "./chunk_stamp.ts";
import { SequenceTracker } from "./sequence_tracker.ts";
import { StampedTemplate } from "./stamped_template.ts";

/** What `GET /stats` answers. */
export interface FakeUpstreamStats {
  /** Connections whose setup completed since the last reset. */
  connections: number;
  /** Upstream chunks: counts since reset, latencies (ms) since `window`. */
  upstream: SequenceTrackerCounts & { latencies: number[] };
  /** Downstream chunks sent since reset. */
  downstreamSent: number;
  /** Worst lateness of the fake's own sends since `window`, ms. */
  maxSendLagMs: number;
  /** WebSocket bytes both ways since reset, frame headers included. */
  wireBytes: number;
  /**
   * When each stream's chunk 0 was due, by the session number of the upload
   * that started it: chunk k is due 40·k ms later. Sessions that take the
   * agent's voice as Opus lose the stamp in the encoding, so the generator
   * times their events against this schedule.
   */
  streamStarts: Record<number, number>;
}

type SequenceTrackerCounts = SequenceTracker["counts"];

/** Downstream chunk: 40 ms of 24 kHz 16-bit mono PCM. */
const DOWN_BYTES = 1920;
const PERIOD_MS = 40;
/** No stream outlives this many chunks (one hour), whatever happens. */
const MAX_CHUNKS = 90_000;

const template = new StampedTemplate(
  (data) =>
    JSON.stringify({
      serverContent: {
        modelTurn: {
          parts: [{ inlineData: { mimeType: "audio/pcm;rate=24000", data } }],
        },
      },
    }),
  DOWN_BYTES,
);
const setupComplete = new TextEncoder().encode('{"setupComplete":{}}');
const decoder = new TextDecoder();

/** Changes on reset: connections from before count no more. */
let epoch = 0;
/** Changes on reset and stop: streams from before send no more. */
let streamEpoch = 0;
let tracker = new SequenceTracker();
let latencies: number[] = [];
let connections = 0;
let downstreamSent = 0;
let maxSendLagMs = 0;
let wireBytes = 0;
let streamStarts: Record<number, number> = {};
/** Header bytes of a frame of 126 to 65535 bytes: server, client (masked). */
const SERVER_FRAME = 4;
const CLIENT_FRAME = 8;
let nextConnection = 0;
const sockets = new Set<WebSocket>();
const timers = new Set<ReturnType<typeof setTimeout>>();

function stream(socket: WebSocket, connection: number, start: number): void {
  const myEpoch = streamEpoch;
  let seq = 0;
  const tick = () => {
    timers.delete(timer);
    if (myEpoch !== streamEpoch || socket.readyState !== WebSocket.OPEN) return;
    const now = nowMs();
    maxSendLagMs = Math.max(maxSendLagMs, now - (start + seq * PERIOD_MS));
    socket.send(template.fill(stampBase64({ session: connection, seq, sentAt: now })));
    downstreamSent++;
    wireBytes += template.length + SERVER_FRAME;
    if (++seq >= MAX_CHUNKS) return;
    timer = setTimeout(tick, Math.max(0, start + seq * PERIOD_MS - nowMs()));
    timers.add(timer);
  };
  let timer = setTimeout(tick, 0);
  timers.add(timer);
}

function accept(request: Request): Response {
  const { socket, response } = Deno.upgradeWebSocket(request);
  socket.binaryType = "arraybuffer";
  sockets.add(socket);
  const connection = nextConnection++;
  const myEpoch = epoch;
  let setUp = false;
  let streaming = false;
  socket.onclose = () => sockets.delete(socket);
  socket.onmessage = (event) => {
    const text = typeof event.data === "string" ? event.data : decoder.decode(event.data);
    if (!setUp) {
      setUp = true;
      if (myEpoch === epoch) connections++;
      socket.send(setupComplete);
      return;
    }
    const now = nowMs();
    wireBytes += text.length + CLIENT_FRAME;
    const stamp = findStamp(text);
    if (!stamp || myEpoch !== epoch) return;
    tracker.add(stamp.session, stamp.seq);
    latencies.push(now - stamp.sentAt);
    if (!streaming) {
      streaming = true;
      streamStarts[stamp.session] = now;
      stream(socket, connection, now);
    }
  };
  return response;
}

function stopStreams(): void {
  streamEpoch++;
  for (const timer of timers) clearTimeout(timer);
  timers.clear();
}

function control(op: string): Response {
  if (op === "reset") {
    epoch++;
    stopStreams();
    for (const socket of sockets) socket.close(1000, "bench reset");
    tracker = new SequenceTracker();
    latencies = [];
    streamStarts = {};
    connections =
      downstreamSent =
      maxSendLagMs =
      wireBytes =
        0;
  } else if (op === "window") {
    latencies = [];
    maxSendLagMs = 0;
  } else if (op === "stop") {
    // Counting goes on, so chunks still in flight arrive as received.
    stopStreams();
  } else {
    return new Response("unknown op", { status: 404 });
  }
  return Response.json({ wireBytes });
}

function stats(): FakeUpstreamStats {
  return {
    connections,
    upstream: { ...tracker.counts, latencies },
    downstreamSent,
    maxSendLagMs,
    wireBytes,
    streamStarts,
  };
}

if (import.meta.main) {
  const server = Deno.serve(
    {
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) => console.log(JSON.stringify({ port })),
    },
    (request) => {
      if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
        return accept(request);
      }
      const { pathname } = new URL(request.url);
      if (pathname === "/stats") return Response.json(stats());
      if (pathname.startsWith("/control/") && request.method === "POST") {
        return control(pathname.slice(9));
      }
      return new Response("not found", { status: 404 });
    },
  );
  // A benchmark never needs an hour; never outlive a crashed parent.
  setTimeout(() => server.shutdown().then(() => Deno.exit(0)), 3_600_000);
}
