import assert from "node:assert/strict";
import { hashToken, storedTail } from "./session_store.ts";

Deno.test("the stored tail keeps the newest events within its bounds, in order", () => {
  const events = Array.from(
    { length: 10 },
    (_, i) => ({ id: i + 1, message: { id: i + 1, data: `"e${i + 1}"` } }),
  );
  assert.deepEqual(storedTail(events, { maxEvents: 3, maxBytes: 1000 }).map((e) => e.id), [
    8,
    9,
    10,
  ]);
  // Each of these takes 4 + 16 bytes.
  assert.deepEqual(storedTail(events, { maxEvents: 100, maxBytes: 45 }).map((e) => e.id), [9, 10]);
});

Deno.test("the stored tail leaves the agent's voice out but keeps ids contiguous", () => {
  const tail = storedTail([
    { id: 1, message: { id: 1, data: "a" } },
    { id: 2 },
    { id: 3, message: { id: 3, data: "b" } },
  ]);
  assert.deepEqual(tail.map((e) => e.id), [1, 2, 3]);
  assert.equal(tail[1].data, undefined);
  assert.equal(tail[1].comment, "audio not kept");
});

Deno.test("a token is stored as its SHA-256, never as itself", async () => {
  const hash = await hashToken("secret-token");
  assert.match(hash, /^[0-9a-f]{64}$/);
  assert.ok(!hash.includes("secret"));
  assert.equal(await hashToken("secret-token"), hash);
  assert.notEqual(await hashToken("secret-tokem"), hash);
});
