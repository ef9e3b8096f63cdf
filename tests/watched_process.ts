/**
 * A program a test starts (nginx, PostgreSQL, the service itself), with what
 * it says on stderr kept for the failure message and whether it has exited.
 *
 * @module
 */

/** A spawned program, watched. */
export interface WatchedProcess {
  process: Deno.ChildProcess;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** True once it has exited. */
  exited(): boolean;
  /** Waits until it has exited and its stderr is read. */
  finished(): Promise<Deno.CommandStatus>;
  /** Kills it with `signal` unless it exited, then waits as {@link finished} does. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

/**
 * Spawns `command`, which must pipe stderr, and watches it.
 *
 * @example
 * ```ts
 * const nginx = watchProcess(new Deno.Command("nginx", { stderr: "piped" }));
 * if (nginx.exited()) throw new Error(`nginx exited at start: ${nginx.stderr()}`);
 * await nginx.stop();
 * ```
 */
export function watchProcess(command: Deno.Command): WatchedProcess {
  const process = command.spawn();
  let stderr = "";
  const stderrRead = process.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (chunk) => void (stderr += chunk) }),
  ).catch(() => {});
  let exited = false;
  const status = process.status.then((s) => (exited = true, s));
  const finished = async () => {
    const result = await status;
    await stderrRead;
    return result;
  };
  return {
    process,
    stderr: () => stderr,
    exited: () => exited,
    finished,
    stop(signal: Deno.Signal = "SIGTERM") {
      if (!exited) process.kill(signal);
      return finished();
    },
  };
}
