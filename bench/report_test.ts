import assert from "node:assert/strict";
import { ratios } from "./report.ts";
import type { ScenarioResult } from "./scenario.ts";

function run(
  target: "service" | "baseline",
  sessions: number,
  cpu: number,
  p99 = 10,
  system = cpu / 2,
) {
  const latency = { count: 100, p50: 1, p99, max: p99 };
  return {
    target,
    sessions,
    up: latency,
    down: latency,
    cpu: { server: cpu, serverSystem: system, generator: 0, fakeUpstream: 0, others: 0 },
    rssKiB: {
      idle: 0,
      withHalfSessions: 0,
      withIdleSessions: 0,
      loaded: 0,
      perIdleSession: 0,
      perActiveSession: 100,
    },
    wire: { browserSide: 1000, upstreamSide: 1000 },
  } as unknown as ScenarioResult;
}

Deno.test("repeated runs are paired in order and each ratio is the median over the pairs", () => {
  const rows = ratios([
    run("service", 100, 60),
    run("baseline", 100, 30),
    run("service", 100, 90), // a noisy window: 3× alone
    run("baseline", 100, 30),
    run("service", 100, 45),
    run("baseline", 100, 30),
    run("service", 125, 80), // a capacity probe with no baseline beside it
  ]);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].sessions, 100);
  assert.equal(rows[0].pairs, 3);
  assert.equal(rows[0].serverCpu, 2);
  assert.equal(rows[0].upP99, 1);
});

Deno.test("the user-only CPU ratio leaves out the kernel time both relays pay per write", () => {
  const [row] = ratios([
    run("service", 100, 60, 10, 20),
    run("baseline", 100, 30, 10, 20),
  ]);
  assert.equal(row.serverCpu, 2);
  assert.equal(row.serverUserCpu, 4);
});
