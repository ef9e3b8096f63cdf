import assert from "node:assert/strict";
import { skipBrowserTests } from "../tests/browser.ts";
import { runLatencyScenario } from "./latency_scenario.ts";

Deno.test({
  name: "the latency scenario runs in Chromium and prints its table (figures not checked)",
  ignore: skipBrowserTests(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const report = await runLatencyScenario(["--quick"]);
    assert.match(report, /\| Codec \| Chunk ms \| Onset at once \| Play buffer ms \| Up p50/);
    assert.match(report, /\| opus \| 50 \| n\/a \| 0 \| [\d.]+ \/ [\d.]+ \|/);
  },
});
