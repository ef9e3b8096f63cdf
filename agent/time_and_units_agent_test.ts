import assert from "node:assert/strict";
import { AGENTS, DEFAULT_AGENT } from "./agent_catalog.ts";
import { DEFAULT_MODEL } from "./agent_definition.ts";
import { TIME_AND_UNITS_INSTRUCTION, timeAndUnitsAgent } from "./time_and_units_agent.ts";

Deno.test("the example agent has Google Search and two offline function tools", () => {
  const agent = timeAndUnitsAgent();
  assert.equal(agent.name, "time_and_units_agent");
  assert.equal(agent.model, DEFAULT_MODEL);
  assert.equal(agent.instruction, TIME_AND_UNITS_INSTRUCTION);
  assert.deepEqual(agent.tools, [{ googleSearch: {} }]);
  assert.deepEqual(agent.functionTools?.map((tool) => tool.name), [
    "current_time",
    "convert_units",
  ]);
  assert.ok(agent.functionTools?.every((tool) => !tool.requiresConfirmation));
});

Deno.test("every shipped agent is listed under its own name, the default among them", () => {
  for (const [name, build] of Object.entries(AGENTS)) assert.equal(build({}).name, name);
  assert.ok(DEFAULT_AGENT in AGENTS);
});
