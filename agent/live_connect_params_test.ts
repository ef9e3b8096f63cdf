import assert from "node:assert/strict";
import { Modality, type Tool } from "@google/genai";
import { googleSearchAgent } from "./agent_definition.ts";
import { DEFAULT_VOICE, liveConnectParams } from "./live_connect_params.ts";
import { timeAndUnitsAgent } from "./time_and_units_agent.ts";

const agent = googleSearchAgent({
  model: "text-model",
  audioModel: "audio-model",
  instruction: "Be brief.",
});

Deno.test("text mode asks the text model for TEXT answers", () => {
  const { model, config } = liveConnectParams(agent, "text");
  assert.equal(model, "text-model");
  assert.deepEqual(config.responseModalities, [Modality.TEXT]);
});

Deno.test("the agent's instruction is sent as the system instruction", () => {
  for (const mode of ["text", "audio"] as const) {
    const { config } = liveConnectParams(agent, mode);
    assert.deepEqual(config.systemInstruction, {
      parts: [{ text: "Be brief." }],
    });
  }
});

Deno.test("both modes give the model Google Search", () => {
  for (const mode of ["text", "audio"] as const) {
    const { config } = liveConnectParams(agent, mode);
    assert.ok(
      config.tools?.some((tool) => "googleSearch" in tool),
      `${mode} mode has no googleSearch tool`,
    );
  }
});

Deno.test("text mode configures no voice and no transcription", () => {
  const { config } = liveConnectParams(agent, "text", { voice: "Kore" });
  assert.equal(config.speechConfig, undefined);
  assert.equal(config.inputAudioTranscription, undefined);
  assert.equal(config.outputAudioTranscription, undefined);
});

Deno.test("audio mode asks the audio model for AUDIO answers", () => {
  const { model, config } = liveConnectParams(agent, "audio");
  assert.equal(model, "audio-model");
  assert.deepEqual(config.responseModalities, [Modality.AUDIO]);
});

Deno.test("audio mode speaks with the chosen voice", () => {
  const { config } = liveConnectParams(agent, "audio", { voice: "Kore" });
  assert.equal(
    config.speechConfig?.voiceConfig?.prebuiltVoiceConfig?.voiceName,
    "Kore",
  );
});

Deno.test("audio mode uses the default voice when none is given", () => {
  const { config } = liveConnectParams(agent, "audio");
  assert.equal(
    config.speechConfig?.voiceConfig?.prebuiltVoiceConfig?.voiceName,
    DEFAULT_VOICE,
  );
});

Deno.test("audio mode transcribes both the user's and the model's speech", () => {
  const { config } = liveConnectParams(agent, "audio");
  assert.deepEqual(config.inputAudioTranscription, {});
  assert.deepEqual(config.outputAudioTranscription, {});
});

Deno.test("function tools are declared next to Google Search, with their JSON Schema", () => {
  const withTools = timeAndUnitsAgent();
  for (const mode of ["text", "audio"] as const) {
    const { config } = liveConnectParams(withTools, mode);
    assert.equal(config.tools?.length, 2);
    assert.deepEqual(config.tools?.[0], { googleSearch: {} });
    const declarations = (config.tools?.[1] as Tool).functionDeclarations ?? [];
    assert.deepEqual(declarations.map((d) => d.name), ["current_time", "convert_units"]);
    assert.deepEqual(
      (declarations[1].parametersJsonSchema as { required: string[] }).required,
      ["value", "from", "to"],
    );
  }
  assert.deepEqual(liveConnectParams(agent, "text").config.tools, [{ googleSearch: {} }]);
});

Deno.test("a text session on an audio-only model asks for AUDIO and its transcription only", () => {
  const { model, config } = liveConnectParams(agent, "text", { textAnswer: "speech" });
  assert.equal(model, "text-model");
  assert.deepEqual(config.responseModalities, [Modality.AUDIO]);
  assert.deepEqual(config.outputAudioTranscription, {});
  assert.equal(config.inputAudioTranscription, undefined);
  assert.equal(config.speechConfig, undefined);
});

Deno.test("extended thinking gets a thinking level; 3.8 Live and others get none", () => {
  const thinking = (model: string) =>
    liveConnectParams(googleSearchAgent({ model }), "audio").config.thinkingConfig;
  assert.deepEqual(thinking("gemini-3.8-live-extended-thinking"), { thinkingLevel: "MEDIUM" });
  assert.equal(thinking("gemini-3.8-live"), undefined);
  assert.equal(thinking("gemini-2.5-flash-native-audio-latest"), undefined);
});

Deno.test("functions are declared NON_BLOCKING to models that call them asynchronously", () => {
  const behaviors = (model: string) => {
    const { config } = liveConnectParams(timeAndUnitsAgent({ model }), "audio");
    return ((config.tools?.[1] as Tool).functionDeclarations ?? []).map((d) => d.behavior);
  };
  assert.deepEqual(behaviors("gemini-3.8-live-extended-thinking"), [
    "NON_BLOCKING",
    "NON_BLOCKING",
  ]);
  assert.deepEqual(behaviors("gemini-3.8-live"), ["NON_BLOCKING", "NON_BLOCKING"]);
  // 3.1 Flash Live calls functions only synchronously: no behavior is said.
  assert.deepEqual(behaviors("gemini-3.1-flash-live-preview"), [undefined, undefined]);
});
