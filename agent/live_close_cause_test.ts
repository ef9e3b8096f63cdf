import assert from "node:assert/strict";
import { liveCloseCause } from "./live_close_cause.ts";

Deno.test("close code 1007 (invalid argument) is fatal", () => {
  const cause = liveCloseCause(1007, "Request contains an invalid argument.");
  assert.equal(cause.fatal, true);
  assert.match(cause.message, /Request contains an invalid argument\./);
});

Deno.test("close code 1008 (policy) is fatal whatever the reason says", () => {
  const cause = liveCloseCause(1008, "Something happened");
  assert.equal(cause.fatal, true);
  assert.match(cause.message, /Something happened/);
});

Deno.test("a fatal cause tells the user what to check", () => {
  const cause = liveCloseCause(1008, "Policy violation");
  assert.match(cause.message, /GOOGLE_API_KEY/);
  assert.match(cause.message, /GEMINI_MODEL/);
});

for (
  const reason of [
    "API key not valid. Please pass a valid API key.",
    "You exceeded your current quota",
    "The caller does not have permission",
    "models/gemini-x is not found for API version v1beta",
  ]
) {
  Deno.test(`reason "${reason}" is fatal even with code 1011`, () => {
    const cause = liveCloseCause(1011, reason);
    assert.equal(cause.fatal, true);
    assert.ok(cause.message.includes(reason), cause.message);
  });
}

Deno.test("1011 'Internal error' is not fatal, so reconnecting may help", () => {
  const cause = liveCloseCause(1011, "Internal error");
  assert.equal(cause.fatal, false);
  assert.match(cause.message, /Internal error/);
  assert.doesNotMatch(cause.message, /GOOGLE_API_KEY/);
});

Deno.test("a normal close (1000) is not fatal", () => {
  const cause = liveCloseCause(1000, "");
  assert.equal(cause.fatal, false);
});

Deno.test("an empty reason gives a message naming the close code", () => {
  assert.match(liveCloseCause(1006, "").message, /1006/);
  assert.match(liveCloseCause(1007, "   ").message, /1007/);
});
