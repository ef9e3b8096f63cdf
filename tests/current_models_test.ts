import assert from "node:assert/strict";
import { CURRENT_MODELS, LEGACY_MODELS, LEGACY_TEXT_MODEL } from "./fake_live_models.ts";
import { startHarness } from "./service_harness.ts";
import { SseClient, type SseEvent } from "./sse_client.ts";

const text = (data: string) => ({ mime_type: "text/plain", data });
const isAudio = (e: SseEvent) => e.event === "message" && e.data.includes('"audio/');

Deno.test("with the defaults, a typed question is answered as streamed text from the spoken answer", async () => {
  await using h = startHarness();
  const { sse, token } = await h.open("today");
  const upstream = await h.fake.connection(0);
  assert.equal(upstream.setup.model, "models/gemini-3.8-live");
  assert.equal(upstream.apiVersion, "v1beta");

  const response = await h.send("today", text("Who won the Tour?"), { "X-Session-Token": token });
  assert.equal(response.status, 200);
  await response.body?.cancel();
  assert.equal(await upstream.nextText(), "Who won the Tour?");

  // Each message carries the speech and its transcription together, as 3.x models send them.
  upstream.text("Tadej ", "Pogačar.");
  upstream.grounding([{ title: "letour.fr", uri: "https://www.letour.fr/" }]);
  upstream.usage(12, 30);
  upstream.turnComplete();
  const events: SseEvent[] = [];
  for (;;) {
    const event = await sse.next();
    events.push(event);
    if (event.data.includes('"turn_complete":true')) break;
  }
  const messages = events.filter((e) => e.event === "message").map((e) => JSON.parse(e.data));
  assert.deepEqual(messages, [
    text("Tadej "),
    text("Pogačar."),
    { turn_complete: true, interrupted: false },
  ]);
  assert.equal(events.filter(isAudio).length, 0, "a text page gets no audio");
  assert.equal(events.filter((e) => e.event === "transcript").length, 0);
  assert.deepEqual(JSON.parse(events.find((e) => e.event === "sources")!.data).sources, [
    { title: "letour.fr", uri: "https://www.letour.fr/" },
  ]);
  assert.equal(JSON.parse(events.find((e) => e.event === "usage")!.data).total_tokens, 42);
});

Deno.test("a typed message during a voice session is sent as realtime text and answered in voice", async () => {
  await using h = startHarness();
  const { sse, token } = await h.open("voice-typed", { isAudio: true });
  const upstream = await h.fake.connection(0);
  const response = await h.send("voice-typed", text("And the year?"), {
    "X-Session-Token": token,
  });
  await response.body?.cancel();
  assert.equal(await upstream.nextText(), "And the year?");
  upstream.speak(new Uint8Array(4800), "In 2024.", "And the year?");
  upstream.turnComplete();
  const heard = await sse.nextWhere((e) =>
    e.event === "transcript" && e.data.includes('"final":true')
  );
  assert.deepEqual(JSON.parse(heard.data), { role: "user", text: "And the year?", final: true });
  assert.deepEqual(await sse.nextJson(), { mime_type: "audio/pcm", data: "A".repeat(6400) });
  const said = await sse.nextJson("transcript");
  assert.deepEqual(said, { role: "model", text: "In 2024.", final: false });
});

Deno.test("text, then voice, then text again: each mode gets its own answers", async () => {
  await using h = startHarness();
  const first = await h.open("switch");
  (await h.fake.connection(0)).text("in text");
  assert.deepEqual(await first.sse.nextJson(), text("in text"));
  const voice = await h.open("switch", { isAudio: true, token: first.token });
  const voiceUp = await h.fake.connection(1);
  assert.deepEqual(voiceUp.setup.generationConfig.responseModalities, ["AUDIO"]);
  voiceUp.text("in voice");
  assert.equal((await voice.sse.nextWhere(isAudio)).event, "message");
  const again = await h.open("switch", { token: first.token });
  (await h.fake.connection(2)).text("text again");
  assert.deepEqual(await again.sse.nextJson(), text("text again"));
});

Deno.test("a retired GEMINI_MODEL gets an error naming it and a model to use, and /readyz says so", async () => {
  await using h = startHarness({ GEMINI_MODEL: "gemini-live-2.5-flash-preview" });
  const { sse } = await h.open("retired");
  const error = await sse.nextJson("error");
  assert.equal(error.fatal, true);
  assert.match(error.error, /GEMINI_MODEL is `gemini-live-2\.5-flash-preview`/);
  assert.match(error.error, /Set GEMINI_MODEL=gemini-3\.8-live/);
  assert.doesNotMatch(error.error, /GOOGLE_API_KEY/);
  // The start-up check lists the models; /readyz reports it once that is done.
  let ready: Response | undefined;
  for (const deadline = Date.now() + 5000; Date.now() < deadline;) {
    ready = await fetch(`${h.baseUrl}/readyz`);
    if (ready.status === 503) break;
    await ready.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(ready?.status, 503);
  const body = await ready!.json();
  assert.equal(body.status, "misconfigured");
  assert.match(body.error, /it can use: gemini-3\.8-live, /);
});

Deno.test("a model that refuses TEXT in auto is switched to speech and transcription once", async () => {
  // A model the service does not know yet, which answers only in audio.
  const models = {
    ...CURRENT_MODELS,
    "gemini-4-live": { ...CURRENT_MODELS["gemini-3.8-live"], displayName: "Next" },
  };
  await using h = startHarness({ GEMINI_MODEL: "gemini-4-live" }, { models });
  const first = await h.open("auto-1");
  const upstream = await h.fake.connection(0);
  // The refused TEXT setup, then the one that was accepted.
  assert.deepEqual(h.fake.setups.map((s) => s.generationConfig.responseModalities), [
    ["TEXT"],
    ["AUDIO"],
  ]);
  upstream.text("spoken, shown as text");
  assert.deepEqual(await first.sse.nextJson(), text("spoken, shown as text"));
  await h.open("auto-2");
  await h.fake.connection(1);
  assert.equal(h.fake.setups.length, 3, "the next session asks for AUDIO at once");
  assert.deepEqual(h.fake.setups[2].generationConfig.responseModalities, ["AUDIO"]);
});

Deno.test("a TEXT-capable model is used in TEXT mode, and its text parts are the answer", async () => {
  await using h = startHarness({ GEMINI_MODEL: LEGACY_TEXT_MODEL }, { models: LEGACY_MODELS });
  const { sse } = await h.open("legacy");
  const upstream = await h.fake.connection(0);
  assert.deepEqual(upstream.setup.generationConfig.responseModalities, ["TEXT"]);
  assert.equal(upstream.setup.outputAudioTranscription, undefined);
  upstream.text("typed ", "answer");
  assert.deepEqual(await sse.nextJson(), text("typed "));
  assert.deepEqual(await sse.nextJson(), text("answer"));
});

Deno.test("GEMINI_TEXT_MODALITY=text on an audio-only model explains the refusal", async () => {
  await using h = startHarness({ GEMINI_TEXT_MODALITY: "text" });
  const { sse } = await h.open("forced-text");
  const error = await sse.nextJson("error");
  assert.equal(error.fatal, true);
  assert.match(error.error, /response modalities \(TEXT\) is not supported/);
  assert.match(error.error, /only in audio: GEMINI_TEXT_MODALITY/);
  assert.equal(h.fake.setups.length, 1, "no switch when the operator chose text");
});

Deno.test("GEMINI_API_VERSION chooses the Live socket's API version", async () => {
  await using h = startHarness({ GEMINI_API_VERSION: "v1alpha" });
  await h.open("alpha");
  assert.equal((await h.fake.connection(0)).apiVersion, "v1alpha");
});

Deno.test("extended thinking: a thinking level is set, and IN_PROGRESS keeps the answer open", async () => {
  await using h = startHarness({ GEMINI_MODEL: "gemini-3.8-live-extended-thinking" });
  const { sse } = await h.open("thinking");
  const upstream = await h.fake.connection(0);
  assert.deepEqual(upstream.setup.generationConfig.thinkingConfig, { thinkingLevel: "MEDIUM" });
  upstream.text("Let me think. ");
  upstream.turnCompleteInProgress();
  upstream.text("Done: 42.");
  upstream.turnComplete();
  assert.deepEqual(await sse.nextJson(), text("Let me think. "));
  // No turn end between the two parts of the one answer.
  assert.deepEqual(await sse.nextJson(), text("Done: 42."));
  assert.deepEqual(await sse.nextJson(), { turn_complete: true, interrupted: false });
});

Deno.test("tools keep working on extended thinking: declared NON_BLOCKING, answered WHEN_IDLE", async () => {
  await using h = startHarness({
    AGENT: "time_and_units_agent",
    GEMINI_MODEL: "gemini-3.8-live-extended-thinking",
  });
  await h.open("async-tools");
  const upstream = await h.fake.connection(0);
  upstream.toolCall([{
    id: "t1",
    name: "convert_units",
    args: { value: 1, from: "km", to: "m" },
  }]);
  const [response] = await upstream.nextToolResponse();
  assert.equal(response.scheduling, "WHEN_IDLE");
  assert.equal(response.response.output.result, 1000);
});

Deno.test("a client written for the reference sample works unchanged, text and voice", async () => {
  await using h = startHarness();
  // As the reference's app.js: a numeric id, EventSource's unnamed events, POSTs
  // with the cookie the stream set and a `{mime_type, data}` body.
  const id = Math.random().toString().substring(10);
  let cookie = "";
  for (const isAudioMode of [false, true]) {
    // Start Audio reopens the stream; the browser sends the cookie with it.
    const sse = await SseClient.open(
      `${h.baseUrl}/events/${id}?is_audio=${isAudioMode}`,
      cookie ? { Cookie: cookie } : {},
    );
    cookie ||= sse.response.headers.get("set-cookie")!.split(";")[0];
    const upstream = await h.fake.connection(isAudioMode ? 1 : 0);
    const body = isAudioMode
      ? { mime_type: "audio/pcm", data: btoa("\0".repeat(3200)) }
      : text("What is Deno?");
    const response = await h.send(id, body, { Cookie: cookie });
    assert.equal(response.ok, true);
    await response.body?.cancel();
    if (isAudioMode) assert.ok((await upstream.nextRealtimeInput()).realtimeInput.audio);
    else assert.equal(await upstream.nextText(), "What is Deno?");
    upstream.text("A runtime.");
    upstream.turnComplete();
    const unnamed: Array<{ mime_type?: string; data?: string; turn_complete?: boolean }> = [];
    while (!unnamed.at(-1)?.turn_complete) {
      unnamed.push(JSON.parse((await sse.nextWhere((e) => e.event === "message")).data));
    }
    assert.deepEqual(
      unnamed.map((m) => m.mime_type ?? "turn_complete"),
      [isAudioMode ? "audio/pcm" : "text/plain", "turn_complete"],
    );
    if (!isAudioMode) assert.equal(unnamed[0].data, "A runtime.");
    await sse.close();
  }
});
