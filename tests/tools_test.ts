/**
 * Function tools end to end: the fake Live API issues `toolCall`s and
 * `toolCallCancellation`s to the real service, and checks the `toolResponse`s
 * it gets back and the `tool` events the page gets.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import type { AgentCatalog } from "../agent/agent_catalog.ts";
import { googleSearchAgent } from "../agent/agent_definition.ts";
import { functionTool } from "../agent/function_tool.ts";
import { startHarness } from "./service_harness.ts";
import { deleteNoteTool } from "./test_tools.ts";

/** Calls of `wait` the service aborted, by key. */
const aborted: string[] = [];
/** How many `meet` calls have started; each waits for the other. */
let arrived = 0;
let allArrived = Promise.withResolvers<void>();

const testAgents: AgentCatalog = {
  tool_test_agent: (settings) => ({
    ...googleSearchAgent(settings),
    name: "tool_test_agent",
    functionTools: [
      functionTool({
        name: "echo",
        description: "Says it back.",
        parameters: z.object({ text: z.string() }),
        handler: ({ text }) => ({ echoed: text }),
      }),
      functionTool({
        name: "meet",
        description: "Returns once two calls of it run at the same time.",
        parameters: z.object({ who: z.string() }),
        timeoutMs: 2000,
        handler: async ({ who }) => {
          if (++arrived === 2) allArrived.resolve();
          await allArrived.promise;
          return `${who} met`;
        },
      }),
      functionTool({
        name: "wait",
        description: "Runs until aborted, then (wrongly) returns anyway.",
        parameters: z.object({ key: z.string() }),
        timeoutMs: 200,
        handler: ({ key }, { signal }) =>
          new Promise((resolve) => {
            signal.addEventListener("abort", () => {
              aborted.push(key);
              resolve("finished anyway");
            });
          }),
      }),
      deleteNoteTool,
    ],
  }),
};

function startToolHarness() {
  return startHarness({ AGENT: "tool_test_agent" }, {}, { agents: testAgents });
}

Deno.test("the setup declares the example agent's functions next to Google Search", async () => {
  await using h = startHarness({ AGENT: "time_and_units_agent" });
  await h.open("setup");
  const { setup } = await h.fake.connection(0);
  assert.equal(setup.tools.length, 2);
  assert.deepEqual(setup.tools[0], { googleSearch: {} });
  const [time, units] = setup.tools[1].functionDeclarations;
  assert.equal(time.name, "current_time");
  assert.deepEqual(time.parametersJsonSchema.properties.time_zone.type, "string");
  assert.equal(units.name, "convert_units");
  assert.deepEqual(units.parametersJsonSchema.required, ["value", "from", "to"]);
  assert.ok(units.parametersJsonSchema.properties.from.enum.includes("mi"));
  assert.match(setup.systemInstruction.parts[0].text, /convert_units/);
});

Deno.test("a single call runs the tool; Gemini gets the result and the page sees it run", async () => {
  await using h = startHarness({ AGENT: "time_and_units_agent" });
  const { sse } = await h.open("single");
  const upstream = await h.fake.connection(0);
  const args = { value: 5, from: "km", to: "mi" };
  upstream.toolCall([{ id: "fc-1", name: "convert_units", args }]);

  assert.deepEqual(await upstream.nextToolResponse(), [{
    id: "fc-1",
    name: "convert_units",
    response: { output: { value: 5, from: "km", to: "mi", result: 3.106855961 } },
    scheduling: "WHEN_IDLE",
  }]);
  assert.deepEqual(await sse.nextJson("tool"), {
    id: "fc-1",
    name: "convert_units",
    args,
    status: "running",
  });
  assert.deepEqual(await sse.nextJson("tool"), {
    id: "fc-1",
    name: "convert_units",
    args,
    status: "done",
    result: { value: 5, from: "km", to: "mi", result: 3.106855961 },
  });
});

Deno.test("parallel calls in one message run at the same time and are answered together", async () => {
  arrived = 0;
  allArrived = Promise.withResolvers();
  await using h = startToolHarness();
  const { sse } = await h.open("parallel");
  const upstream = await h.fake.connection(0);
  upstream.toolCall([
    { id: "a", name: "meet", args: { who: "Ann" } },
    { id: "b", name: "meet", args: { who: "Bob" } },
  ]);
  // Run one after the other, the first would wait for the second until its timeout.
  assert.deepEqual(await upstream.nextToolResponse(), [
    { id: "a", name: "meet", response: { output: "Ann met" }, scheduling: "WHEN_IDLE" },
    { id: "b", name: "meet", response: { output: "Bob met" }, scheduling: "WHEN_IDLE" },
  ]);
  const seen = [];
  for (let i = 0; i < 4; i++) {
    const { id, status } = await sse.nextJson("tool");
    seen.push(`${id}:${status}`);
  }
  assert.deepEqual(seen.slice(0, 2).sort(), ["a:running", "b:running"]);
  assert.deepEqual(seen.slice(2).sort(), ["a:done", "b:done"]);
});

Deno.test("a cancelled call is aborted and never answered", async () => {
  aborted.length = 0;
  await using h = startToolHarness();
  const { sse } = await h.open("cancel");
  const upstream = await h.fake.connection(0);
  upstream.toolCall([{ id: "w1", name: "wait", args: { key: "w1" } }]);
  assert.equal((await sse.nextJson("tool")).status, "running");
  upstream.toolCallCancellation(["w1"]);
  assert.deepEqual(await sse.nextJson("tool"), {
    id: "w1",
    name: "wait",
    args: { key: "w1" },
    status: "cancelled",
  });
  assert.deepEqual(aborted, ["w1"]);
  // Past the cancelled call's timeout, the next answer is the next call's.
  await new Promise((resolve) => setTimeout(resolve, 300));
  upstream.toolCall([{ id: "e1", name: "echo", args: { text: "next" } }]);
  assert.deepEqual(await upstream.nextToolResponse(), [
    { id: "e1", name: "echo", response: { output: { echoed: "next" } }, scheduling: "WHEN_IDLE" },
  ]);
});

Deno.test("bad arguments come back to Gemini as an error it can read", async () => {
  await using h = startHarness({ AGENT: "time_and_units_agent" });
  const { sse } = await h.open("bad-args");
  const upstream = await h.fake.connection(0);
  upstream.toolCall([{ id: "x", name: "convert_units", args: { value: "ten", from: "km" } }]);
  const [response] = await upstream.nextToolResponse();
  assert.equal(response.id, "x");
  assert.match(response.response.error, /^Invalid arguments for `convert_units`: `value`: /);
  assert.match(response.response.error, /`to`: /);
  const event = await sse.nextJson("tool");
  assert.equal(event.status, "error");
  assert.equal(event.result, response.response.error);
  // The session lives on.
  upstream.text("Sorry, let me retry.");
  assert.equal((await sse.nextJson()).data, "Sorry, let me retry.");
});

Deno.test("a slow handler past its timeout is aborted and Gemini hears so", async () => {
  aborted.length = 0;
  await using h = startToolHarness();
  const { sse } = await h.open("slow");
  const upstream = await h.fake.connection(0);
  upstream.toolCall([{ id: "s1", name: "wait", args: { key: "s1" } }]);
  assert.deepEqual(await upstream.nextToolResponse(), [
    {
      id: "s1",
      name: "wait",
      response: { error: "`wait` did not finish within 0.2 s" },
      scheduling: "WHEN_IDLE",
    },
  ]);
  assert.deepEqual(aborted, ["s1"]);
  await sse.nextJson("tool");
  assert.deepEqual(await sse.nextJson("tool"), {
    id: "s1",
    name: "wait",
    args: { key: "s1" },
    status: "error",
    result: "`wait` did not finish within 0.2 s",
  });
});

/** POSTs the user's answer to a tool call. */
function answer(
  baseUrl: string,
  session: string,
  call: string,
  body: unknown,
  headers: HeadersInit = {},
): Promise<Response> {
  return fetch(`${baseUrl}/tools/${session}/${call}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

Deno.test("a tool that needs confirmation runs once the user allows it", async () => {
  await using h = startToolHarness();
  const { sse, token } = await h.open("allow");
  const upstream = await h.fake.connection(0);
  upstream.toolCall([{ id: "d1", name: "delete_note", args: { title: "groceries" } }]);
  assert.deepEqual(await sse.nextJson("tool"), {
    id: "d1",
    name: "delete_note",
    args: { title: "groceries" },
    status: "awaiting_confirmation",
  });
  const response = await answer(h.baseUrl, "allow", "d1", { approved: true }, {
    "X-Session-Token": token,
  });
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { status: "allowed" });
  assert.deepEqual(await upstream.nextToolResponse(), [
    {
      id: "d1",
      name: "delete_note",
      response: { output: "deleted groceries" },
      scheduling: "WHEN_IDLE",
    },
  ]);
  assert.equal((await sse.nextJson("tool")).status, "running");
  assert.equal((await sse.nextJson("tool")).status, "done");
  // Answered once only.
  const again = await answer(h.baseUrl, "allow", "d1", { approved: true }, {
    "X-Session-Token": token,
  });
  assert.equal(again.status, 404);
});

Deno.test("a declined tool is not run and Gemini hears the user declined", async () => {
  await using h = startToolHarness();
  const { sse, cookie } = await h.open("decline");
  const upstream = await h.fake.connection(0);
  upstream.toolCall([{ id: "d2", name: "delete_note", args: { title: "taxes" } }]);
  await sse.nextJson("tool");
  const response = await answer(h.baseUrl, "decline", "d2", { approved: false }, {
    Cookie: cookie,
  });
  assert.deepEqual(await response.json(), { status: "declined" });
  assert.deepEqual(await upstream.nextToolResponse(), [{
    id: "d2",
    name: "delete_note",
    response: { error: "The user declined to run `delete_note`; it was not run." },
    scheduling: "WHEN_IDLE",
  }]);
  assert.deepEqual(await sse.nextJson("tool"), {
    id: "d2",
    name: "delete_note",
    args: { title: "taxes" },
    status: "error",
    result: "The user declined to run `delete_note`; it was not run.",
  });
});

Deno.test("only the session's owner can answer, with a boolean, for a waiting call", async () => {
  await using h = startToolHarness();
  const { sse, token } = await h.open("guard");
  const upstream = await h.fake.connection(0);
  upstream.toolCall([{ id: "d3", name: "delete_note", args: { title: "x" } }]);
  await sse.nextJson("tool");
  const owner = { "X-Session-Token": token };

  const anonymous = await answer(h.baseUrl, "guard", "d3", { approved: true });
  assert.equal(anonymous.status, 401);
  const stranger = await answer(h.baseUrl, "guard", "d3", { approved: true }, {
    "X-Session-Token": "x".repeat(43),
  });
  assert.equal(stranger.status, 404, "a wrong token gets an unknown id's answer");
  const vague = await answer(h.baseUrl, "guard", "d3", { approved: "yes" }, owner);
  assert.equal(vague.status, 400);
  assert.deepEqual(await vague.json(), {
    error: 'Invalid body: send {"approved": true} or {"approved": false}',
  });
  const unknown = await answer(h.baseUrl, "guard", "nope", { approved: true }, owner);
  assert.equal(unknown.status, 404);
  assert.match((await unknown.json()).error, /no tool call `nope` awaits an answer/);
  const noSession = await answer(h.baseUrl, "nobody", "d3", { approved: true }, owner);
  assert.equal(noSession.status, 404);

  // The call still waits, and the owner's answer still counts.
  const allowed = await answer(h.baseUrl, "guard", "d3", { approved: true }, owner);
  assert.equal(allowed.status, 200);
  assert.equal((await upstream.nextToolResponse())[0].response.output, "deleted x");
});
