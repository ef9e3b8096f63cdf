import type * as Prometheus from "prom-client";
// As in service_metrics.ts: the classes alone, not the package's index.
import CounterClass from "prom-client/lib/counter.js";
import HistogramClass from "prom-client/lib/histogram.js";

const Counter = CounterClass as typeof Prometheus.Counter;
const Histogram = HistogramClass as typeof Prometheus.Histogram;

/** What the history writer reports; {@link PrometheusHistoryMetrics} implements it. */
export interface HistoryMetrics {
  /** A write of `turns` turns succeeded in `seconds`. */
  written(turns: number, seconds: number): void;
  /** A write failed (it is retried). */
  failed(): void;
  /** Turns given up on: the queue was full while the database failed. */
  dropped(turns: number): void;
}

/**
 * The history metrics on the service's registry: `history_writes_total`
 * (by `result`), `history_turns_written_total`, `history_turns_dropped_total`
 * and `history_write_seconds`.
 *
 * @example
 * ```ts
 * import Registry from "prom-client/lib/registry.js";
 * const metrics = new PrometheusHistoryMetrics(new Registry());
 * metrics.written(2, 0.0004);
 * ```
 */
export class PrometheusHistoryMetrics implements HistoryMetrics {
  readonly #writes: Prometheus.Counter<"result">;
  readonly #turns: Prometheus.Counter;
  readonly #dropped: Prometheus.Counter;
  readonly #seconds: Prometheus.Histogram;

  constructor(registry: Prometheus.Registry) {
    const registers = [registry];
    this.#writes = new Counter({
      name: "history_writes_total",
      help: "Writes of conversation turns to the history database, by result (failed ones are " +
        "retried)",
      labelNames: ["result"],
      registers,
    });
    this.#turns = new Counter({
      name: "history_turns_written_total",
      help: "Conversation turns stored",
      registers,
    });
    this.#dropped = new Counter({
      name: "history_turns_dropped_total",
      help: "Conversation turns given up on while the history database failed",
      registers,
    });
    this.#seconds = new Histogram({
      name: "history_write_seconds",
      help: "Time one write to the history database took",
      buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
      registers,
    });
  }

  written(turns: number, seconds: number): void {
    this.#writes.inc({ result: "ok" });
    this.#turns.inc(turns);
    this.#seconds.observe(seconds);
  }

  failed(): void {
    this.#writes.inc({ result: "failed" });
  }

  dropped(turns: number): void {
    this.#dropped.inc(turns);
  }
}
