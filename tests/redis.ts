/**
 * Finds and runs the `redis-server` that failover tests keep sessions in.
 * Without one, tests skip with a message on a developer's machine and fail in
 * CI (`CI=true`).
 *
 * @module
 */

import { freePort } from "./nginx.ts";
import { programPath, type RequiredProgram, skipWithout } from "./required_program.ts";

const REDIS: RequiredProgram = {
  name: "redis-server",
  envVar: "REDIS_SERVER_PATH",
  candidates: ["/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server"],
  debianPackage: "redis-server",
  tests: "Redis tests",
};

/** True when Redis tests must skip: no redis-server here and not in CI. */
export function skipRedisTests(): boolean {
  return skipWithout(REDIS);
}

/** A running redis-server on a free loopback port, keeping nothing on disk. */
export interface Redis {
  /** `redis://127.0.0.1:<port>`, for `REDIS_URL`. */
  url: string;
  /** Stops it. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts redis-server in the foreground and waits until it answers `PING`. */
export async function startRedis(): Promise<Redis> {
  const port = freePort();
  const process = new Deno.Command(programPath(REDIS)!, {
    args: [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "no",
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = Promise.all([process.stdout, process.stderr].map((s) => new Response(s).text()));
  let exited = false;
  const status = process.status.then((s) => (exited = true, s));
  let stopped: Promise<void> | undefined;
  const stop = () =>
    stopped ??= (async () => {
      if (!exited) process.kill("SIGTERM");
      await status;
      await output;
    })();
  const deadline = Date.now() + 10_000;
  while (!await answersPing(port)) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`redis-server did not start: ${(await output).join("")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url: `redis://127.0.0.1:${port}`, stop, [Symbol.asyncDispose]: stop };
}

async function answersPing(port: number): Promise<boolean> {
  try {
    using connection = await Deno.connect({ hostname: "127.0.0.1", port });
    await connection.write(new TextEncoder().encode("PING\r\n"));
    const buffer = new Uint8Array(16);
    const read = await connection.read(buffer);
    return new TextDecoder().decode(buffer.subarray(0, read ?? 0)).startsWith("+PONG");
  } catch {
    return false;
  }
}
