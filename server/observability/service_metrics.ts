import type { MiddlewareHandler } from "hono";
import type * as Prometheus from "prom-client";
// The four classes used here, without the package's index: it also loads the
// Pushgateway (node:http, node:https), cluster aggregation (node:cluster,
// node:worker_threads), Summary and the default metrics, which took half of
// its ~100 ms import, paid by every start before the page is served.
import CounterClass from "prom-client/lib/counter.js";
import GaugeClass from "prom-client/lib/gauge.js";
import HistogramClass from "prom-client/lib/histogram.js";
import RegistryClass from "prom-client/lib/registry.js";
import type { LiveObserver } from "../../agent/live_observer.ts";

const Counter = CounterClass as typeof Prometheus.Counter;
type Counter<T extends string = string> = Prometheus.Counter<T>;
const Gauge = GaugeClass as typeof Prometheus.Gauge;
const Histogram = HistogramClass as typeof Prometheus.Histogram;
type Histogram<T extends string = string> = Prometheus.Histogram<T>;
const Registry = RegistryClass as typeof Prometheus.Registry;

/** Why a session ended, as counted in `sessions_ended_total`. */
export type EndReason =
  | "disconnected"
  | "idle"
  | "max_duration"
  | "token_budget"
  | "shutdown";

type HttpLabel = "method" | "status" | "ok" | "route";

/**
 * The methods `http_*` series may be labelled with; routes are the app's own
 * (see `labelRoutesOf`). Anything else counts as `other`, so no request (a
 * made-up method, a path of its own) can add a series that lives as long as
 * the process.
 */
const HTTP_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]);
/** Prices for the cost estimate, in US dollars per million tokens. */
export interface TokenPrices {
  inputPerMillion: number;
  outputPerMillion: number;
}

/** What sessions report as they run; {@link ServiceMetrics} implements it. */
export interface SessionMetrics {
  sessionStarted(mode: "text" | "audio"): void;
  sessionEnded(reason: EndReason): void;
  /** Bytes written to event streams. */
  sseBytes(bytes: number): void;
  /** Bytes of POST bodies received. */
  postBytes(bytes: number): void;
  audioSeconds(direction: "in" | "out", seconds: number): void;
  tokens(input: number, output: number): void;
  /** Seconds from the first input of a turn (text or audio) to the agent's first output. */
  firstOutput(input: "text" | "audio", seconds: number): void;
  /** Seconds the relay took to pass one message on, up or down. */
  relayTime(direction: "up" | "down", seconds: number): void;
}

/**
 * The service's Prometheus metrics on a registry of its own (no hidden
 * global): sessions, upstream connections, bytes, audio, tokens and
 * estimated cost, latencies, and Hono's HTTP metrics.
 *
 * @example
 * ```ts
 * const metrics = new ServiceMetrics({ inputPerMillion: 3, outputPerMillion: 12 });
 * metrics.countActiveSessions(() => ({ text: 0, audio: 1 }));
 * metrics.sessionStarted("text");
 * await metrics.registry.metrics();
 * ```
 */
export class ServiceMetrics implements SessionMetrics, LiveObserver {
  /** Everything below, for `GET /metrics`. */
  readonly registry = new Registry();
  /** Hono middleware recording `http_request_duration_seconds` and `http_requests_total`. */
  readonly httpMetrics: MiddlewareHandler;
  readonly #prices: TokenPrices;
  #routes: () => ReadonlySet<string> = () => new Set();
  readonly #started: Counter<"mode">;
  readonly #ended: Counter<"reason">;
  readonly #connects: Counter<"kind">;
  readonly #failures: Counter<"cause">;
  readonly #sseBytes: Counter;
  readonly #postBytes: Counter;
  readonly #audio: Counter<"direction">;
  readonly #tokens: Counter<"direction">;
  readonly #cost: Counter;
  readonly #firstOutput: Histogram<"input">;
  readonly #relay: Histogram<"direction">;
  readonly #httpDuration: Histogram<HttpLabel>;
  readonly #httpTotal: Counter<HttpLabel>;

  #activeSessions: () => Record<"text" | "audio", number> = () => ({ text: 0, audio: 0 });

  constructor(prices: TokenPrices) {
    this.#prices = prices;
    const registers = [this.registry];
    const active = () => this.#activeSessions();
    new Gauge({
      name: "live_sessions_active",
      help: "Sessions open now, by response mode",
      labelNames: ["mode"],
      registers,
      collect() {
        for (const [mode, count] of Object.entries(active())) this.set({ mode }, count);
      },
    });
    this.#started = new Counter({
      name: "live_sessions_started_total",
      help: "Sessions opened, by response mode",
      labelNames: ["mode"],
      registers,
    });
    this.#ended = new Counter({
      name: "live_sessions_ended_total",
      help: "Sessions ended, by reason",
      labelNames: ["reason"],
      registers,
    });
    this.#connects = new Counter({
      name: "live_upstream_connects_total",
      help: "Gemini Live connections set up: new conversations and resumptions",
      labelNames: ["kind"],
      registers,
    });
    this.#failures = new Counter({
      name: "live_upstream_failures_total",
      help: "Gemini Live connections that failed or broke, by cause",
      labelNames: ["cause"],
      registers,
    });
    this.#sseBytes = new Counter({
      name: "live_sse_bytes_total",
      help: "Bytes written to browsers' event streams",
      registers,
    });
    this.#postBytes = new Counter({
      name: "live_post_bytes_total",
      help: "Bytes of POST bodies received from browsers",
      registers,
    });
    this.#audio = new Counter({
      name: "live_audio_seconds_total",
      help: "Seconds of audio relayed: in from microphones, out from the agent",
      labelNames: ["direction"],
      registers,
    });
    this.#tokens = new Counter({
      name: "live_tokens_total",
      help: "Tokens reported by Gemini: in (prompt) and out (response)",
      labelNames: ["direction"],
      registers,
    });
    this.#cost = new Counter({
      name: "live_estimated_cost_usd_total",
      help: "Estimated Gemini cost from tokens and the configured prices",
      registers,
    });
    this.#firstOutput = new Histogram({
      name: "live_first_output_seconds",
      help: "Time from the first input after the agent's last turn (a text, or the first " +
        "audio chunk) to the agent's first output",
      labelNames: ["input"],
      buckets: [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10],
      registers,
    });
    this.#relay = new Histogram({
      name: "live_relay_seconds",
      help: "Time the relay took to pass one message on",
      labelNames: ["direction"],
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
      registers,
    });
    // The series and labels of @hono/prometheus's standard metrics, which
    // would load the whole of prom-client (see the imports).
    const httpLabels: HttpLabel[] = ["method", "status", "ok", "route"];
    this.#httpDuration = new Histogram({
      name: "http_request_duration_seconds",
      help: "Duration of HTTP requests in seconds",
      labelNames: httpLabels,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
      registers,
    });
    this.#httpTotal = new Counter({
      name: "http_requests_total",
      help: "Total number of HTTP requests",
      labelNames: httpLabels,
      registers,
    });
    this.httpMetrics = async (c, next) => {
      const started = performance.now();
      try {
        await next();
      } finally {
        this.httpRequest(
          c.req.method,
          c.req.routePath,
          c.res.status,
          (performance.now() - started) / 1000,
        );
      }
    };
  }

  /**
   * Records a request in `http_requests_total` and
   * `http_request_duration_seconds`: {@link httpMetrics} calls it for the
   * middleware chain, the `/send` fast lane for its own requests. A method
   * or route outside the known ones is labelled `other`, and a status outside
   * 100–599 `0`.
   */
  httpRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = {
      method: HTTP_METHODS.has(method) ? method : "other",
      route: this.#routes().has(route) ? route : "other",
      status: Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : "0",
      ok: String(status >= 200 && status < 300),
    };
    this.#httpDuration.observe(labels, seconds);
    this.#httpTotal.inc(labels);
  }

  /**
   * Takes the `route` label's values from the app's own routes (handlers,
   * not middleware), read once at the first request, so a route added to the
   * app is labelled without a second list to keep in step.
   */
  labelRoutesOf(routes: () => readonly { method: string; path: string }[]): void {
    let known: ReadonlySet<string> | undefined;
    this.#routes = () =>
      known ??= new Set(routes().filter((r) => r.method !== "ALL").map((r) => r.path));
  }

  /** Where the active-sessions gauge reads its values at each scrape. */
  countActiveSessions(count: () => Record<"text" | "audio", number>): void {
    this.#activeSessions = count;
  }

  sessionStarted(mode: "text" | "audio"): void {
    this.#started.inc({ mode });
  }

  sessionEnded(reason: EndReason): void {
    this.#ended.inc({ reason });
  }

  connected(kind: "new" | "resumed"): void {
    this.#connects.inc({ kind });
  }

  failed(cause: "refused" | "dropped" | "unreachable"): void {
    this.#failures.inc({ cause });
  }

  sseBytes(bytes: number): void {
    this.#sseBytes.inc(bytes);
  }

  postBytes(bytes: number): void {
    this.#postBytes.inc(bytes);
  }

  audioSeconds(direction: "in" | "out", seconds: number): void {
    this.#audio.inc({ direction }, seconds);
  }

  tokens(input: number, output: number): void {
    this.#tokens.inc({ direction: "in" }, input);
    this.#tokens.inc({ direction: "out" }, output);
    this.#cost.inc(
      (input * this.#prices.inputPerMillion + output * this.#prices.outputPerMillion) / 1e6,
    );
  }

  firstOutput(input: "text" | "audio", seconds: number): void {
    this.#firstOutput.observe({ input }, seconds);
  }

  relayTime(direction: "up" | "down", seconds: number): void {
    this.#relay.observe({ direction }, seconds);
  }
}
