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

Deno.test("a refused key is blamed on GOOGLE_API_KEY, and only a refused key", () => {
  const key = liveCloseCause(1007, "API key not valid. Please pass a valid API key.");
  assert.equal(key.kind, "key");
  assert.match(key.message, /check GOOGLE_API_KEY/);
  const other = liveCloseCause(1008, "Policy violation");
  assert.equal(other.kind, "other");
  assert.doesNotMatch(other.message, /GOOGLE_API_KEY|GEMINI_MODEL/);
});

Deno.test("an unknown model is blamed on GEMINI_MODEL, not on the key", () => {
  const cause = liveCloseCause(
    1008,
    "models/gemini-live-2.5-flash-preview is not found for API version v1beta, or is not " +
      "supported for bidiGenerateContent.",
  );
  assert.equal(cause.kind, "model");
  assert.match(cause.message, /check GEMINI_MODEL/);
  assert.doesNotMatch(cause.message, /GOOGLE_API_KEY/);
});

Deno.test("a refused TEXT modality says the model answers only in audio", () => {
  const cause = liveCloseCause(
    1007,
    "the requested combination of response modalities (TEXT) is not supported",
  );
  assert.equal(cause.kind, "modality");
  assert.match(cause.message, /only in audio/);
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
