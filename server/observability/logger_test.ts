import assert from "node:assert/strict";
import { createLogger, LOG_LEVELS, type LogLevel } from "./logger.ts";

function fakeSink() {
  const lines: [LogLevel, string][] = [];
  const sink = Object.fromEntries(
    LOG_LEVELS.map((level) => [level, (message: string) => {
      lines.push([level, message]);
    }]),
  ) as Record<LogLevel, (message: string) => void>;
  return { sink, lines };
}

function logEveryLevel(level: LogLevel): [LogLevel, string][] {
  const { sink, lines } = fakeSink();
  const log = createLogger(level, { sink });
  for (const name of LOG_LEVELS) log[name](`${name} line`);
  return lines;
}

Deno.test("info level drops debug and keeps info, warn and error", () => {
  assert.deepEqual(logEveryLevel("info"), [
    ["info", "info line"],
    ["warn", "warn line"],
    ["error", "error line"],
  ]);
});

Deno.test("debug level keeps every line", () => {
  assert.deepEqual(logEveryLevel("debug"), [
    ["debug", "debug line"],
    ["info", "info line"],
    ["warn", "warn line"],
    ["error", "error line"],
  ]);
});

Deno.test("warn level keeps only warnings and errors", () => {
  assert.deepEqual(logEveryLevel("warn"), [
    ["warn", "warn line"],
    ["error", "error line"],
  ]);
});

Deno.test("error level keeps only errors", () => {
  assert.deepEqual(logEveryLevel("error"), [["error", "error line"]]);
});

Deno.test("each line goes to the sink method of its own level, unchanged", () => {
  const { sink, lines } = fakeSink();
  const log = createLogger("debug", { sink });
  log.warn("disk 90% full: %s");
  assert.deepEqual(lines, [["warn", "disk 90% full: %s"]]);
});

Deno.test("json format writes one object a line with time, level, message and context", () => {
  const { sink, lines } = fakeSink();
  const log = createLogger("info", {
    format: "json",
    sink,
    now: () => new Date("2026-01-02T03:04:05.000Z"),
  });
  log.child({ session_id: "abc" }).child({ request_id: "r1" }).warn("slow client");
  assert.deepEqual(lines.map(([level, line]) => [level, JSON.parse(line)]), [[
    "warn",
    {
      time: "2026-01-02T03:04:05.000Z",
      level: "warn",
      msg: "slow client",
      session_id: "abc",
      request_id: "r1",
    },
  ]]);
});

Deno.test("text format prefixes a child's context, and warnOnce is shared with children", () => {
  const { sink, lines } = fakeSink();
  const log = createLogger("debug", { sink });
  assert.equal(log.debugEnabled, true);
  assert.equal(createLogger("info", { sink }).debugEnabled, false);
  log.child({ session_id: "abc" }).info("opened");
  log.warnOnce("no key");
  log.child({ session_id: "x" }).warnOnce("no key");
  assert.deepEqual(lines, [["info", "[session_id=abc] opened"], ["warn", "no key"]]);
});
