import assert from "node:assert/strict";
import { RateLimiter } from "./rate_limiter.ts";

Deno.test("a burst is allowed, then requests wait for the bucket to refill", () => {
  let now = 0;
  const limiter = new RateLimiter({ ratePerSecond: 2, burst: 4, now: () => now });
  for (let i = 0; i < 4; i++) assert.equal(limiter.take("a"), 0);
  assert.equal(limiter.take("a"), 500, "one token comes back every 500 ms");
  assert.equal(limiter.take("b"), 0, "keys are independent");
  now = 500;
  assert.equal(limiter.take("a"), 0);
  assert.ok(limiter.take("a") > 0);
});

Deno.test("costs are weighted, and a refused request spends nothing", () => {
  let now = 0;
  const limiter = new RateLimiter({ ratePerSecond: 1, burst: 60, now: () => now });
  assert.equal(limiter.take("s", 50), 0);
  assert.equal(limiter.take("s", 20), 10_000, "ten more seconds to afford 20");
  assert.equal(limiter.take("s", 10), 0, "the refusal did not spend");
  now = 60_000;
  assert.equal(limiter.take("s", 60), 0, "refilled to the burst, not beyond");
  assert.ok(limiter.take("s", 1) > 0);
});
