import assert from "node:assert/strict";
import { liveModelTraits } from "./live_model_traits.ts";

Deno.test("today's Gemini API Live models are known to answer only in audio", () => {
  for (
    const model of [
      "gemini-3.8-live",
      "gemini-3.8-live-extended-thinking",
      "gemini-2.5-flash-native-audio-latest",
      "gemini-2.5-flash-native-audio-preview-12-2025",
      "gemini-3.1-flash-live-preview",
      "models/gemini-3.8-live",
      "gemini-live-2.5-flash-native-audio",
    ]
  ) {
    assert.equal(liveModelTraits(model).audioOnly, true, model);
  }
});

Deno.test("3.8 Live refuses thinking, extended thinking requires it", () => {
  assert.equal(liveModelTraits("gemini-3.8-live").thinking, "refused");
  assert.equal(liveModelTraits("gemini-3.8-live-extended-thinking").thinking, "required");
  assert.equal(liveModelTraits("gemini-3.1-flash-live-preview").thinking, "optional");
});

Deno.test("only the 3.8 family calls functions asynchronously by default", () => {
  assert.equal(liveModelTraits("gemini-3.8-live").asyncFunctions, true);
  assert.equal(liveModelTraits("gemini-3.8-live-extended-thinking").asyncFunctions, true);
  assert.equal(liveModelTraits("gemini-3.1-flash-live-preview").asyncFunctions, false);
  assert.equal(liveModelTraits("gemini-2.5-flash-native-audio-latest").asyncFunctions, false);
});

Deno.test("a model we do not know may take TEXT, so auto tries it", () => {
  assert.deepEqual(liveModelTraits("gemini-live-2.5-flash"), {
    audioOnly: false,
    thinking: "optional",
    asyncFunctions: false,
  });
  // A name that merely contains a known one is not that model.
  assert.equal(liveModelTraits("my-gemini-3.8-live-proxy").audioOnly, false);
});
