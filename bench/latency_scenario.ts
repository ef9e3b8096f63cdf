/**
 * `deno task bench latency`: runs {@link measureVoiceLatency} over the
 * settings it compares and prints the table.
 *
 * Flags: `--quick` (the page's default settings only, a few seconds each: what
 * the test runs), `--repeat=<k>` (every setting k times, interleaved; the
 * table gives the median of each figure), `--json=<file>`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  LATENCY_CONFIGS,
  LATENCY_PLANS,
  type LatencyRow,
  measureVoiceLatency,
} from "./browser_latency.ts";
import { latencyTable, medianRows } from "./latency_table.ts";

/** Runs the scenario with command-line `args`; resolves with the markdown report. */
export async function runLatencyScenario(args: string[]): Promise<string> {
  const { values: flags } = parseArgs({
    args,
    options: {
      quick: { type: "boolean", default: false },
      repeat: { type: "string", default: "1" },
      json: { type: "string" },
    },
  });
  const configs = flags.quick ? LATENCY_CONFIGS.slice(0, 2) : LATENCY_CONFIGS;
  const plan = flags.quick ? LATENCY_PLANS.quick : LATENCY_PLANS.full;
  const runs: LatencyRow[][] = [];
  for (let k = 0; k < Math.max(1, Number(flags.repeat) || 1); k++) {
    runs.push(await measureVoiceLatency(configs, plan, (line) => console.error(line)));
  }
  const rows = medianRows(runs);
  if (flags.json) await Deno.writeTextFile(flags.json, JSON.stringify(runs, null, 2) + "\n");
  const context = rows[0].context;
  return [
    `## Voice latency in Chromium (${flags.quick ? "quick" : "full"} run, ${runs.length} ` +
    `repeat${runs.length > 1 ? "s, medians" : ""})`,
    "",
    latencyTable(rows),
    "",
    `The page's AudioContext ran at ${context.sampleRate} Hz; after the player's render the ` +
    `browser adds its own output path (baseLatency ${context.baseLatencyMs} ms, outputLatency ` +
    `${context.outputLatencyMs} ms), not counted above.`,
  ].join("\n");
}
