/**
 * The web client in real browsers (Chromium via playwright-core, Firefox via
 * puppeteer-core, WebKit via WebKitWebDriver), against the real service and the fake Live API, under a
 * strict CSP. Each test runs its one set of steps in every engine.
 * Screenshots land in test-results/; measured numbers are printed.
 */
import assert from "node:assert/strict";
import { launchChromium, skipBrowserTests } from "./browser.ts";
import { medianPitchHz, pitchHz, rms, samples, sine24k } from "./browser_audio.ts";
import { type Engine, ENGINES } from "./browser_engines.ts";
import { openClient, waitUntil } from "./browser_page.ts";
import { startRestartableService } from "./browser_restartable_service.ts";
import { fakeMicrophone } from "./fake_microphone.ts";
import { type FakeLiveConnection, fromBase64 } from "./fake_live_server.ts";
import { startHarness } from "./service_harness.ts";

const browserTest = (engine: Engine) => ({
  ignore: engine.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
});

/** The fake agent answers each typed question in streamed markdown, with sources. */
async function answerQuestions(upstream: FakeLiveConnection): Promise<void> {
  while (upstream.isOpen) {
    // A quiet spell is no failure here: the loop waits for as long as the page stays.
    const question = await upstream.nextText().catch(() => undefined);
    if (question === undefined) continue;
    upstream.text(
      "You asked: ",
      `${question}. `,
      "Here is the answer.\n\n- **Deno** runs `TypeScript`\n",
      "- see [the manual](https://docs.deno.com/) or [this](javascript:alert(1))",
    );
    upstream.grounding([{ title: "example.org", uri: "https://example.org/page" }]);
    upstream.turnComplete();
  }
}

for (const engine of ENGINES) {
  Deno.test({
    name:
      `in ${engine.name}, a typed question shows the streamed answer as markdown with its sources`,
    ...browserTest(engine),
    async fn() {
      await using h = startHarness({}, { onSession: (c) => void answerQuestions(c) });
      await using page = await engine.open(h.baseUrl);
      await page.waitFor("body[data-state=open]");
      await page.waitFor("#sendButton:not([disabled])");

      // Keyboard only: focus the box, type, press Enter.
      await page.focus("#message");
      await page.type("What is Deno?");
      await page.press("Enter");

      const agent = "#messages .turn.agent";
      await page.waitFor(`${agent} .sources a`);
      assert.equal(
        (await page.texts(`${agent} .bubble p`))[0],
        "You asked: What is Deno?. Here is the answer.",
      );
      assert.equal(await page.text(`${agent} .bubble li strong`), "Deno");
      assert.equal(await page.text(`${agent} .bubble li code`), "TypeScript");
      const manual = `${agent} .bubble a`;
      assert.equal(await page.count(manual), 1, "the javascript: link is not a link");
      assert.equal(await page.attribute(manual, "href"), "https://docs.deno.com/");
      assert.equal(await page.attribute(manual, "rel"), "noopener noreferrer");
      assert.equal(await page.attribute(manual, "target"), "_blank");
      assert.match(await page.text(`${agent} .bubble`), /\[this\]\(javascript:alert\(1\)\)/);

      assert.equal(await page.text("#messages .turn.user"), "What is Deno?");
      const source = `${agent} .sources a`;
      assert.equal(await page.attribute(source, "href"), "https://example.org/page");
      assert.equal(await page.attribute(source, "rel"), "noopener noreferrer");
      assert.equal(await page.attribute(source, "target"), "_blank");
      assert.match(await page.text(`${agent} .meta.latency`), /first reply after \d+ ms/);
      assert.equal(await page.value("#message"), "");
      assert.match(await page.text("#announcer"), /^Agent: You asked/);

      // The event log opens from the keyboard and lists what happened.
      await page.focus("#eventLogPanel summary");
      await page.press("Enter");
      assert.match(await page.text("#eventLog"), /sources/);

      await page.screenshotBothWidths("text");
      assert.deepEqual(page.problems, []);
    },
  });
}

Deno.test({
  name: "in Chromium, a failed send keeps the typed text and explains why",
  ignore: skipBrowserTests(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using h = startHarness();
    const browser = await launchChromium();
    try {
      const { page, problems } = await openClient(browser, h.baseUrl);
      await page.waitForSelector("#sendButton:not([disabled])");
      await page.route(`${h.baseUrl}/send/*`, (route) =>
        route.fulfill({
          status: 502,
          contentType: "application/json",
          body: JSON.stringify({ error: "Cannot reach the agent: test outage" }),
        }));
      await page.fill("#message", "Will this arrive?");
      await page.click("#sendButton");
      await page.locator(".error-line", { hasText: "test outage" }).waitFor();
      assert.equal(await page.inputValue("#message"), "Will this arrive?");
      assert.equal(await page.locator(".turn.user").count(), 0);
      // The browser logs the refused request itself; nothing else may fail.
      assert.deepEqual(problems.filter((p) => !/status of 502/.test(p)), []);
    } finally {
      await browser.close();
    }
  },
});

for (const engine of ENGINES) {
  Deno.test({
    name: `in ${engine.name}, voice streams the microphone at real-time rate as 16 kHz PCM ` +
      "that matches the source, and transcripts show",
    ...browserTest(engine),
    async fn(t) {
      await using microphone = await fakeMicrophone(engine);
      if (!microphone) return console.warn("Skipping voice browser test: no espeak-ng.");
      await using h = startHarness();
      // Raw PCM, as without WebCodecs (tests/browser_opus_test.ts runs voice with Opus).
      await using page = await engine.open(h.baseUrl, {
        query: "?codec=pcm",
        audioFile: microphone.wav,
      });
      await page.startVoice();
      assert.equal(await page.text("#startAudioButton"), "Stop Audio");
      assert.equal(await page.attribute("#startAudioButton", "aria-pressed"), "true");

      const voice = await h.fake.connection(1);
      assert.deepEqual(voice.setup.generationConfig.responseModalities, ["AUDIO"]);
      const received: Array<{ at: number; pcm: Uint8Array }> = [];
      const wanted = 32000 * microphone.seconds;
      while (received.reduce((n, r) => n + r.pcm.length, 0) < wanted) {
        const { audio } = (await voice.nextRealtimeInput()).realtimeInput;
        assert.equal(audio.mimeType, "audio/pcm;rate=16000");
        received.push({ at: performance.now(), pcm: fromBase64(audio.data) });
      }

      await t.step("chunks are 50 ms and arrive at real-time rate, one POST each", () => {
        const steady = received.slice(5);
        const bytes = steady.slice(1).reduce((n, r) => n + r.pcm.length, 0);
        const seconds = (steady.at(-1)!.at - steady[0].at) / 1000;
        const rate = bytes / seconds;
        const sizes = steady.map((r) => r.pcm.length).sort((a, b) => a - b);
        const median = sizes[sizes.length >> 1];
        console.log(
          `${engine.name} capture: ${median} B per chunk (${median / 32} ms), ` +
            `${(steady.length / seconds).toFixed(1)} uploads/s, ${rate.toFixed(0)} B/s`,
        );
        assert.equal(median, 1600);
        for (const r of received) assert.equal(r.pcm.length % 1600, 0);
        assert.ok(Math.abs(rate - 32000) < 32000 * 0.08, `${rate.toFixed(0)} B/s`);
      });

      await t.step("the received audio is the microphone's: " + microphone.matches, async () => {
        const all = new Uint8Array(received.reduce((n, r) => n + r.pcm.length, 0));
        received.reduce((at, r) => (all.set(r.pcm, at), at + r.pcm.length), 0);
        await microphone.check(samples(all), `${engine.name} capture`);
      });

      await t.step("the level meter moves and mute silences the upload", async () => {
        await waitUntil(
          "the level meter moves",
          () => page.evaluate(`document.getElementById("inputLevel").value > 0.01`),
        );
        await page.click("#muteButton");
        assert.equal(await page.attribute("#muteButton", "aria-pressed"), "true");
        // Chunks captured before the mute took hold may still be on their way.
        const deadline = Date.now() + 3000;
        let level = 1;
        while (level >= 0.001 && Date.now() < deadline) {
          const chunk = fromBase64((await voice.nextRealtimeInput()).realtimeInput.audio.data);
          level = rms(samples(chunk));
        }
        assert.ok(level < 0.001, "muted audio is silence within 3 s");
        await page.click("#muteButton");
      });

      voice.content({ inputTranscription: { text: "What is the weather" } });
      voice.content({ inputTranscription: { text: " in Paris today?" } });
      voice.content({ outputTranscription: { text: "It is sunny in Paris." } });
      voice.audio(new Uint8Array(9600));
      voice.turnComplete();
      await page.waitFor(".turn.user .bubble", { text: "What is the weather in Paris today?" });
      await page.waitFor(".turn.agent .bubble", { text: "It is sunny in Paris." });
      await t.step(
        "the POSTs after the answer say the page received it, so the server lets go",
        async () => {
          const acknowledged = async () =>
            (await page.posts()).filter((p) => p.path.startsWith("/send/") && p.lastEventId)
              .map((p) => Number(p.lastEventId));
          // Two transcripts of the user, one of the agent, its voice, the turn's end.
          await waitUntil(
            "a POST acknowledges the turn",
            async () => Math.max(...await acknowledged()) >= 5,
          );
          const ids = await acknowledged();
          assert.deepEqual(ids, ids.toSorted((a, b) => a - b));
        },
      );
      await page.screenshotBothWidths("voice");

      await page.click("#startAudioButton");
      await page.waitFor("body[data-mode=text][data-state=open]");
      const text = await h.fake.connection(2);
      // Back in text: the audio-only model's answers come as their transcription.
      assert.deepEqual(text.setup.generationConfig.responseModalities, ["AUDIO"]);
      assert.deepEqual(text.setup.outputAudioTranscription, {});
      assert.deepEqual(page.problems, []);
    },
  });

  Deno.test({
    name: `in ${engine.name}, the agent's 24 kHz voice plays at its own speed and pitch, ` +
      "and `interrupted` and Stop silence it at once",
    ...browserTest(engine),
    async fn(t) {
      await using h = startHarness();
      // Raw PCM, as without WebCodecs (tests/browser_opus_test.ts runs voice with Opus).
      await using page = await engine.open(h.baseUrl, { query: "?codec=pcm" });
      await page.startVoice();
      const voice = await h.fake.connection(1);

      // 6 s of a tone, streamed faster than real time as the model does.
      const tone = sine24k(440, 6);
      for (let i = 0; i < tone.length; i += 24000) voice.audio(tone.subarray(i, i + 24000));
      await page.waitFor("body[data-speaking=true]");

      await t.step("24 kHz audio plays at 24000 frames/s and 440 Hz stays 440 Hz", async () => {
        const start = { at: performance.now(), frames: await page.playerCounter("played-frames") };
        await new Promise((r) => setTimeout(r, 2000));
        const end = { at: performance.now(), frames: await page.playerCounter("played-frames") };
        const framesPerSecond = (end.frames - start.frames) / ((end.at - start.at) / 1000);
        const { rate, samples: heard } = await page.listen(1000);
        const hz = medianPitchHz(heard, rate);
        const whole = pitchHz(heard, rate);
        console.log(
          `${engine.name} playback: device ${rate} Hz, ${framesPerSecond.toFixed(0)} source ` +
            `frames/s, 440 Hz played as ${hz.toFixed(1)} Hz (whole window ${whole.toFixed(1)} Hz)`,
        );
        assert.ok(Math.abs(hz - 440) < 2, `440 Hz played as ${hz.toFixed(1)} Hz`);
        assert.ok(Math.abs(framesPerSecond - 24000) < 24000 * 0.05, `${framesPerSecond} frames/s`);
      });
      await waitUntil(
        "12000 frames played",
        async () => await page.playerCounter("played-frames") > 12000,
      );
      assert.ok(await page.playerCounter("buffered-frames") > 24000);
      assert.equal(await page.disabled("#stopButton"), false);

      await t.step("an `interrupted` event empties the buffer within one quantum", async () => {
        const sentAt = Date.now();
        voice.interrupted();
        await page.waitFor("#speaking[data-silent-at]");
        const endToEnd = await page.playerCounter("silent-at") - sentAt;
        const inPage = await page.playerCounter("flush-ms");
        const dropped = await page.playerCounter("dropped-frames");
        const frames = await page.playerCounter("flush-frames");
        console.log(
          `${engine.name} playback: interrupted → silence ${inPage} ms in the page, ` +
            `${endToEnd} ms from the fake Live API; ${dropped} queued frames dropped; ` +
            `the next quantum was silent, ${frames} device frames after the flush`,
        );
        assert.ok(dropped > 12000, `${dropped} frames dropped`);
        assert.ok(frames >= 0 && frames <= 128, `silence came ${frames} frames after the flush`);
        assert.ok(inPage < 50, `${inPage} ms from the event to a silent quantum`);
        assert.equal(await page.playerCounter("buffered-frames"), 0);
        const played = await page.playerCounter("played-frames");
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(
          await page.playerCounter("played-frames"),
          played,
          "nothing plays after the flush",
        );
        await page.waitFor("body[data-speaking=false]");
      });

      await t.step("Stop cuts a reply: client flush plus POST /interrupt", async () => {
        for (let i = 0; i < tone.length; i += 24000) voice.audio(tone.subarray(i, i + 24000));
        voice.content({ outputTranscription: { text: "A long answer" } });
        await page.waitFor("body[data-speaking=true]");
        const before = await page.attribute("#speaking", "data-silent-at");
        await page.press("Escape");
        await waitUntil(
          "silence after Stop",
          async () => await page.attribute("#speaking", "data-silent-at") !== before,
        );
        assert.equal(await page.playerCounter("buffered-frames"), 0);
        await page.waitFor(".turn.agent .meta.note", { text: "stopped" });
        const interrupt = async () =>
          (await page.posts()).find((p) => p.path.startsWith("/interrupt/") && p.status);
        await waitUntil("POST /interrupt answered", async () => !!await interrupt());
        const { status } = (await interrupt())!;
        console.log(`${engine.name} playback: POST /interrupt answered ${status}`);
        // Whatever the server still sends for that turn is not played.
        voice.audio(tone.subarray(0, 48000));
        voice.turnComplete();
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(await page.attribute("body", "data-speaking"), "false");
      });
      // A 404 for /interrupt is the browser's own log line, not the page's fault.
      assert.deepEqual(page.problems.filter((p) => !/404/.test(p)), []);
    },
  });

  Deno.test({
    name: `in ${engine.name}, a server restart shows a reconnect countdown and the ` +
      "conversation continues",
    ...browserTest(engine),
    async fn() {
      await using service = startRestartableService({ onSession: (c) => void answerQuestions(c) });
      await using page = await engine.open(service.baseUrl);
      await page.waitFor("#sendButton:not([disabled])");
      await page.fill("#message", "First question");
      await page.click("#sendButton");
      await page.waitFor(".turn.agent .bubble", { text: "First question" });

      const restarted = service.restart(2500);
      await page.waitFor("body[data-state=reconnecting]");
      assert.match(await page.text("#status"), /Reconnecting in \d+ s/);
      assert.equal(await page.disabled("#sendButton"), true);
      await page.fill("#message", "Second question");
      await restarted;

      await page.waitFor("body[data-state=open]", { timeoutMs: 20000 });
      await page.waitFor("#sendButton:not([disabled])");
      assert.equal(await page.value("#message"), "Second question", "typed text survives");
      await page.click("#sendButton");
      await page.waitFor(".turn.agent .bubble", { text: "Second question" });
      // While the server was down the browser logs its refused connections.
      assert.deepEqual(
        page.problems.filter((p) => !/ERR_CONNECTION_REFUSED|establish a connection/.test(p)),
        [],
      );
    },
  });
}
