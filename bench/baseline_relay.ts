/**
 * The bare pass-through the benchmark compares the service with: plain
 * `Deno.serve`, no framework, no validation, no authentication, one upstream
 * WebSocket per session, strings forwarded as they come. It speaks just
 * enough of both protocols for the load generator and the fake upstream.
 *
 * The upstream socket is `npm:ws` — the client the `@google/genai` SDK uses
 * under Deno, which sets TCP no-delay — so both relays ride the same
 * transport. `BASELINE_WS=deno` uses Deno's built-in `WebSocket` instead,
 * which leaves Nagle's algorithm on, to show what that costs.
 *
 * Env: `PORT`, `HOST`, `GOOGLE_GEMINI_BASE_URL`, `GOOGLE_API_KEY`,
 * `BASELINE_WS` (`ws` or `deno`).
 *
 * @module
 */
// The one dependency is pinned here, not in deno.json: only the bench uses it,
// and it is the version the SDK already locks.
// deno-lint-ignore no-import-prefix
import NodeWebSocket from "npm:ws@8.23.0";

/** The least an upstream connection must do. */
interface Upstream {
  send(text: string): void;
  close(): void;
}

const PATH = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent";
const SETUP = JSON.stringify({
  setup: {
    model: "models/bench",
    generationConfig: { responseModalities: ["AUDIO"] },
  },
});
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Opens an upstream connection that sends setup, queues strings until the
 * reply, and passes every later message's text to `onText`.
 */
export function openUpstream(
  url: string,
  kind: "ws" | "deno",
  onText: (text: string) => void,
  onClose: () => void,
): Upstream {
  const queue: string[] = [];
  let ready = false;
  let send: (text: string) => void;
  const onMessage = (text: string) => {
    if (ready) return onText(text);
    ready = true;
    for (const queued of queue.splice(0)) send(queued);
  };
  let close: () => void;
  if (kind === "ws") {
    const socket = new NodeWebSocket(url);
    send = (text) => socket.send(text);
    close = () => socket.close();
    socket.on("open", () => socket.send(SETUP));
    socket.on("message", (data: { toString(): string }) => onMessage(data.toString()));
    socket.on("close", onClose);
    socket.on("error", () => {});
  } else {
    const socket = new WebSocket(url);
    socket.binaryType = "arraybuffer";
    send = (text) => socket.send(text);
    close = () => socket.close();
    socket.onopen = () => socket.send(SETUP);
    socket.onmessage = (e) =>
      onMessage(typeof e.data === "string" ? e.data : decoder.decode(e.data));
    socket.onclose = onClose;
  }
  return {
    send: (text) => ready ? send(text) : void queue.push(text),
    close: () => close(),
  };
}

/** Turns an upstream message into SSE bytes: one event per audio part. */
function audioEvents(text: string): Uint8Array | undefined {
  const parts = JSON.parse(text).serverContent?.modelTurn?.parts ?? [];
  let frames = "";
  for (const part of parts) {
    const data = part.inlineData?.data;
    if (data) frames += `data: {"mime_type":"audio/pcm","data":"${data}"}\n\n`;
  }
  return frames ? encoder.encode(frames) : undefined;
}

/** Serves the bare relay until the process ends. */
function serveBaseline(env: Record<string, string | undefined>): void {
  const base = (env.GOOGLE_GEMINI_BASE_URL ?? "").replace(/^http/, "ws");
  const url = `${base}/${PATH}?key=${env.GOOGLE_API_KEY}`;
  const kind = env.BASELINE_WS === "deno" ? "deno" : "ws";
  const sessions = new Map<string, Upstream>();
  Deno.serve({
    hostname: env.HOST ?? "127.0.0.1",
    port: Number(env.PORT ?? 0),
    onListen: ({ hostname, port }) => console.log(`Listening on http://${hostname}:${port}`),
  }, async (request) => {
    const path = request.url.slice(request.url.indexOf("/", 8));
    if (request.method === "POST" && path.startsWith("/send/")) {
      const upstream = sessions.get(path.slice(6));
      if (!upstream) return new Response("{}", { status: 404 });
      const { data } = JSON.parse(await request.text());
      upstream.send(
        `{"realtimeInput":{"audio":{"mimeType":"audio/pcm;rate=16000","data":"${data}"}}}`,
      );
      return new Response('{"status":"sent"}', {
        headers: { "content-type": "application/json" },
      });
    }
    if (path.startsWith("/events/")) {
      const id = path.slice(8, path.indexOf("?") >>> 0);
      let upstream: Upstream;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          const token = crypto.randomUUID();
          controller.enqueue(encoder.encode(
            `event: session\ndata: {"session_id":"${id}","token":"${token}"}\n\n`,
          ));
          upstream = openUpstream(url, kind, (text) => {
            const bytes = audioEvents(text);
            if (bytes) controller.enqueue(bytes);
          }, () => sessions.delete(id));
          sessions.set(id, upstream);
        },
        cancel() {
          sessions.delete(id);
          upstream.close();
        },
      });
      return new Response(body, {
        headers: { "content-type": "text/event-stream" },
      });
    }
    return new Response("ok");
  });
}

if (import.meta.main) {
  // Exit cleanly on SIGTERM, so `--cpu-prof` writes its profile.
  Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
  serveBaseline(Deno.env.toObject());
}
