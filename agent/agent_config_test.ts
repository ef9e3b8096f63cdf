import assert from "node:assert/strict";
import { agentConfig } from "./agent_config.ts";
import { DEFAULT_INSTRUCTION, DEFAULT_MODEL, googleSearchAgent } from "./agent_definition.ts";
import { DEFAULT_VOICE } from "./live_connect_params.ts";

Deno.test("defaults give google_search_agent with the default model, instruction and voice", () => {
  const options = agentConfig({ GOOGLE_API_KEY: "k" });
  assert.equal(options.agent.name, "google_search_agent");
  assert.equal(options.agent.model, DEFAULT_MODEL);
  assert.equal(options.agent.audioModel, DEFAULT_MODEL);
  assert.equal(options.agent.instruction, DEFAULT_INSTRUCTION);
  assert.equal(options.voice, DEFAULT_VOICE);
  assert.equal(options.baseUrl, undefined);
  assert.deepEqual(options.credentials, { kind: "api_key", apiKey: "k" });
});

Deno.test("no credentials are passed on as null", () => {
  assert.equal(agentConfig({}).credentials, null);
});

Deno.test("GEMINI_MODEL chooses the model for both modes", () => {
  const options = agentConfig({ GEMINI_MODEL: "m" });
  assert.equal(options.agent.model, "m");
  assert.equal(options.agent.audioModel, "m");
});

Deno.test("GEMINI_AUDIO_MODEL chooses the model for voice only", () => {
  const options = agentConfig({ GEMINI_MODEL: "m", GEMINI_AUDIO_MODEL: "a" });
  assert.equal(options.agent.model, "m");
  assert.equal(options.agent.audioModel, "a");
});

Deno.test("AGENT_INSTRUCTION replaces the instruction", () => {
  assert.equal(
    agentConfig({ AGENT_INSTRUCTION: "Answer in French." }).agent.instruction,
    "Answer in French.",
  );
});

Deno.test("GEMINI_VOICE chooses the voice", () => {
  assert.equal(agentConfig({ GEMINI_VOICE: "Kore" }).voice, "Kore");
  assert.equal(agentConfig({ GEMINI_VOICE: "" }).voice, DEFAULT_VOICE);
});

Deno.test("GOOGLE_GEMINI_BASE_URL sets the base URL for API key credentials", () => {
  const options = agentConfig({
    GOOGLE_API_KEY: "k",
    GOOGLE_GEMINI_BASE_URL: "http://127.0.0.1:9999",
    GOOGLE_VERTEX_BASE_URL: "http://vertex.invalid",
  });
  assert.equal(options.baseUrl, "http://127.0.0.1:9999");
});

Deno.test("GOOGLE_VERTEX_BASE_URL sets the base URL for Vertex AI", () => {
  const options = agentConfig({
    GOOGLE_GENAI_USE_VERTEXAI: "true",
    GOOGLE_CLOUD_PROJECT: "p",
    GOOGLE_CLOUD_LOCATION: "l",
    GOOGLE_GEMINI_BASE_URL: "http://gemini.invalid",
    GOOGLE_VERTEX_BASE_URL: "http://127.0.0.1:9998",
  });
  assert.equal(options.credentials?.kind, "vertex");
  assert.equal(options.baseUrl, "http://127.0.0.1:9998");
});

Deno.test("an empty base URL variable means the default endpoint", () => {
  assert.equal(
    agentConfig({ GOOGLE_API_KEY: "k", GOOGLE_GEMINI_BASE_URL: "" }).baseUrl,
    undefined,
  );
});

Deno.test("AGENT chooses the agent by name, google_search_agent by default", () => {
  assert.equal(agentConfig({ AGENT: "" }).agent.name, "google_search_agent");
  const agent = agentConfig({ AGENT: "time_and_units_agent", GEMINI_MODEL: "m" }).agent;
  assert.equal(agent.name, "time_and_units_agent");
  assert.equal(agent.model, "m");
  assert.deepEqual(agent.functionTools?.map((tool) => tool.name), [
    "current_time",
    "convert_units",
  ]);
});

Deno.test("an unknown AGENT is refused with the names to choose from", () => {
  assert.throws(
    () => agentConfig({ AGENT: "nope" }),
    (error: Error) =>
      error instanceof RangeError &&
      error.message ===
        'Cannot read config: `AGENT` must be one of google_search_agent, time_and_units_agent, got "nope"',
  );
  assert.throws(() => agentConfig({ AGENT: "toString" }), /must be one of/);
});

Deno.test("agents can come from another catalog", () => {
  const options = agentConfig({ AGENT: "mine" }, {
    mine: (settings) => ({ ...googleSearchAgent(settings), name: "mine" }),
  });
  assert.equal(options.agent.name, "mine");
});
