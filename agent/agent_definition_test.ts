import assert from "node:assert/strict";
import { DEFAULT_INSTRUCTION, DEFAULT_MODEL, googleSearchAgent } from "./agent_definition.ts";

Deno.test("the default agent is the reference google_search_agent", () => {
  const agent = googleSearchAgent();
  assert.equal(agent.name, "google_search_agent");
  assert.equal(agent.model, DEFAULT_MODEL);
  assert.equal(agent.audioModel, DEFAULT_MODEL);
  assert.equal(agent.instruction, DEFAULT_INSTRUCTION);
  assert.equal(
    agent.instruction,
    "Answer the question using the Google Search tool.",
  );
  assert.deepEqual(agent.tools, [{ googleSearch: {} }]);
  assert.ok(agent.description.length > 0);
});

Deno.test("settings override the model, audio model and instruction", () => {
  const agent = googleSearchAgent({
    model: "m",
    audioModel: "a",
    instruction: "i",
  });
  assert.equal(agent.model, "m");
  assert.equal(agent.audioModel, "a");
  assert.equal(agent.instruction, "i");
});

Deno.test("the audio model falls back to the chosen model", () => {
  assert.equal(googleSearchAgent({ model: "m" }).audioModel, "m");
  assert.equal(
    googleSearchAgent({ model: "m", audioModel: "" }).audioModel,
    "m",
  );
});

Deno.test("empty settings fall back to the defaults", () => {
  const agent = googleSearchAgent({ model: "", instruction: "" });
  assert.equal(agent.model, DEFAULT_MODEL);
  assert.equal(agent.instruction, DEFAULT_INSTRUCTION);
});
