import assert from "node:assert/strict";
import { summarizeLatencies } from "./latency_summary.ts";

Deno.test("percentiles are nearest-rank", () => {
  const samples = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.deepEqual(summarizeLatencies(samples), { count: 100, p50: 50, p99: 99, max: 100 });
  assert.deepEqual(summarizeLatencies([]), { count: 0, p50: 0, p99: 0, max: 0 });
});
