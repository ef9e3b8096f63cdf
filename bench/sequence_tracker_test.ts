import assert from "node:assert/strict";
import { SequenceTracker } from "./sequence_tracker.ts";

Deno.test("late and repeated chunks are counted per stream", () => {
  const tracker = new SequenceTracker();
  for (const [stream, seq] of [[0, 0], [1, 0], [0, 2], [0, 1], [1, 1], [1, 1]]) {
    tracker.add(stream, seq);
  }
  assert.deepEqual(tracker.counts, { received: 5, reordered: 1, duplicates: 1 });
});
