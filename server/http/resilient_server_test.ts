import assert from "node:assert/strict";
import { createLogger } from "../observability/logger.ts";
import { type ListeningServer, ResilientServer } from "./resilient_server.ts";

/** A server whose listener the test fails, and that records its shutdown. */
class FakeServer implements ListeningServer {
  readonly addr: Deno.NetAddr;
  readonly finished: Promise<void>;
  stopped = false;
  fail!: (error: Error) => void;
  constructor(port: number) {
    this.addr = { transport: "tcp", hostname: "127.0.0.1", port };
    this.finished = new Promise((_, reject) => (this.fail = reject));
  }
  shutdown(): Promise<void> {
    this.stopped = true;
    return Promise.resolve();
  }
}

/** Timers the test fires by hand. */
function manualTimers() {
  const pending: { callback: () => void; ms: number; cancelled: boolean }[] = [];
  return {
    pending,
    schedule: (callback: () => void, ms: number) => {
      const timer = { callback, ms, cancelled: false };
      pending.push(timer);
      return () => void (timer.cancelled = true);
    },
    /** Runs the oldest timer still pending. */
    fire() {
      const timer = pending.shift();
      assert.ok(timer, "a timer is pending");
      if (!timer.cancelled) timer.callback();
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const lines: string[] = [];
const logger = createLogger("info", {
  sink: {
    debug: (line: string) => lines.push(line),
    info: (line: string) => lines.push(line),
    warn: (line: string) => lines.push(line),
    error: (line: string) => lines.push(line),
  },
});

Deno.test("a failed listener is logged and listening starts again on the same port, backing off while it fails", async () => {
  const timers = manualTimers();
  const ports: (number | undefined)[] = [];
  const servers: FakeServer[] = [];
  let refuse = 2;
  const resilient = new ResilientServer({
    logger,
    schedule: timers.schedule,
    firstDelayMs: 100,
    listen: (port) => {
      ports.push(port);
      if (port !== undefined && refuse-- > 0) throw new Error("Too many open files (os error 24)");
      const server = new FakeServer(port ?? 41000);
      servers.push(server);
      return server;
    },
  });
  assert.equal(resilient.server, servers[0]);
  servers[0].fail(new Error("Http: Error: Too many open files (os error 24)"));
  await tick();
  assert.match(lines.join("\n"), /listener on port 41000 failed \(Http: Error: Too many open/);
  assert.equal(servers[0].stopped, false, "its open connections go on");
  timers.fire();
  timers.fire();
  assert.deepEqual(timers.pending.map((t) => t.ms), [400], "100, 200, then 400 ms");
  timers.fire();
  assert.deepEqual(ports, [undefined, 41000, 41000, 41000]);
  assert.equal(resilient.server, servers[1]);
  assert.match(lines.at(-1)!, /Listening again on port 41000/);

  await resilient.shutdown();
  assert.ok(servers.every((s) => s.stopped), "the failed server and the new one are shut down");
});

Deno.test("shutdown while waiting to listen again stops the attempts", async () => {
  const timers = manualTimers();
  let listens = 0;
  const first = new FakeServer(41001);
  const resilient = new ResilientServer({
    logger,
    schedule: timers.schedule,
    listen: () => (listens++, first),
  });
  first.fail(new Error("Too many open files"));
  await tick();
  await resilient.shutdown();
  timers.fire();
  assert.equal(listens, 1);
});
