import assert from "node:assert/strict";
import type { FunctionResponse } from "@google/genai";
import { z } from "zod";
import { type FunctionTool, functionTool } from "./function_tool.ts";
import { type Clock, type ToolEvent, ToolRunner } from "./tool_runner.ts";

/** Timers that fire only when the test moves time on. */
class FakeClock implements Clock {
  now = 0;
  #timers = new Map<number, { at: number; callback: () => void }>();
  #next = 1;

  setTimeout(callback: () => void, ms: number): number {
    const id = this.#next++;
    this.#timers.set(id, { at: this.now + ms, callback });
    return id;
  }

  clearTimeout(id: unknown): void {
    this.#timers.delete(id as number);
  }

  get pending(): number {
    return this.#timers.size;
  }

  advance(ms: number): void {
    this.now += ms;
    for (const [id, timer] of [...this.#timers]) {
      if (timer.at <= this.now) {
        this.#timers.delete(id);
        timer.callback();
      }
    }
  }
}

/** Lets pending promise callbacks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

const add = functionTool({
  name: "add",
  description: "Adds two numbers.",
  parameters: z.object({ a: z.number(), b: z.number() }),
  handler: ({ a, b }) => ({ sum: a + b }),
});

/** A tool whose calls finish only when the test says, and that records aborts. */
function gate(
  name = "gate",
  options: { timeoutMs?: number; requiresConfirmation?: boolean } = {},
) {
  const started: string[] = [];
  const aborted: unknown[] = [];
  const release = new Map<string, (value: unknown) => void>();
  const tool = functionTool({
    name,
    description: "Waits.",
    parameters: z.object({ key: z.string() }),
    handler: ({ key }, { signal }) => {
      started.push(key);
      signal.addEventListener("abort", () => aborted.push(signal.reason));
      return new Promise((resolve) => release.set(key, resolve));
    },
    timeoutMs: options.timeoutMs,
    requiresConfirmation: options.requiresConfirmation,
  });
  return { tool, started, aborted, release };
}

function start(tools: FunctionTool[], options: { maxResultChars?: number } = {}) {
  const clock = new FakeClock();
  const events: ToolEvent[] = [];
  const responses: FunctionResponse[][] = [];
  const runner = new ToolRunner({
    tools,
    onEvent: (event) => events.push(event),
    clock,
    timeoutMs: 1000,
    confirmationTimeoutMs: 5000,
    ...options,
  });
  const run = (...calls: Array<[id: string, name: string, args: Record<string, unknown>]>) =>
    runner.run(
      calls.map(([id, name, args]) => ({ id, name, args })),
      (batch) => responses.push(batch),
    );
  const statuses = () => events.map((event) => `${event.id}:${event.status}`);
  return { clock, events, responses, runner, run, statuses };
}

Deno.test("a call runs with the parsed arguments and its result goes back as output", async () => {
  const { run, responses, events } = start([add]);
  run(["c1", "add", { a: 2, b: 3 }]);
  await settle();
  assert.deepEqual(responses, [[{ id: "c1", name: "add", response: { output: { sum: 5 } } }]]);
  assert.deepEqual(events, [
    { type: "tool", id: "c1", name: "add", args: { a: 2, b: 3 }, status: "running" },
    {
      type: "tool",
      id: "c1",
      name: "add",
      args: { a: 2, b: 3 },
      status: "done",
      result: { sum: 5 },
    },
  ]);
});

Deno.test("bad arguments give the model an error naming the field, without running", async () => {
  let ran = false;
  const tool = functionTool({ ...add, handler: () => (ran = true) });
  const { run, responses, statuses } = start([tool]);
  run(["c1", "add", { a: "two" }]);
  await settle();
  assert.equal(ran, false);
  const error = String(responses[0][0].response?.error);
  assert.match(error, /^Invalid arguments for `add`: `a`: .*expected number/);
  assert.match(error, /`b`: /);
  assert.deepEqual(statuses(), ["c1:error"]);
});

Deno.test("an unknown tool gives an error listing the tools", async () => {
  const { run, responses } = start([add]);
  run(["c1", "subtract", {}]);
  await settle();
  assert.deepEqual(responses[0][0].response, {
    error: "There is no tool named `subtract`; the tools are: `add`",
  });
});

Deno.test("a handler that throws gives an error result, never an exception", async () => {
  const boom = functionTool({
    name: "boom",
    description: "Fails.",
    parameters: z.object({}),
    handler: () => {
      throw new Error("disk on fire");
    },
  });
  const asyncBoom = functionTool({
    ...boom,
    name: "async_boom",
    handler: () => Promise.reject("no reason"),
  });
  const { run, responses } = start([boom, asyncBoom]);
  run(["c1", "boom", {}], ["c2", "async_boom", {}]);
  await settle();
  assert.deepEqual(responses, [[
    { id: "c1", name: "boom", response: { error: "`boom` failed: disk on fire" } },
    { id: "c2", name: "async_boom", response: { error: "`async_boom` failed: no reason" } },
  ]]);
});

Deno.test("calls of one message run concurrently and are answered together", async () => {
  const { tool, started, release } = gate();
  const { run, responses } = start([tool]);
  run(["c1", "gate", { key: "a" }], ["c2", "gate", { key: "b" }]);
  await settle();
  assert.deepEqual(started, ["a", "b"], "the second started before the first finished");
  release.get("b")!("B");
  await settle();
  assert.equal(responses.length, 0, "nothing is sent until all calls of the message settled");
  release.get("a")!("A");
  await settle();
  assert.deepEqual(responses, [[
    { id: "c1", name: "gate", response: { output: "A" } },
    { id: "c2", name: "gate", response: { output: "B" } },
  ]]);
});

Deno.test("a slow handler is aborted at its timeout and the model hears so", async () => {
  const { tool, aborted } = gate("slow", { timeoutMs: 300 });
  const { run, responses, clock, statuses } = start([tool]);
  run(["c1", "slow", { key: "a" }]);
  clock.advance(299);
  await settle();
  assert.equal(responses.length, 0);
  clock.advance(1);
  await settle();
  assert.equal(aborted.length, 1, "the handler's signal aborted");
  assert.deepEqual(responses[0][0].response, { error: "`slow` did not finish within 0.3 s" });
  assert.deepEqual(statuses(), ["c1:running", "c1:error"]);
  assert.equal(clock.pending, 0);
});

Deno.test("a tool without its own timeout gets the runner's", async () => {
  const { tool } = gate();
  const { run, responses, clock } = start([tool]);
  run(["c1", "gate", { key: "a" }]);
  clock.advance(1000);
  await settle();
  assert.deepEqual(responses[0][0].response, { error: "`gate` did not finish within 1 s" });
});

Deno.test("a cancelled call is aborted and gets no response; the others still do", async () => {
  const { tool, aborted, release } = gate();
  const { run, runner, responses, statuses } = start([tool]);
  run(["c1", "gate", { key: "a" }], ["c2", "gate", { key: "b" }]);
  runner.cancel(["c1", "unknown"]);
  assert.equal(aborted.length, 1);
  release.get("b")!("B");
  release.get("a")!("too late");
  await settle();
  assert.deepEqual(responses, [[{ id: "c2", name: "gate", response: { output: "B" } }]]);
  assert.deepEqual(statuses(), ["c1:running", "c2:running", "c1:cancelled", "c2:done"]);
});

Deno.test("when every call of a message is cancelled, nothing is sent", async () => {
  const { tool } = gate();
  const { run, runner, responses } = start([tool]);
  run(["c1", "gate", { key: "a" }]);
  runner.cancel(["c1"]);
  await settle();
  assert.equal(responses.length, 0);
});

Deno.test("a long result is cut with a note saying so", async () => {
  const big = functionTool({
    name: "big",
    description: "Big.",
    parameters: z.object({}),
    handler: () => ({ text: "x".repeat(500) }),
  });
  const { run, responses, events } = start([big], { maxResultChars: 100 });
  run(["c1", "big", {}]);
  await settle();
  const output = String(responses[0][0].response?.output);
  assert.ok(output.startsWith(`{"text":"xxx`));
  assert.match(output, /… \[truncated: the result had 511 characters, only the first 100/);
  assert.equal(output.indexOf("…"), 100);
  assert.equal(events.at(-1)?.result, output, "the page sees what the model got");
});

Deno.test("a result that is not JSON is an error; no result is null", async () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const odd = functionTool({
    name: "odd",
    description: "Odd.",
    parameters: z.object({ kind: z.enum(["cyclic", "nothing"]) }),
    handler: ({ kind }) => kind === "cyclic" ? cyclic : undefined,
  });
  const { run, responses } = start([odd]);
  run(["c1", "odd", { kind: "cyclic" }], ["c2", "odd", { kind: "nothing" }]);
  await settle();
  assert.match(String(responses[0][0].response?.error), /^`odd` returned a value that is not JSON/);
  assert.deepEqual(responses[0][1].response, { output: null });
});

Deno.test("a handler gets only its arguments and a signal", async () => {
  let seen: unknown[] = [];
  const spy = functionTool({
    name: "spy",
    description: "Looks around.",
    parameters: z.object({}),
    handler(...args) {
      seen = args;
      return null;
    },
  });
  const { run } = start([spy]);
  run(["c1", "spy", {}]);
  await settle();
  assert.equal(seen.length, 2);
  assert.deepEqual(seen[0], {});
  assert.deepEqual(Object.keys(seen[1] as object), ["signal"]);
});

Deno.test("a tool that needs confirmation waits for the user, then runs", async () => {
  const { tool, started, release } = gate("delete", { requiresConfirmation: true });
  const { run, runner, responses, statuses } = start([tool]);
  run(["c1", "delete", { key: "a" }]);
  await settle();
  assert.deepEqual(started, []);
  assert.deepEqual(statuses(), ["c1:awaiting_confirmation"]);
  assert.equal(runner.confirm("other", true), false);
  assert.equal(runner.confirm("c1", true), true);
  assert.equal(runner.confirm("c1", true), false, "answered once only");
  await settle();
  assert.deepEqual(started, ["a"]);
  release.get("a")!("deleted");
  await settle();
  assert.deepEqual(responses[0][0].response, { output: "deleted" });
  assert.deepEqual(statuses(), ["c1:awaiting_confirmation", "c1:running", "c1:done"]);
});

Deno.test("a declined call is not run and the model hears the user declined", async () => {
  const { tool, started } = gate("delete", { requiresConfirmation: true });
  const { run, runner, responses, statuses } = start([tool]);
  run(["c1", "delete", { key: "a" }]);
  runner.confirm("c1", false);
  await settle();
  assert.deepEqual(started, []);
  assert.deepEqual(responses[0][0].response, {
    error: "The user declined to run `delete`; it was not run.",
  });
  assert.deepEqual(statuses(), ["c1:awaiting_confirmation", "c1:error"]);
});

Deno.test("an unanswered confirmation times out as a refusal", async () => {
  const { tool, started } = gate("delete", { requiresConfirmation: true });
  const { run, runner, responses, clock } = start([tool]);
  run(["c1", "delete", { key: "a" }]);
  clock.advance(5000);
  await settle();
  assert.deepEqual(started, []);
  assert.deepEqual(responses[0][0].response, {
    error: "The user did not allow `delete` within 5 s, so it was not run.",
  });
  assert.equal(runner.confirm("c1", true), false);
});

Deno.test("bad arguments fail before the user is asked", async () => {
  const { tool } = gate("delete", { requiresConfirmation: true });
  const { run, statuses } = start([tool]);
  run(["c1", "delete", {}]);
  await settle();
  assert.deepEqual(statuses(), ["c1:error"]);
});

Deno.test("a cancelled confirmation stops waiting", async () => {
  const { tool } = gate("delete", { requiresConfirmation: true });
  const { run, runner, responses, clock, statuses } = start([tool]);
  run(["c1", "delete", { key: "a" }]);
  runner.cancel(["c1"]);
  await settle();
  assert.equal(runner.confirm("c1", true), false);
  assert.deepEqual(statuses(), ["c1:awaiting_confirmation", "c1:cancelled"]);
  assert.equal(clock.pending, 0);
  assert.equal(responses.length, 0);
});

Deno.test("closing aborts every call silently", async () => {
  const { tool, aborted } = gate();
  const { run, runner, responses, events } = start([tool]);
  run(["c1", "gate", { key: "a" }]);
  runner.close();
  await settle();
  assert.equal(aborted.length, 1);
  assert.equal(responses.length, 0);
  assert.equal(events.length, 1, "only the running event");
  run(["c2", "gate", { key: "b" }]);
  assert.equal(events.length, 1, "a closed runner starts nothing");
});
