/** Counters of a process read from `/proc`. */
export interface ProcessSample {
  /** User plus system CPU time, ms. */
  cpuMs: number;
  /**
   * System (kernel) CPU time alone, ms. Over loopback the kernel delivers
   * each write to the receiving process in the writer's time, so a relay's
   * system time is mostly the generator's and the fake upstream's TCP
   * receive path, paid per write: what the relay's own code costs is its
   * user time.
   */
  systemMs: number;
  /** Resident set size, KiB. */
  rssKiB: number;
  /** When it was read ({@link performance.now}). */
  at: number;
}

/** Linux's USER_HZ, the unit of CPU times in `/proc/<pid>/stat`. */
const TICK_MS = 10;

/**
 * Reads a process's CPU time and RSS; `"self"` for this process.
 *
 * @example
 * ```ts
 * const before = sampleProcess("self");
 * const after = sampleProcess("self");
 * cpuPercent(before, after); // share of one core in between
 * ```
 */
export function sampleProcess(pid: number | "self"): ProcessSample {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return {
    cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS,
    systemMs: Number(fields[12]) * TICK_MS,
    rssKiB: field(status, "VmRSS"),
    at: performance.now(),
  };
}

/** CPU used between two samples, in percent of one core; `"system"` counts kernel time only. */
export function cpuPercent(
  before: ProcessSample,
  after: ProcessSample,
  kind: "all" | "system" = "all",
): number {
  const elapsed = after.at - before.at;
  const used = kind === "all" ? after.cpuMs - before.cpuMs : after.systemMs - before.systemMs;
  return elapsed > 0 ? used / elapsed * 100 : 0;
}

function field(text: string, name: string): number {
  const match = new RegExp(`^${name}:\\s*(\\d+)`, "m").exec(text);
  return match ? Number(match[1]) : 0;
}

/** CPU time of the whole machine, from `/proc/stat`. */
export interface MachineSample {
  /** Busy time of all cores, ms. */
  busyMs: number;
  at: number;
}

/** Reads the machine's busy CPU time, all cores together. */
export function sampleMachine(): MachineSample {
  const line = Deno.readTextFileSync("/proc/stat").split("\n")[0];
  // cpu user nice system idle iowait irq softirq steal …
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = ticks[3] + (ticks[4] ?? 0);
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busyMs: (total - idle) * TICK_MS, at: performance.now() };
}

/** Machine CPU used between two samples, in percent of one core. */
export function machineCpuPercent(
  before: MachineSample,
  after: MachineSample,
): number {
  const elapsed = after.at - before.at;
  return elapsed > 0 ? (after.busyMs - before.busyMs) / elapsed * 100 : 0;
}
