import assert from "node:assert/strict";
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from "./retry_delay.ts";

const policy: RetryPolicy = { baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 10 };
const highest = () => 1;
const lowest = () => 0;

Deno.test("the first attempt is made at once, whatever the jitter", () => {
  for (const random of [lowest, () => 0.5, highest]) {
    assert.equal(retryDelayMs(1, policy, random), 0);
  }
});

Deno.test("the second attempt waits up to the base delay", () => {
  assert.equal(retryDelayMs(2, policy, highest), 100);
});

Deno.test("each later attempt may wait twice as long as the one before", () => {
  assert.deepEqual(
    [2, 3, 4, 5].map((attempt) => retryDelayMs(attempt, policy, highest)),
    [100, 200, 400, 800],
  );
});

Deno.test("no attempt waits longer than maxDelayMs", () => {
  assert.equal(retryDelayMs(6, policy, highest), 1000);
  assert.equal(retryDelayMs(40, policy, highest), 1000);
});

Deno.test("jitter shortens a delay to no less than half its ceiling", () => {
  assert.equal(retryDelayMs(3, policy, lowest), 100);
  assert.equal(retryDelayMs(3, policy, () => 0.5), 150);
  assert.equal(retryDelayMs(40, policy, lowest), 500);
});

Deno.test("jittered delays stay between 50% and 100% of the ceiling", () => {
  for (let i = 0; i <= 100; i++) {
    const random = () => i / 101;
    for (const [attempt, ceiling] of [[2, 100], [4, 400], [9, 1000]]) {
      const delay = retryDelayMs(attempt, policy, random);
      assert.ok(
        delay >= ceiling / 2 && delay <= ceiling,
        `attempt ${attempt} with random ${i / 101} waits ${delay} ms`,
      );
    }
  }
});

Deno.test("the default policy waits about 0.5, 1, 2, 4 and 8 s and tries 6 times", () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map((attempt) => retryDelayMs(attempt, DEFAULT_RETRY_POLICY, highest)),
    [0, 500, 1000, 2000, 4000, 8000],
  );
  assert.equal(DEFAULT_RETRY_POLICY.maxAttempts, 6);
});
