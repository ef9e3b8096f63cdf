import assert from "node:assert/strict";
import { OnsetDetector } from "./onset_detector.ts";

Deno.test("an onset is the first loud sample after 150 ms of quiet, across pushes", () => {
  const detector = new OnsetDetector(16000);
  const burst = new Int16Array(1600).fill(8000); // 100 ms loud
  const quiet = new Int16Array(1600); // 100 ms: too short a pause
  assert.deepEqual(detector.push(burst), [0]);
  assert.deepEqual(detector.push(quiet), []);
  assert.deepEqual(detector.push(burst), []);
  assert.deepEqual(detector.push(new Int16Array(2400)), []);
  assert.deepEqual(detector.push(burst), [7200]);
});
