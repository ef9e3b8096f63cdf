/**
 * `deno task bench`: drives voice sessions through the service and through a
 * bare pass-through baseline, against the same fake Live API, and prints a
 * markdown report and a JSON summary.
 *
 * Flags: `--long` (20 s windows, finer capacity search; default is a run of
 * at most about 60 s), `--sessions=10,100,200`, `--no-search`,
 * `--baseline-ws=ws|deno` (the baseline's upstream client),
 * `--relays=service,baseline,nginx2` (which to run; `nginx2` is two service
 * instances behind nginx on `deploy/nginx.conf`), `--codec=opus` (the
 * service's sessions take the agent's voice as Opus), `--cpu-prof=<dir>` (profile
 * the relays), `--json=<file>` (also write the summary there),
 * `--window=<seconds>` (measure each scenario this long), `--pin` (the relay
 * on CPU 1, the generator and the fake upstream on CPU 0, so they do not
 * compete for caches and time slices: steadier figures on a 2-core machine),
 * `--repeat=<k>` (each fixed N k times, relays alternating; ratios are the
 * medians over the k pairs).
 *
 * `deno task bench latency` runs the voice latency scenario in Chromium
 * instead (`latency_scenario.ts`).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { nowMs } from "./chunk_stamp.ts";
import { machineCpuPercent, sampleMachine } from "./process_stats.ts";
import { FakeUpstreamProcess } from "./fake_upstream_process.ts";
import { type RelayKind, type RelayOptions } from "./relay_process.ts";
import { measureOpusCost, opusCostTable } from "./opus_cost.ts";
import { machineInfo, ratios, ratiosTable, resultsTable } from "./report.ts";
import { runScenario, type ScenarioResult, type ScenarioTiming } from "./scenario.ts";
import { type Capacity, checkTargets, median } from "./targets.ts";
import { runLatencyScenario } from "./latency_scenario.ts";

if (Deno.args[0] === "latency") {
  console.log(await runLatencyScenario(Deno.args.slice(1)));
  Deno.exit(0);
}

const SHORT: ScenarioTiming & { budgetMs: number; probes: number } = {
  warmupMs: 1000,
  windowMs: 2500,
  drainMs: 400,
  budgetMs: 60_000,
  probes: 2,
};
const LONG: typeof SHORT = {
  warmupMs: 3000,
  windowMs: 20_000,
  drainMs: 1000,
  budgetMs: 30 * 60_000,
  probes: 5,
};
/** Capacity is searched in steps of this many sessions… */
const STEP = 25;
/** …and no higher than this. */
const MAX_SESSIONS = 2000;

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    long: { type: "boolean", default: false },
    sessions: { type: "string", default: "10,100,200" },
    "no-search": { type: "boolean", default: false },
    "baseline-ws": { type: "string", default: "ws" },
    json: { type: "string" },
    relays: { type: "string", default: "service,baseline" },
    "cpu-prof": { type: "string" },
    window: { type: "string" },
    pin: { type: "boolean", default: false },
    repeat: { type: "string", default: "1" },
    codec: { type: "string", default: "pcm" },
  },
});
/** How the sessions take the agent's voice (the baseline speaks PCM whatever this says). */
const codec = flags.codec === "opus" ? "opus" : "pcm";
const plan = { ...(flags.long ? LONG : SHORT) };
if (flags.window) {
  plan.windowMs = Number(flags.window) * 1000;
  plan.warmupMs = Math.max(plan.warmupMs, 2000);
  plan.budgetMs = Math.max(plan.budgetMs, 10 * 60_000);
}
// Each repeat of the fixed scenarios gets the budget of a whole run.
plan.budgetMs *= Math.max(1, Number(flags.repeat) || 1);
if (flags.pin) {
  // Children (the fake upstream) inherit this; relays are pinned to CPU 1.
  await new Deno.Command("taskset", { args: ["-p", "-c", "0", String(Deno.pid)], stdout: "null" })
    .output();
}
const began = nowMs();
/** A scenario's cost beyond its traffic: start, open, drain, stop. */
const overheadMs = 2000;
const fits = () =>
  nowMs() - began + plan.warmupMs + plan.windowMs + plan.drainMs + overheadMs <=
    plan.budgetMs;

function relay(kind: RelayKind, upstreamUrl: string): RelayOptions {
  return {
    kind,
    upstreamUrl,
    baselineWs: flags["baseline-ws"] === "deno" ? "deno" : "ws",
    profileDir: flags["cpu-prof"],
    cpu: flags.pin ? 1 : undefined,
  };
}

const kinds = (["service", "baseline", "nginx2"] as const).filter((k) =>
  flags.relays.split(",").includes(k)
);
const quiet = sampleMachine();
await new Promise((r) => setTimeout(r, 500));
const backgroundCpu = Math.round(machineCpuPercent(quiet, sampleMachine()));
if (backgroundCpu > 15) {
  console.error(
    `Warning: the machine is busy before the run (${backgroundCpu} % of a core); ` +
      "figures will be noisy (see the Others CPU column).",
  );
}
const fake = await FakeUpstreamProcess.start();
const results: ScenarioResult[] = [];
const run = async (kind: RelayKind, sessions: number) => {
  const result = await runScenario(
    relay(kind, fake.url),
    sessions,
    fake,
    plan,
    kind === "baseline" ? "pcm" : codec,
  );
  results.push(result);
  console.error(
    `${kind} N=${sessions}: up p99 ${result.up.p99} ms, down p99 ${result.down.p99} ms, ` +
      `lost ${result.upLost}/${result.downLost}, CPU ${result.cpu.server} % (kernel ${result.cpu.serverSystem}), ` +
      `generator ${result.cpu.generator} % → ${result.pass ? "pass" : "fail"}`,
  );
  return result;
};

try {
  const fixed = flags.sessions.split(",").map(Number).filter((n) => n > 0);
  const repeat = Math.max(1, Number(flags.repeat) || 1);
  for (const sessions of fixed) {
    for (let k = 0; k < repeat; k++) {
      for (const kind of kinds) await run(kind, sessions);
    }
  }
  const capacity: Record<RelayKind, Capacity> = {
    service: bracket("service"),
    baseline: bracket("baseline"),
    nginx2: bracket("nginx2"),
  };
  for (const kind of kinds) {
    capacity[kind] = flags["no-search"] ? bracket(kind) : await searchCapacity(kind);
  }
  const rows = ratios(results);
  const checks = checkTargets(results, rows, capacity);
  const opus = await measureOpusCost();
  const summary = {
    date: new Date().toISOString(),
    mode: flags.long ? "long" : "short",
    windowSec: plan.windowMs / 1000,
    repeat: Number(flags.repeat) || 1,
    pinned: flags.pin,
    machine: machineInfo(),
    baselineWs: flags["baseline-ws"],
    backgroundCpuBeforePct: backgroundCpu,
    durationSec: Math.round((nowMs() - began) / 100) / 10,
    coldStartMedianMs: {
      service: median(pick("service").map((r) => r.coldStartMs)),
      baseline: median(pick("baseline").map((r) => r.coldStartMs)),
    },
    capacity,
    opus,
    ratios: rows,
    targets: checks,
    results,
  };
  const m = summary.machine;
  console.log([
    `## Results (${summary.mode} run, ${summary.date})`,
    "",
    `Machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, Deno ${m.deno} (V8 ${m.v8}). ` +
    `Baseline upstream client: ${summary.baselineWs}. ${plan.windowMs / 1000} s windows` +
    `${flags.pin ? ", relay pinned to CPU 1, generator and fake upstream to CPU 0" : ""}. ` +
    `Run took ${summary.durationSec} s.`,
    "",
    resultsTable(results),
    "",
    "Service ÷ baseline:",
    "",
    ratiosTable(rows),
    "",
    `Capacity (highest N with p99 ≤ 50 ms both ways and nothing lost${
      codec === "opus" ? ", the service's sessions on Opus" : ""
    }): ${
      kinds.map((k) => `${k} ${describe(capacity[k])}`).join(", ")
    }. Cold start (median): service ${summary.coldStartMedianMs.service} ms, baseline ${summary.coldStartMedianMs.baseline} ms.`,
    "",
    "| Target | Measured | Holds |",
    "| --- | --- | --- |",
    ...checks.map((c) => `| ${c.target} | ${c.measured} | ${c.pass ? "yes" : "**no**"} |`),
    "",
    "Opus against raw PCM (in-process, speech-like signal; see bench/opus_cost.ts):",
    "",
    opusCostTable(opus),
    "",
    "```json",
    JSON.stringify({ ...summary, results: undefined }, null, 2),
    "```",
  ].join("\n"));
  if (flags.json) {
    await Deno.writeTextFile(flags.json, JSON.stringify(summary, null, 2) + "\n");
  }
} finally {
  await fake.stop();
}

function pick(kind: RelayKind): ScenarioResult[] {
  return results.filter((r) => r.target === kind);
}

/** What the runs so far say about a relay's capacity. */
function bracket(kind: RelayKind): Capacity {
  const runs = pick(kind);
  const passing = Math.max(0, ...runs.filter((r) => r.pass).map((r) => r.sessions));
  const failing = runs.filter((r) => !r.pass && r.sessions > passing)
    .map((r) => r.sessions);
  return { passing, failing: failing.length ? Math.min(...failing) : null };
}

/** Bisects (or grows by half) from the runs so far, within the time budget. */
async function searchCapacity(kind: RelayKind): Promise<Capacity> {
  for (let probe = 0; probe < plan.probes && fits(); probe++) {
    const { passing, failing } = bracket(kind);
    const next = failing === null
      ? roundStep(Math.max(passing * 1.5, STEP))
      : roundStep((passing + failing) / 2);
    if (next <= passing || (failing !== null && next >= failing)) break;
    if (next > MAX_SESSIONS) break;
    await run(kind, next);
  }
  return bracket(kind);
}

function roundStep(n: number): number {
  return Math.max(STEP, Math.round(n / STEP) * STEP);
}

function describe(c: Capacity): string {
  return c.failing === null ? `≥ ${c.passing}` : `${c.passing} (${c.failing} failed)`;
}
