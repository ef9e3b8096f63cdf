import assert from "node:assert/strict";
import { googleSearchAgent } from "./agent_definition.ts";
import { liveConnectParams } from "./live_connect_params.ts";

const agent = googleSearchAgent({
  model: "text-model",
  audioModel: "audio-model",
  instruction: "Be brief.",
});
const modes = ["text", "audio"] as const;

Deno.test("a new session enables resumption without a handle, in both modes", () => {
  for (const mode of modes) {
    const { config } = liveConnectParams(agent, mode);
    assert.deepEqual(config.sessionResumption, {}, `${mode} mode`);
  }
});

Deno.test("a resumed session passes its handle, in both modes", () => {
  for (const mode of modes) {
    const { config } = liveConnectParams(agent, mode, { resumeHandle: "handle-42" });
    assert.deepEqual(config.sessionResumption, { handle: "handle-42" }, `${mode} mode`);
  }
});

Deno.test("compression thresholds are sent as token strings, in both modes", () => {
  for (const mode of modes) {
    const { config } = liveConnectParams(agent, mode, {
      compression: { triggerTokens: 25_600, targetTokens: 12_800 },
    });
    assert.deepEqual(
      config.contextWindowCompression,
      { triggerTokens: "25600", slidingWindow: { targetTokens: "12800" } },
      `${mode} mode`,
    );
  }
});

Deno.test("no context compression is configured unless asked for", () => {
  for (const mode of modes) {
    const { config } = liveConnectParams(agent, mode, { resumeHandle: "handle-42" });
    assert.equal(config.contextWindowCompression, undefined, `${mode} mode`);
    assert.ok(!("contextWindowCompression" in config), `${mode} mode`);
  }
});

Deno.test("resumption and compression can be combined", () => {
  const { config } = liveConnectParams(agent, "audio", {
    resumeHandle: "handle-42",
    compression: { triggerTokens: 1000, targetTokens: 500 },
  });
  assert.deepEqual(config.sessionResumption, { handle: "handle-42" });
  assert.equal(config.contextWindowCompression?.triggerTokens, "1000");
  assert.equal(config.contextWindowCompression?.slidingWindow?.targetTokens, "500");
});
