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
    "| Relay | N | Up ms p50 / p99 / max | Down ms p50 / p99 / max | Lost up / down | Reordered | Server CPU % | Generator CPU % | Fake CPU % | Others CPU % | RSS idle MiB | KiB / idle session | KiB / active session | Wire B/s per conversation (browser side / upstream side) | Cold start ms | Pass |",
    "| --- | --: | --- | --- | --- | --- | --: | --: | --: | --: | --: | --: | --: | --- | --: | --- |",
  ];
  for (const r of results) {
    lines.push(
      `| ${r.target} | ${r.sessions} | ${ms(r.up)} | ${
        ms(r.down)
      } | ${r.upLost} / ${r.downLost} | ${
        r.upReordered + r.downReordered
      } | ${r.cpu.server} | ${r.cpu.generator} | ${r.cpu.fakeUpstream} | ${r.cpu.others} | ${
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
  upP99: number;
  downP99: number;
  serverCpu: number;
  rssPerActiveSession: number;
  wireBytes: number;
}

/** Service ÷ baseline for every N both ran. */
export function ratios(results: ScenarioResult[]): Ratios[] {
  const out: Ratios[] = [];
  for (const ours of results.filter((r) => r.target === "service")) {
    const base = results.find((r) => r.target === "baseline" && r.sessions === ours.sessions);
    if (!base) continue;
    out.push({
      sessions: ours.sessions,
      upP99: ratio(ours.up.p99, base.up.p99),
      downP99: ratio(ours.down.p99, base.down.p99),
      serverCpu: ratio(ours.cpu.server, base.cpu.server),
      rssPerActiveSession: ratio(
        ours.rssKiB.perActiveSession,
        base.rssKiB.perActiveSession,
      ),
      wireBytes: ratio(ours.wire.browserSide, base.wire.browserSide),
    });
  }
  return out;
}

/** Markdown table of {@link ratios}. */
export function ratiosTable(rows: Ratios[]): string {
  return [
    "| N | Up p99 | Down p99 | Server CPU | RSS / active session | Wire bytes |",
    "| --: | --: | --: | --: | --: | --: |",
    ...rows.map((r) =>
      `| ${r.sessions} | ${r.upP99}× | ${r.downP99}× | ${r.serverCpu}× | ${r.rssPerActiveSession}× | ${r.wireBytes}× |`
    ),
  ].join("\n");
}

function ratio(a: number, b: number): number {
  return b > 0 ? Math.round(a / b * 100) / 100 : Infinity;
}
