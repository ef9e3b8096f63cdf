import type { LatencyRow } from "./browser_latency.ts";

/**
 * The latency trade-offs as markdown: one line per setting, then where the
 * time goes for each.
 *
 * @example
 * ```ts
 * console.log(latencyTable(await measureVoiceLatency(LATENCY_CONFIGS, LATENCY_PLANS.full)));
 * ```
 */
export function latencyTable(rows: LatencyRow[]): string {
  // The page sends the onset at once for PCM uploads only.
  const onset = (r: LatencyRow) =>
    r.config.codec === "opus" ? "n/a" : r.config.sendOnset ? "yes" : "no";
  const setting = (r: LatencyRow) =>
    `${r.config.codec} | ${r.config.chunkMs} | ${onset(r)} | ${r.config.playBufferMs}`;
  const pair = (p: { p50: number; p95: number }) => `${p.p50} / ${p.p95}`;
  return [
    "| Codec | Chunk ms | Onset at once | Play buffer ms | Up p50 / p95 | Down p50 / p95 | Stop p50 / p95 | POSTs/s | Server CPU % | Underruns/min |",
    "| --- | --: | --- | --: | --: | --: | --: | --: | --: | --: |",
    ...rows.map((r) =>
      `| ${setting(r)} | ${pair(r.up)} | ${pair(r.down)} | ${
        pair(r.stop)
      } | ${r.postsPerSecond} | ${r.serverCpuPercent} | ${r.underrunsPerMinute} |`
    ),
    "",
    "Where the time goes (medians, ms):",
    "",
    "| Codec | Chunk ms | Onset at once | Play buffer ms | Up: capture | Up: encode + queue | Up: upload + relay | Down: relay + stream | Down: decode | Down: playback | Stop: relay + stream | Stop: flush |",
    "| --- | --: | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: |",
    ...rows.map((r) => {
      const s = r.stages;
      return `| ${
        setting(r)
      } | ${s.capture} | ${s.encodeAndQueue} | ${s.uploadAndRelay} | ${s.relayAndStream} | ${s.decode} | ${s.playback} | ${s.stopRelayAndStream} | ${s.stopFlush} |`;
    }),
  ].join("\n");
}

/** The median of each figure over repeated runs of the same settings, in their order. */
export function medianRows(runs: LatencyRow[][]): LatencyRow[] {
  return runs[0].map((first, i) => {
    const same = runs.map((run) => run[i]);
    const med = (pick: (r: LatencyRow) => number) => {
      const values = same.map(pick).filter(Number.isFinite).sort((a, b) => a - b);
      const mid = values.length >> 1;
      if (values.length === 0) return NaN;
      const middle = values.length % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
      return Math.round(middle * 10) / 10;
    };
    const pct = (pick: (r: LatencyRow) => LatencyRow["up"]) => ({
      count: same.reduce((n, r) => n + pick(r).count, 0),
      p50: med((r) => pick(r).p50),
      p95: med((r) => pick(r).p95),
    });
    const stages = Object.fromEntries(
      Object.keys(first.stages).map((key) => [
        key,
        med((r) => r.stages[key as keyof LatencyRow["stages"]]),
      ]),
    ) as LatencyRow["stages"];
    return {
      config: first.config,
      up: pct((r) => r.up),
      down: pct((r) => r.down),
      stop: pct((r) => r.stop),
      stages,
      postsPerSecond: med((r) => r.postsPerSecond),
      serverCpuPercent: med((r) => r.serverCpuPercent),
      underrunsPerMinute: med((r) => r.underrunsPerMinute),
      context: first.context,
    };
  });
}
