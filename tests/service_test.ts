import assert from "node:assert/strict";
import { fromBase64, toBase64 } from "./fake_live_server.ts";
import { startHarness } from "./service_harness.ts";

const text = (data: string) => ({ mime_type: "text/plain", data });
const audio = (bytes: Uint8Array) => ({
  mime_type: "audio/pcm",
  data: toBase64(bytes),
});
const pcm = (length: number, seed = 1) => Uint8Array.from({ length }, (_, i) => (i * seed) & 0xff);

Deno.test("a typed question streams back as partial text ending with turn_complete", async () => {
  await using h = startHarness();
  const { sse, token } = await h.open("s1");
  const upstream = await h.fake.connection(0);

  const response = await h.send("s1", text("Who won?"), {
    "X-Session-Token": token,
  });
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { status: "sent" });
  // realtimeInput.text, which every current model takes mid-session.
  const content = await upstream.nextRealtimeInput();
  assert.deepEqual(content.realtimeInput, { text: "Who won?" });

  upstream.text("The ", "winner ", "is…");
  assert.deepEqual(await sse.nextJson(), {
    mime_type: "text/plain",
    data: "The ",
  });
  assert.deepEqual(await sse.nextJson(), {
    mime_type: "text/plain",
    data: "winner ",
  });
  assert.deepEqual(await sse.nextJson(), {
    mime_type: "text/plain",
    data: "is…",
  });
  upstream.turnComplete();
  assert.deepEqual(await sse.nextJson(), {
    turn_complete: true,
    interrupted: false,
  });
});

Deno.test("every event carries an id; ids increase after the session event's resume point", async () => {
  await using h = startHarness();
  const sse = await fetch(`${h.baseUrl}/events/ids`);
  assert.equal(
    sse.headers.get("content-type"),
    "text/event-stream; charset=utf-8",
  );
  const upstream = await h.fake.connection(0);
  upstream.text("a", "b");
  upstream.turnComplete();
  const reader = sse.body!.pipeThrough(new TextDecoderStream()).getReader();
  let body = "";
  while ((body.match(/\n\n/g) ?? []).length < 4) {
    body += (await reader.read()).value;
  }
  await reader.cancel();
  const frames = body.split("\n\n").filter(Boolean);
  assert.match(frames[0], /^event: session\nid: 0\nretry: \d+\ndata: \{/);
  assert.deepEqual(
    frames.slice(1, 4).map((f) => f.match(/^id: (\d+)$/m)?.[1]),
    ["1", "2", "3"],
  );
});

Deno.test("the setup carries the agent's instruction, Google Search and the mode's modality", async () => {
  await using h = startHarness({
    GEMINI_VOICE: "Kore",
    GEMINI_AUDIO_MODEL: "gemini-2.5-flash-native-audio-latest",
  });
  await h.open("text-mode");
  const textSetup = (await h.fake.connection(0)).setup;
  assert.equal(textSetup.model, "models/gemini-3.8-live");
  // Today's models answer only in audio: a text session reads the transcription.
  assert.deepEqual(textSetup.generationConfig.responseModalities, ["AUDIO"]);
  assert.deepEqual(textSetup.outputAudioTranscription, {});
  assert.equal(textSetup.generationConfig.speechConfig, undefined);
  assert.deepEqual(textSetup.tools, [{ googleSearch: {} }]);
  assert.deepEqual(textSetup.systemInstruction.parts, [
    { text: "Answer the question using the Google Search tool." },
  ]);
  assert.equal(textSetup.inputAudioTranscription, undefined);

  await h.open("audio-mode", { isAudio: true });
  const audioSetup = (await h.fake.connection(1)).setup;
  assert.equal(audioSetup.model, "models/gemini-2.5-flash-native-audio-latest");
  assert.deepEqual(audioSetup.generationConfig.responseModalities, ["AUDIO"]);
  assert.equal(
    audioSetup.generationConfig.speechConfig.voiceConfig.prebuiltVoiceConfig
      .voiceName,
    "Kore",
  );
  assert.deepEqual(audioSetup.inputAudioTranscription, {});
  assert.deepEqual(audioSetup.outputAudioTranscription, {});
  assert.deepEqual(audioSetup.tools, [{ googleSearch: {} }]);
});

Deno.test("AGENT_INSTRUCTION and GEMINI_MODEL change what the agent is set up with", async () => {
  await using h = startHarness({
    AGENT_INSTRUCTION: "Be brief.",
    GEMINI_MODEL: "gemini-3.1-flash-live-preview",
  });
  await h.open("custom");
  const { setup } = await h.fake.connection(0);
  assert.equal(setup.model, "models/gemini-3.1-flash-live-preview");
  assert.deepEqual(setup.systemInstruction.parts, [{ text: "Be brief." }]);
});

Deno.test("microphone audio reaches Gemini byte for byte and the spoken answer comes back intact", async () => {
  await using h = startHarness();
  const { sse, cookie } = await h.open("voice", { isAudio: true });
  const upstream = await h.fake.connection(0);

  const spoken = pcm(3200, 7);
  assert.equal(
    (await h.send("voice", audio(spoken), { Cookie: cookie })).status,
    200,
  );
  const input = (await upstream.nextRealtimeInput()).realtimeInput.audio;
  assert.equal(input.mimeType, "audio/pcm;rate=16000");
  assert.deepEqual(fromBase64(input.data), spoken);

  const answer = pcm(4800, 13);
  upstream.audio(answer);
  const message = await sse.nextJson();
  assert.equal(message.mime_type, "audio/pcm");
  assert.deepEqual(fromBase64(message.data), answer);
});

Deno.test("barge-in is forwarded as interrupted, then the turn ends", async () => {
  await using h = startHarness();
  const { sse } = await h.open("barge", { isAudio: true });
  const upstream = await h.fake.connection(0);
  upstream.audio(pcm(960));
  await sse.nextJson();
  upstream.interrupted();
  assert.deepEqual(await sse.nextJson(), { interrupted: true });
  assert.deepEqual(await sse.nextJson(), {
    turn_complete: true,
    interrupted: false,
  });
});

Deno.test("voice sessions get live transcripts of both sides and the turn's sources", async () => {
  await using h = startHarness();
  const { sse } = await h.open("tr", { isAudio: true });
  const upstream = await h.fake.connection(0);
  upstream.content({ inputTranscription: { text: "What is " } });
  upstream.content({ inputTranscription: { text: "Deno?" } });
  upstream.content({ outputTranscription: { text: "A runtime." } });
  upstream.grounding([
    { title: "deno.com", uri: "https://example.test/r/1", domain: "deno.com" },
    { title: "deno.com", uri: "https://example.test/r/1", domain: "deno.com" },
    { title: "wikipedia.org", uri: "https://example.test/r/2" },
  ]);
  upstream.turnComplete();
  upstream.usage(12, 34);

  assert.deepEqual(await sse.nextJson("transcript"), {
    role: "user",
    text: "What is ",
    final: false,
  });
  assert.deepEqual(await sse.nextJson("transcript"), {
    role: "user",
    text: "What is Deno?",
    final: false,
  });
  assert.deepEqual(await sse.nextJson("transcript"), {
    role: "user",
    text: "What is Deno?",
    final: true,
  });
  assert.deepEqual(await sse.nextJson("transcript"), {
    role: "model",
    text: "A runtime.",
    final: false,
  });
  assert.deepEqual(await sse.nextJson("transcript"), {
    role: "model",
    text: "A runtime.",
    final: true,
  });
  assert.deepEqual(await sse.nextJson("sources"), {
    sources: [
      {
        title: "deno.com",
        uri: "https://example.test/r/1",
        domain: "deno.com",
      },
      { title: "wikipedia.org", uri: "https://example.test/r/2" },
    ],
  });
  assert.deepEqual(await sse.nextJson(), {
    turn_complete: true,
    interrupted: false,
  });
  assert.deepEqual(await sse.nextJson("usage"), {
    prompt_tokens: 12,
    response_tokens: 34,
    total_tokens: 46,
  });
});

Deno.test("two concurrent sessions never see each other's messages", async () => {
  await using h = startHarness();
  const a = await h.open("alice");
  const b = await h.open("bob");
  const upA = await h.fake.connection(0);
  const upB = await h.fake.connection(1);
  assert.notEqual(a.token, b.token);

  await h.send("alice", text("from alice"), { "X-Session-Token": a.token });
  await h.send("bob", text("from bob"), { "X-Session-Token": b.token });
  assert.equal(
    await upA.nextText(),
    "from alice",
  );
  assert.equal(
    await upB.nextText(),
    "from bob",
  );
  assert.equal(upA.received.length + upB.received.length, 0);

  upB.text("for bob");
  upA.text("for alice");
  assert.equal((await a.sse.nextJson()).data, "for alice");
  assert.equal((await b.sse.nextJson()).data, "for bob");
  await assert.rejects(a.sse.next(200), /no event in time/);

  // Bob's token does not open or write to Alice's session: the answer is an
  // unknown id's, so it does not even say that Alice's exists.
  const stolen = await h.send("alice", text("x"), {
    "X-Session-Token": b.token,
  });
  assert.equal(stolen.status, 404);
  await stolen.body?.cancel();
});

Deno.test("a closed page keeps its Live session for the grace period, then it is closed", async () => {
  await using h = startHarness({ SESSION_GRACE_MS: "300" });
  const { sse, token } = await h.open("grace");
  const upstream = await h.fake.connection(0);
  await sse.close();
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(upstream.isOpen, "upstream closed before the grace period ended");
  const closed = await upstream.closed;
  assert.equal(closed.code, 1005);
  const late = await h.send("grace", text("hello?"), { "X-Session-Token": token });
  assert.equal(late.status, 404);
  await late.body?.cancel();
});

Deno.test("reconnecting within the grace period continues the same Live session", async () => {
  await using h = startHarness({ SESSION_GRACE_MS: "5000" });
  const first = await h.open("again");
  const upstream = await h.fake.connection(0);
  await first.sse.close();
  await new Promise((r) => setTimeout(r, 50));
  upstream.text("said while away");
  const second = await h.open("again", { token: first.token });
  assert.equal(second.token, first.token);
  assert.equal((await second.sse.nextJson()).data, "said while away");
  await h.send("again", text("back"), { "X-Session-Token": first.token });
  assert.equal(
    await upstream.nextText(),
    "back",
  );
  assert.equal(h.fake.connections.length, 1);
});

Deno.test("Start Audio reopens the stream with is_audio=true and the upstream in audio mode", async () => {
  await using h = startHarness();
  const textStream = await h.open("switch");
  const textUpstream = await h.fake.connection(0);
  const audioStream = await h.open("switch", {
    isAudio: true,
    token: textStream.token,
  });
  assert.equal(audioStream.token, textStream.token);
  await textStream.sse.ended();
  const audioUpstream = await h.fake.connection(1);
  assert.deepEqual(audioUpstream.setup.generationConfig.responseModalities, [
    "AUDIO",
  ]);
  await textUpstream.closed;

  await h.send("switch", audio(pcm(640)), {
    "X-Session-Token": textStream.token,
  });
  assert.ok((await audioUpstream.nextRealtimeInput()).realtimeInput.audio);
  // The answer is speech with its transcription, as today's models send it.
  audioUpstream.text("late answer");
  assert.equal((await audioStream.sse.nextJson()).mime_type, "audio/pcm");
  assert.deepEqual(await audioStream.sse.nextJson("transcript"), {
    role: "model",
    text: "late answer",
    final: false,
  });
});

Deno.test("a live session id cannot be taken over without its token", async () => {
  await using h = startHarness();
  const owner = await h.open("mine");
  const upstream = await h.fake.connection(0);
  for (const headers of [{}, { "X-Session-Token": "guess" }] as HeadersInit[]) {
    const response = await fetch(`${h.baseUrl}/events/mine`, { headers });
    assert.equal(response.status, 409);
    assert.match((await response.json()).error, /belongs to another client/);
  }
  upstream.text("still yours");
  assert.equal((await owner.sse.nextJson()).data, "still yours");
});

Deno.test("the session cookie is HttpOnly, SameSite=Strict, Path=/ and authenticates sends", async () => {
  await using h = startHarness();
  const { sse, cookie, token } = await h.open("cookie");
  const header = sse.response.headers.get("set-cookie")!;
  assert.match(header, /^session_cookie=[\w-]{43}; /);
  assert.match(header, /HttpOnly/);
  assert.match(header, /SameSite=Strict/);
  assert.match(header, /Path=\//);
  assert.doesNotMatch(header, /Secure/);
  assert.equal(cookie, `session_cookie=${token}`);
  const response = await h.send("cookie", text("hi"), { Cookie: cookie });
  assert.ok(response.ok, `${response.status}`); // 202 if the agent's connection is not up yet
  await response.body?.cancel();
});

Deno.test("bad requests get a JSON error with the right status and reach no agent", async () => {
  await using h = startHarness({ MAX_BODY_BYTES: "2048" });
  const { token } = await h.open("guarded");
  const upstream = await h.fake.connection(0);
  const auth = { "X-Session-Token": token };
  const cases: Array<[number, () => Promise<Response>]> = [
    [400, () => fetch(`${h.baseUrl}/events/bad.id`)],
    [400, () => fetch(`${h.baseUrl}/events/${"x".repeat(65)}`)],
    [400, () => fetch(`${h.baseUrl}/events/ok?is_audio=maybe`)],
    [400, () => h.send("bad$id", text("hi"), auth)],
    [400, () => h.send("guarded", "{not json", auth)],
    [400, () => h.send("guarded", "[1,2]", auth)],
    [400, () => h.send("guarded", { mime_type: "text/plain" }, auth)],
    [400, () => h.send("guarded", { mime_type: "text/plain", data: 5 }, auth)],
    [400, () => h.send("guarded", text("   "), auth)],
    [
      400,
      () => h.send("guarded", { mime_type: "audio/pcm", data: "###" }, auth),
    ],
    [
      400,
      () => h.send("guarded", { mime_type: "audio/pcm", data: "AAAA" }, auth),
    ],
    [401, () => h.send("guarded", text("hi"))],
    [404, () => h.send("guarded", text("hi"), { "X-Session-Token": "wrong" })],
    [404, () => h.send("nobody", text("hi"), auth)],
    [413, () => h.send("guarded", text("x".repeat(4096)), auth)],
    [
      415,
      () => h.send("guarded", { mime_type: "image/png", data: "AAAA" }, auth),
    ],
  ];
  for (const [status, request] of cases) {
    const response = await request();
    assert.equal(response.status, status, `${status} expected`);
    assert.match(
      response.headers.get("content-type") ?? "",
      /application\/json/,
    );
    const body = await response.json();
    assert.equal(typeof body.error, "string");
    assert.ok(body.error.length > 10, body.error);
  }
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(upstream.received, []);
});

Deno.test("without credentials the page still loads and each session is told what to set", async () => {
  await using h = startHarness({ GOOGLE_API_KEY: "" });
  const page = await fetch(`${h.baseUrl}/`);
  assert.equal(page.status, 200);
  await page.body?.cancel();
  const { sse, token } = await h.open("nokey");
  const error = await sse.nextJson("error");
  assert.equal(error.fatal, true);
  assert.match(error.error, /GOOGLE_API_KEY/);
  const response = await h.send("nokey", text("hi"), {
    "X-Session-Token": token,
  });
  assert.equal(response.status, 503);
  assert.match((await response.json()).error, /GOOGLE_API_KEY/);
  assert.equal(h.fake.connections.length, 0);
});

Deno.test("a key Gemini rejects is reported as a fatal error naming the key", async () => {
  await using h = startHarness({ GOOGLE_API_KEY: "wrong-key" });
  const { sse } = await h.open("badkey");
  const error = await sse.nextJson("error");
  assert.equal(error.fatal, true);
  assert.match(error.error, /API key not valid/);
  assert.match(error.error, /GOOGLE_API_KEY/);
});

Deno.test("messages posted while the agent connects are delivered in order", async () => {
  await using h = startHarness();
  const { token } = await h.open("order");
  const sends = ["one", "two", "three"].map((t) =>
    h.send("order", text(t), { "X-Session-Token": token })
  );
  for (const response of await Promise.all(sends)) {
    // Queued (202) while the connection is set up, sent (200) once it is.
    assert.ok(response.status === 200 || response.status === 202, `${response.status}`);
    await response.body?.cancel();
  }
  const upstream = await h.fake.connection(0);
  const got = [];
  for (let i = 0; i < 3; i++) {
    got.push(
      await upstream.nextText(),
    );
  }
  assert.deepEqual(got, ["one", "two", "three"]);
});

Deno.test("idle streams get keep-alive comments", async () => {
  await using h = startHarness({ HEARTBEAT_MS: "100" });
  const { sse } = await h.open("idle");
  await h.fake.connection(0);
  await assert.rejects(sse.next(350), /no event in time/);
  assert.ok(sse.comments >= 2, `${sse.comments} heartbeats`);
});

Deno.test("the page and its assets are served with their content types, nothing else is", async () => {
  await using h = startHarness();
  const expectations: Array<[string, number, RegExp]> = [
    ["/", 200, /^text\/html/],
    ["/static/js/app.js", 200, /^text\/javascript/],
    ["/static/favicon.svg", 200, /^image\/svg\+xml/],
    ["/static/js/pcm-player-processor.js", 200, /^text\/javascript/],
    ["/static/js/pcm-recorder-processor.js", 200, /^text\/javascript/],
    ["/static/css/style.css", 200, /^text\/css/],
    ["/static/nope.js", 404, /application\/json/],
    ["/static/..%2fmain.ts", 404, /application\/json/],
    ["/static/%2e%2e/main.ts", 404, /application\/json/],
    ["/static/js/app.js%00", 404, /application\/json/],
  ];
  for (const [path, status, type] of expectations) {
    const response = await fetch(h.baseUrl + path);
    assert.equal(response.status, status, path);
    assert.match(response.headers.get("content-type") ?? "", type, path);
    const body = await response.text();
    if (status === 200) assert.ok(body.length > 0);
  }
  const page = await (await fetch(h.baseUrl + "/")).text();
  for (
    const id of [
      "messages",
      "messageForm",
      "message",
      "sendButton",
      "startAudioButton",
    ]
  ) {
    assert.match(page, new RegExp(`id="${id}"`));
  }
});
