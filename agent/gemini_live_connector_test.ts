import assert from "node:assert/strict";
import { googleSearchAgent } from "./agent_definition.ts";
import { GeminiLiveConnector } from "./gemini_live_connector.ts";
import { DEFAULT_RETRY_POLICY } from "./retry_delay.ts";

Deno.test("Vertex AI models are not checked: its list does not name the Live ones", async () => {
  const warnings: string[] = [];
  const connector = new GeminiLiveConnector({
    agent: googleSearchAgent(),
    credentials: { kind: "vertex", project: "p", location: "us-central1" },
    voice: "Puck",
    textModality: "auto",
    connectTimeoutMs: 1000,
    compression: { triggerTokens: 2, targetTokens: 1 },
    retry: DEFAULT_RETRY_POLICY,
    maxQueuedBytes: 1024,
    log: { info: () => {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
  });
  assert.equal(await connector.checkModels(), null);
  assert.equal(connector.problem, undefined);
  assert.deepEqual(warnings, []);
});
