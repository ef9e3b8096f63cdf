/**
 * Finds and runs the PostgreSQL that history tests keep conversations in:
 * Debian's server binaries, a new cluster in a temporary folder, on a free
 * loopback port. As root, `initdb` and `postgres` run as the `postgres` user
 * (they refuse root). Without PostgreSQL, tests skip with a message on a
 * developer's machine and fail in CI (`CI=true`).
 *
 * @module
 */

import { watchProcess } from "./watched_process.ts";
import { freePort } from "./nginx.ts";
import { programPath, type RequiredProgram, skipWithout } from "./required_program.ts";

const POSTGRES: RequiredProgram = {
  name: "PostgreSQL",
  envVar: "POSTGRES_BIN",
  candidates: [15, 16, 17, 18, 14, 13].map((v) => `/usr/lib/postgresql/${v}/bin/postgres`),
  debianPackage: "postgresql",
  tests: "PostgreSQL tests",
};

/** True when PostgreSQL tests must skip: no server here and not in CI. */
export function skipPostgresTests(): boolean {
  return skipWithout(POSTGRES);
}

/** A running PostgreSQL with its cluster in a temporary folder. */
export interface Postgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`, for `HISTORY_URL`. */
  url: string;
  /** Stops it (fast shutdown) and removes its folder. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Creates a cluster, starts it in the foreground on `port` (default: a free
 * one) and waits until it takes connections.
 */
export async function startPostgres({ port = freePort() } = {}): Promise<Postgres> {
  const postgresBin = programPath(POSTGRES)!;
  const bin = postgresBin.slice(0, postgresBin.lastIndexOf("/"));
  const dir = await Deno.makeTempDir({ prefix: "postgres_test_" });
  const data = `${dir}/data`;
  const asRoot = Deno.uid() === 0;
  if (asRoot) {
    const [uid, gid] = await Promise.all(["-u", "-g"].map((flag) => run("id", [flag, "postgres"])));
    await Deno.chown(dir, Number(uid), Number(gid));
  }
  // As root the programs run as `postgres`, who owns the folder.
  const command = (program: string, args: string[]) =>
    asRoot
      ? new Deno.Command("runuser", { args: ["-u", "postgres", "--", program, ...args] })
      : new Deno.Command(program, { args });
  const init = await command(`${bin}/initdb`, [
    "-D",
    data,
    "-U",
    "postgres",
    "-A",
    "trust",
    "--no-sync",
    "-E",
    "UTF8",
    "--locale=C",
  ]).output();
  if (!init.success) {
    await Deno.remove(dir, { recursive: true });
    throw new Error(`initdb failed: ${new TextDecoder().decode(init.stderr)}`);
  }
  const server = watchProcess(
    new Deno.Command(asRoot ? "runuser" : postgresBin, {
      args: [
        ...(asRoot ? ["-u", "postgres", "--", postgresBin] : []),
        "-D",
        data,
        "-h",
        "127.0.0.1",
        "-p",
        String(port),
        "-k",
        dir,
        "-c",
        "fsync=off",
        "-c",
        "synchronous_commit=off",
        "-c",
        "full_page_writes=off",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }),
  );
  let stopped: Promise<void> | undefined;
  const stop = () =>
    stopped ??= (async () => {
      // The postmaster itself, not runuser: SIGINT is PostgreSQL's fast shutdown.
      const pid = await Deno.readTextFile(`${data}/postmaster.pid`)
        .then((text) => Number(text.split("\n")[0]), () => undefined);
      if (!server.exited() && pid) {
        try {
          Deno.kill(pid, "SIGINT");
        } catch {
          // Gone already.
        }
      } else if (!server.exited()) server.process.kill("SIGTERM");
      const timer = setTimeout(() => !server.exited() && server.process.kill("SIGKILL"), 10_000);
      await server.finished();
      clearTimeout(timer);
      await Deno.remove(dir, { recursive: true });
    })();
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ready = await new Deno.Command(`${bin}/pg_isready`, {
      args: ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-t", "1"],
      stdout: "null",
      stderr: "null",
    }).output();
    if (ready.success) break;
    if (server.exited() || Date.now() > deadline) {
      await stop();
      throw new Error(`PostgreSQL did not start within 20 s: ${server.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

async function run(program: string, args: string[]): Promise<string> {
  const output = await new Deno.Command(program, { args, stderr: "inherit" }).output();
  if (!output.success) throw new Error(`${program} ${args.join(" ")} failed`);
  return new TextDecoder().decode(output.stdout).trim();
}
