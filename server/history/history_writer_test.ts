import assert from "node:assert/strict";
import { createLogger } from "../observability/logger.ts";
import type { HistoryMetrics } from "./history_metrics.ts";
import type { TurnBatch } from "./history_store.ts";
import { HistoryWriter } from "./history_writer.ts";

const quiet = createLogger("error");
const batch = (text: string): TurnBatch => ({
  owner: "o",
  conversationId: "c",
  turns: [{ role: "user", text, at: 0 }],
});

function countingMetrics() {
  const counts = { written: 0, failed: 0, dropped: 0 };
  const metrics: HistoryMetrics = {
    written: (turns) => void (counts.written += turns),
    failed: () => void counts.failed++,
    dropped: (turns) => void (counts.dropped += turns),
  };
  return { counts, metrics };
}

Deno.test("writes are queued, not made by the caller, and go out in order", async () => {
  const written: string[] = [];
  const writer = new HistoryWriter({
    append: (batches) => {
      written.push(...batches.map((b) => b.turns[0].text));
      return Promise.resolve();
    },
    logger: quiet,
  });
  writer.write(batch("a"));
  writer.write(batch("b"));
  assert.deepEqual(written, [], "the caller does not wait for the database");
  await writer.close(1000);
  assert.deepEqual(written, ["a", "b"]);
});

Deno.test("a failing database is counted and retried until it succeeds; nothing is lost", async () => {
  let failuresLeft = 2;
  const written: string[] = [];
  const { counts, metrics } = countingMetrics();
  const writer = new HistoryWriter({
    append: (batches) => {
      if (failuresLeft-- > 0) return Promise.reject(new Error("database is down"));
      written.push(...batches.map((b) => b.turns[0].text));
      return Promise.resolve();
    },
    logger: quiet,
    metrics,
    retryMs: 10,
  });
  writer.write(batch("a"));
  writer.write(batch("b"));
  const deadline = Date.now() + 5000;
  while (written.length < 2 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.deepEqual(written, ["a", "b"]);
  assert.equal(counts.failed, 2);
  assert.equal(counts.written, 2);
  await writer.close(100);
});

Deno.test("while the database fails, the queue is bounded: the oldest turns are dropped and counted", async () => {
  const { counts, metrics } = countingMetrics();
  const writer = new HistoryWriter({
    append: () => Promise.reject(new Error("down")),
    logger: quiet,
    metrics,
    maxQueued: 3,
    retryMs: 10_000,
  });
  for (const text of ["a", "b", "c", "d", "e"]) writer.write(batch(text));
  assert.equal(writer.queued, 3);
  assert.equal(counts.dropped, 2);
  await writer.close(50);
  assert.equal(counts.dropped, 5, "what is left at shutdown is counted too");
});
