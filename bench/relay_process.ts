import { nowMs } from "./chunk_stamp.ts";
import { latin1, RawHttpConnection } from "./raw_http_connection.ts";
import { deployedConfig } from "../tests/load_balanced_page.ts";
import { startNginx } from "../tests/nginx.ts";

/**
 * Which relay runs: the service (`main.ts`), the bare baseline, or two
 * service instances behind nginx running `deploy/nginx.conf` (`nginx2`).
 */
export type RelayKind = "service" | "baseline" | "nginx2";

/** A relay running as its own process, so `/proc/<pid>` describes it alone. */
export interface RelayProcess {
  pid: number;
  /** Every process of the relay, `pid` first (for nginx2: both instances, nginx's master and worker). */
  pids: number[];
  port: number;
  /** Process start → first `GET /` answered, ms. */
  coldStartMs: number;
  /** The last lines it wrote to stderr, for diagnosis. */
  stderrTail(): string;
  /** Ends it (SIGTERM, then SIGKILL after 3 s). */
  stop(): Promise<void>;
}

/** What {@link startRelay} needs. */
export interface RelayOptions {
  kind: RelayKind;
  /** `GOOGLE_GEMINI_BASE_URL`: the fake upstream. */
  upstreamUrl: string;
  /** Baseline only: `ws` (no-delay, as the SDK) or `deno` (Nagle on). */
  baselineWs?: "ws" | "deno";
  /** Write a V8 CPU profile (`--cpu-prof`) into this folder. */
  profileDir?: string;
  /** Run on this CPU only (`taskset`), away from the load generator. */
  cpu?: number;
}

const ROOT = new URL("../", import.meta.url);
/** The service runs as `deno task start` runs it: these are that task's flags. */
const SERVICE_FLAGS = startTaskFlags(
  JSON.parse(Deno.readTextFileSync(new URL("deno.json", ROOT))).tasks.start,
);
/** The bare pass-through gets the same permissions and nothing else. */
const BASELINE_FLAGS = SERVICE_FLAGS.filter((flag) => flag.startsWith("--allow-"));

/** The flags of a `deno run … main.ts` task: what comes between `run` and the script. */
export function startTaskFlags(task: string): string[] {
  const words = task.trim().split(/\s+/);
  return words.slice(words.indexOf("run") + 1, -1);
}

/**
 * Starts a relay on a free loopback port and waits until it answers `GET /`,
 * timing that as its cold start.
 */
export async function startRelay(options: RelayOptions): Promise<RelayProcess> {
  if (options.kind === "nginx2") return await startNginxPair(options);
  const port = freePort();
  const script = options.kind === "service" ? "main.ts" : "bench/baseline_relay.ts";
  const started = nowMs();
  const flags = options.kind === "service" ? SERVICE_FLAGS : BASELINE_FLAGS;
  const deno = [Deno.execPath(), "run", ...flags, ...profile(options), script];
  const command = options.cpu === undefined
    ? deno
    : ["taskset", "-c", String(options.cpu), ...deno];
  const child = new Deno.Command(
    command[0],
    {
      args: command.slice(1),
      cwd: ROOT,
      env: {
        GOOGLE_API_KEY: "bench-key",
        GOOGLE_GEMINI_BASE_URL: options.upstreamUrl,
        PORT: String(port),
        HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
        BASELINE_WS: options.baselineWs ?? "ws",
        // Every session of the bench comes from one address: lift the
        // per-client limits, which would otherwise refuse the load itself.
        RATE_LIMIT_CLIENT_RPS: "1000000",
        MAX_SESSIONS: "100000",
        MAX_SESSIONS_PER_CLIENT: "100000",
      },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    },
  ).spawn();
  let tail = "";
  (async () => {
    const decoder = new TextDecoder();
    for await (const bytes of child.stderr) {
      tail = (tail + decoder.decode(bytes)).slice(-4000);
    }
  })().catch(() => {});
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
    }, 3000);
    await child.status;
    clearTimeout(timer);
  };
  const answered = await firstAnswer(port, started + 20_000);
  if (!answered) {
    await stop();
    throw new Error(`The ${options.kind} did not answer GET /:\n${tail}`);
  }
  return {
    pid: child.pid,
    pids: [child.pid],
    port,
    coldStartMs: Math.round((answered - started) * 10) / 10,
    stderrTail: () => tail,
    stop,
  };
}

/**
 * Two service instances and nginx in front of them, on `deploy/nginx.conf`
 * with only its addresses and its per-client connection limit replaced; nginx
 * with one worker, as `tests/nginx.ts` starts it. The cold start is the
 * slower instance's.
 */
async function startNginxPair(options: RelayOptions): Promise<RelayProcess> {
  const instances = await Promise.all(
    [0, 1].map((i) =>
      startRelay({ ...options, kind: "service", cpu: options.cpu === undefined ? undefined : i })
    ),
  );
  const port = freePort();
  // Every bench session comes from one address: lift the per-client
  // connection limit, as the service's per-client limits are lifted.
  const config = (await deployedConfig(port, [instances[0].port, instances[1].port]))
    .replace(/limit_conn gemini_live_per_client \d+;/, "limit_conn gemini_live_per_client 65535;");
  // Each session holds four connections through nginx (two each side).
  const nginx = await startNginx(config, port, { workerConnections: 16_384 });
  const master = childrenOf(Deno.pid).find((pid) => commandName(pid) === "nginx");
  const nginxPids = master === undefined ? [] : [master, ...childrenOf(master)];
  return {
    pid: instances[0].pid,
    pids: [...instances.map((i) => i.pid), ...nginxPids],
    port,
    coldStartMs: Math.max(...instances.map((i) => i.coldStartMs)),
    stderrTail: () => instances.map((i) => i.stderrTail()).join("\n"),
    stop: async () => {
      await nginx.stop();
      await Promise.all(instances.map((i) => i.stop()));
    },
  };
}

/** Processes whose parent is `pid`, from `/proc`. */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (parent === pid) children.push(Number(entry.name));
    } catch {
      // Gone meanwhile.
    }
  }
  return children;
}

function commandName(pid: number): string {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/comm`).trim();
  } catch {
    return "";
  }
}

/** Polls `GET /` every millisecond; resolves with when 200 came, or 0. */
async function firstAnswer(port: number, deadline: number): Promise<number> {
  const request = new TextEncoder().encode(
    `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
  );
  while (nowMs() < deadline) {
    let connection: RawHttpConnection | undefined;
    try {
      connection = await RawHttpConnection.open(port);
      await connection.write(request);
      const first = await connection.read();
      if (first && latin1(first.subarray(0, 12)).endsWith("200")) {
        return nowMs();
      }
    } catch {
      // Not listening yet.
    } finally {
      connection?.close();
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  return 0;
}

function profile(options: RelayOptions): string[] {
  return options.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`] : [];
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}
