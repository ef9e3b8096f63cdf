/** Percentiles of a set of latencies, in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * Summarizes latency samples (nearest-rank percentiles); all zero when empty.
 *
 * @example
 * ```ts
 * summarizeLatencies([3, 1, 2]); // { count: 3, p50: 2, p99: 3, max: 3 }
 * ```
 */
export function summarizeLatencies(samples: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  if (n === 0) return { count: 0, p50: 0, p99: 0, max: 0 };
  const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * n) - 1)];
  return {
    count: n,
    p50: round(rank(0.5)),
    p99: round(rank(0.99)),
    max: round(sorted[n - 1]),
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
