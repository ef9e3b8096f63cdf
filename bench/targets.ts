import type { Ratios } from "./report.ts";
import type { ScenarioResult } from "./scenario.ts";

/** One target of issue 7, checked against a run. */
export interface TargetCheck {
  target: string;
  measured: string;
  pass: boolean;
}

/** Capacity found for one relay: highest passing N, and the lowest failing. */
export interface Capacity {
  passing: number;
  /** Lowest N that failed above `passing`; `null` if none was tried. */
  failing: number | null;
}

/** Checks the targets against the results of one run. */
export function checkTargets(
  results: ScenarioResult[],
  rows: Ratios[],
  capacity: { service: Capacity; baseline: Capacity },
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const n of [100, 200]) {
    const row = rows.find((r) => r.sessions === n);
    const runs = results.filter((r) => r.target === "service" && r.sessions === n);
    if (!row || runs.length === 0) continue;
    for (
      const [name, value] of [
        ["up p99", row.upP99],
        ["down p99", row.downP99],
        ["server CPU", row.serverCpu],
      ] as const
    ) {
      checks.push({
        target: `N=${n}: ${name} ≤ 1.5× baseline`,
        measured: `${value}×`,
        pass: value <= 1.5,
      });
    }
    // Every run counts: one loss anywhere fails the target.
    const lost = runs.reduce((sum, r) => sum + r.upLost + r.downLost, 0);
    const reordered = runs.reduce((sum, r) => sum + r.upReordered + r.downReordered, 0);
    checks.push({
      target: `N=${n}: zero loss, zero reordering`,
      measured: `${lost} lost, ${reordered} reordered`,
      pass: lost === 0 && reordered === 0,
    });
    checks.push({
      target: `N=${n}: RSS per active session ≤ 1.5× baseline`,
      measured: `${
        median(runs.map((r) => r.rssKiB.perActiveSession))
      } KiB (${row.rssPerActiveSession}×)`,
      pass: row.rssPerActiveSession <= 1.5,
    });
  }
  const share = capacity.baseline.passing > 0
    ? capacity.service.passing / capacity.baseline.passing
    : 0;
  checks.push({
    target: "capacity ≥ 80 % of baseline",
    measured: `${capacity.service.passing} vs ${capacity.baseline.passing} (${
      Math.round(share * 100)
    } %)`,
    pass: share >= 0.8,
  });
  const ours = results.filter((r) => r.target === "service");
  const idle = ours.reduce(
    (worst, r) => r.sessions >= 100 ? Math.max(worst, r.rssKiB.perIdleSession) : worst,
    0,
  );
  checks.push({
    target: "RSS per idle session ≤ 256 KiB (N ≥ 100)",
    measured: `${idle} KiB`,
    pass: idle <= 256,
  });
  const cold = median(ours.map((r) => r.coldStartMs));
  checks.push({
    target: "cold start ≤ 300 ms (median)",
    measured: `${cold} ms`,
    pass: cold <= 300,
  });
  return checks;
}

/** Median of numbers; 0 when empty. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
}
