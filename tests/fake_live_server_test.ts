import assert from "node:assert/strict";
import { FakeLiveServer } from "./fake_live_server.ts";

/** Opens the fake's Live socket, sends `messages`, and resolves with how it closed. */
async function closeOf(
  fake: FakeLiveServer,
  messages: unknown[],
): Promise<{ code: number; reason: string }> {
  const url = fake.url.replace("http", "ws") +
    "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=test-key";
  const socket = new WebSocket(url);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.onclose = (e) => resolve({ code: e.code, reason: e.reason })
  );
  socket.onopen = () => messages.forEach((m) => socket.send(JSON.stringify(m)));
  const timer = setTimeout(() => socket.close(), 5000);
  try {
    return await closed;
  } finally {
    clearTimeout(timer);
  }
}

const setup = (model: string, generationConfig: unknown = {}, extra = {}) => ({
  setup: { model: `models/${model}`, generationConfig, ...extra },
});

Deno.test("the fake refuses what today's models refuse, with Gemini's close codes", async () => {
  const fake = FakeLiveServer.start();
  try {
    const retired = await closeOf(fake, [setup("gemini-live-2.5-flash-preview")]);
    assert.equal(retired.code, 1008);
    assert.match(retired.reason, /not found for API version v1beta/);

    const text = await closeOf(fake, [setup("gemini-3.8-live", { responseModalities: ["TEXT"] })]);
    assert.equal(text.code, 1007);
    assert.match(text.reason, /response modalities \(TEXT\) is not supported/);

    const nativeText = await closeOf(fake, [
      setup("gemini-2.5-flash-native-audio-latest", { responseModalities: ["TEXT"] }),
    ]);
    assert.deepEqual(nativeText, {
      code: 1007,
      reason: "Cannot extract voices from a non-audio request.",
    });

    const thinking = await closeOf(fake, [
      setup("gemini-3.8-live", { thinkingConfig: { thinkingLevel: "LOW" } }),
    ]);
    assert.equal(thinking.code, 1007);
    const noThinking = await closeOf(fake, [setup("gemini-3.8-live-extended-thinking")]);
    assert.equal(noThinking.code, 1007);
    const blockingTool = await closeOf(fake, [
      setup("gemini-3.8-live-extended-thinking", { thinkingConfig: { thinkingLevel: "LOW" } }, {
        tools: [{ functionDeclarations: [{ name: "f" }] }],
      }),
    ]);
    assert.equal(blockingTool.code, 1007);

    const chunks = await closeOf(fake, [
      setup("gemini-3.8-live"),
      { realtimeInput: { mediaChunks: [{ mimeType: "audio/pcm", data: "AAAA" }] } },
    ]);
    assert.deepEqual(chunks, {
      code: 1007,
      reason: "realtime_input.media_chunks is deprecated. Use audio, video, or text instead.",
    });
  } finally {
    await fake.close();
  }
});

Deno.test("the fake's model list pages through Live and other models, and checks the key", async () => {
  const fake = FakeLiveServer.start();
  try {
    const names: string[] = [];
    let token = "";
    do {
      const page = await (await fetch(
        `${fake.url}/v1beta/models?pageSize=2&pageToken=${token}`,
        { headers: { "x-goog-api-key": "test-key" } },
      )).json();
      for (const model of page.models) {
        if (model.supportedGenerationMethods.includes("bidiGenerateContent")) {
          names.push(model.name);
        }
      }
      token = page.nextPageToken ?? "";
    } while (token);
    assert.ok(names.includes("models/gemini-3.8-live"));
    assert.ok(!names.includes("models/gemini-3.5-flash"));
    const refused = await fetch(`${fake.url}/v1beta/models?key=wrong`);
    assert.equal(refused.status, 400);
    assert.match((await refused.json()).error.message, /API key not valid/);
  } finally {
    await fake.close();
  }
});
