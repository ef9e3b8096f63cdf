import { median } from "./targets.ts";
import type { ScenarioResult } from "./scenario.ts";

/** The machine a run was measured on. */
export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  deno: string;
  v8: string;
}

/** Reads {@link MachineInfo} from `/proc` and `Deno.version`. */
export function machineInfo(): MachineInfo {
  const cpuinfo = Deno.readTextFileSync("/proc/cpuinfo");
  const meminfo = Deno.readTextFileSync("/proc/meminfo");
  const memKiB = Number(/^MemTotal:\s*(\d+)/m.exec(meminfo)?.[1] ?? 0);
  return {
    cpus: navigator.hardwareConcurrency,
    cpuModel: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? "unknown",
    memoryGiB: Math.round(memKiB / 1048576 * 10) / 10,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
  };
}

const ms = (s: { p50: number; p99: number; max: number }) => `${s.p50} / ${s.p99} / ${s.max}`;

/**
 * One markdown row per scenario: latencies (p50 / p99 / max ms), loss,
 * reordering, CPU (% of one core), RSS and bytes per conversation-second.
 */
export function resultsTable(results: ScenarioResult[]): string {
  const lines = [
    "| Relay | N | Up ms p50 / p99 / max | Down ms p50 / p99 / max | Lost up / down | Reordered | Server CPU % (kernel) | Generator CPU % | Fake CPU % | Others CPU % | RSS idle MiB | KiB / idle session | KiB / active session | Wire B/s per conversation (browser side / upstream side) | Cold start ms | Pass |",
    "| --- | --: | --- | --- | --- | --- | --: | --: | --: | --: | --: | --: | --: | --- | --: | --- |",
  ];
  for (const r of results) {
    lines.push(
      `| ${r.target} | ${r.sessions} | ${ms(r.up)} | ${
        ms(r.down)
      } | ${r.upLost} / ${r.downLost} | ${
        r.upReordered + r.downReordered
      } | ${r.cpu.server} (${r.cpu.serverSystem}) | ${r.cpu.generator} | ${r.cpu.fakeUpstream} | ${r.cpu.others} | ${
        (r.rssKiB.idle / 1024).toFixed(1)
      } | ${r.rssKiB.perIdleSession} | ${r.rssKiB.perActiveSession} | ${r.wire.browserSide} / ${r.wire.upstreamSide} | ${r.coldStartMs} | ${
        r.pass ? "yes" : "no"
      } |`,
    );
  }
  return lines.join("\n");
}

/** A comparison of the service with the baseline at one N (service ÷ baseline). */
export interface Ratios {
  sessions: number;
  /** Pairs of runs the ratios are the medians of (`--repeat`). */
  pairs: number;
  upP99: number;
  downP99: number;
  serverCpu: number;
  /** The same without kernel time: what the relays' own code costs. */
  serverUserCpu: number;
  rssPerActiveSession: number;
  wireBytes: number;
}

/**
 * Service ÷ baseline for every N both ran: the k-th service run at N is
 * paired with the k-th baseline run at N (they ran one after the other), and
 * each ratio is the median over the pairs, so one noisy window does not decide.
 */
export function ratios(results: ScenarioResult[]): Ratios[] {
  const out: Ratios[] = [];
  const counts = new Set(results.filter((r) => r.target === "service").map((r) => r.sessions));
  for (const sessions of counts) {
    const ours = results.filter((r) => r.target === "service" && r.sessions === sessions);
    const base = results.filter((r) => r.target === "baseline" && r.sessions === sessions);
    const pairs = Math.min(ours.length, base.length);
    if (pairs === 0) continue;
    const of = (value: (r: ScenarioResult) => number) =>
      median(Array.from({ length: pairs }, (_, i) => ratio(value(ours[i]), value(base[i]))));
    out.push({
      sessions,
      pairs,
      upP99: of((r) => r.up.p99),
      downP99: of((r) => r.down.p99),
      serverCpu: of((r) => r.cpu.server),
      serverUserCpu: of((r) => r.cpu.server - r.cpu.serverSystem),
      rssPerActiveSession: of((r) => r.rssKiB.perActiveSession),
      wireBytes: of((r) => r.wire.browserSide),
    });
  }
  return out;
}

/** Markdown table of {@link ratios}. */
export function ratiosTable(rows: Ratios[]): string {
  return [
    "| N | Pairs | Up p99 | Down p99 | Server CPU | Server CPU, user only | RSS / active session | Wire bytes |",
    "| --: | --: | --: | --: | --: | --: | --: | --: |",
    ...rows.map((r) =>
      `| ${r.sessions} | ${r.pairs} | ${r.upP99}× | ${r.downP99}× | ${r.serverCpu}× | ${r.serverUserCpu}× | ${r.rssPerActiveSession}× | ${r.wireBytes}× |`
    ),
  ].join("\n");
}

function ratio(a: number, b: number): number {
  return b > 0 ? Math.round(a / b * 100) / 100 : Infinity;
}
