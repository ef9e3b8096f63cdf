/**
 * The web client in a real browser (Debian's Chromium via playwright-core),
 * against the real service and the fake Live API, under a strict CSP.
 * Screenshots land in test-results/; measured numbers are printed.
 */
import assert from "node:assert/strict";
import { launchChromium, skipBrowserTests } from "./browser.ts";
import {
  bestAlignment,
  envelope,
  rms,
  samples,
  sine24k,
  spokenWav,
  wavAt16k,
} from "./browser_audio.ts";
import {
  openClient,
  playerCounter,
  screenshotBothWidths,
  startVoice,
  waitUntil,
} from "./browser_page.ts";
import { startRestartableService } from "./browser_restartable_service.ts";
import { type FakeLiveConnection, fromBase64 } from "./fake_live_server.ts";
import { startHarness } from "./service_harness.ts";

const ignore = skipBrowserTests();
const browserTest = { ignore, sanitizeResources: false, sanitizeOps: false };

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

Deno.test({
  name:
    "in a real browser, a typed question shows the streamed answer as markdown with its sources",
  ...browserTest,
  async fn() {
    await using h = startHarness({}, { onSession: (c) => void answerQuestions(c) });
    const browser = await launchChromium();
    try {
      const { page, problems } = await openClient(browser, h.baseUrl);
      await page.waitForSelector("body[data-state=open]");
      await page.waitForSelector("#sendButton:not([disabled])");

      // Keyboard only: focus the box, type, press Enter.
      await page.focus("#message");
      await page.keyboard.type("What is Deno?");
      await page.keyboard.press("Enter");

      const agent = page.locator("#messages .turn.agent").last();
      await agent.locator(".sources a").waitFor();
      assert.equal(
        await agent.locator(".bubble p").first().textContent(),
        "You asked: What is Deno?. Here is the answer.",
      );
      assert.equal(await agent.locator(".bubble li strong").textContent(), "Deno");
      assert.equal(await agent.locator(".bubble li code").textContent(), "TypeScript");
      const manual = agent.locator(".bubble a");
      assert.equal(await manual.count(), 1, "the javascript: link is not a link");
      assert.equal(await manual.getAttribute("href"), "https://docs.deno.com/");
      assert.equal(await manual.getAttribute("rel"), "noopener noreferrer");
      assert.equal(await manual.getAttribute("target"), "_blank");
      assert.match(
        await agent.locator(".bubble").textContent() ?? "",
        /\[this\]\(javascript:alert\(1\)\)/,
      );

      const user = page.locator("#messages .turn.user").last();
      assert.equal(await user.textContent(), "What is Deno?");
      const source = agent.locator(".sources a");
      assert.equal(await source.getAttribute("href"), "https://example.org/page");
      assert.equal(await source.getAttribute("rel"), "noopener noreferrer");
      assert.equal(await source.getAttribute("target"), "_blank");
      assert.match(
        await agent.locator(".meta.latency").textContent() ?? "",
        /first reply after \d+ ms/,
      );
      assert.equal(await page.inputValue("#message"), "");
      assert.match(await page.textContent("#announcer") ?? "", /^Agent: You asked/);

      // The event log opens from the keyboard and lists what happened.
      await page.focus("#eventLogPanel summary");
      await page.keyboard.press("Enter");
      assert.match(await page.textContent("#eventLog") ?? "", /sources/);

      await screenshotBothWidths(page, "text");
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  },
});

Deno.test({
  name: "in a real browser, a failed send keeps the typed text and explains why",
  ...browserTest,
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

Deno.test({
  name:
    "in a real browser, voice streams the spoken question at real-time rate as 16 kHz PCM that matches the speech",
  ...browserTest,
  async fn(t) {
    const wav = await spokenWav("What is the weather in Paris today? Tell me about the museums.");
    if (!wav) return console.warn("Skipping voice browser test: espeak-ng is not installed.");
    await using h = startHarness();
    const browser = await launchChromium(wav);
    try {
      // Raw PCM, as without WebCodecs (tests/browser_opus_test.ts runs voice with Opus).
      const { page, problems } = await openClient(browser, h.baseUrl, { query: "?codec=pcm" });
      // What each audio POST says the page received (`Last-Event-ID`).
      const acknowledged: number[] = [];
      page.on("request", (request) => {
        const id = request.headers()["last-event-id"];
        if (request.url().includes("/send/") && id !== undefined) acknowledged.push(Number(id));
      });
      await startVoice(page);
      assert.equal(await page.textContent("#startAudioButton"), "Stop Audio");
      assert.equal(await page.getAttribute("#startAudioButton", "aria-pressed"), "true");

      const voice = await h.fake.connection(1);
      assert.deepEqual(voice.setup.generationConfig.responseModalities, ["AUDIO"]);
      const source = wavAt16k(wav);
      const sourceSeconds = (await source).length / 16000;
      const received: Array<{ at: number; pcm: Uint8Array }> = [];
      const wanted = 32000 * (2 * sourceSeconds + 1.5);
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
          `capture: ${median} B per chunk (${median / 32} ms), ` +
            `${(steady.length / seconds).toFixed(1)} uploads/s, ${rate.toFixed(0)} B/s`,
        );
        assert.equal(median, 1600);
        for (const r of received) assert.equal(r.pcm.length % 1600, 0);
        assert.ok(Math.abs(rate - 32000) < 32000 * 0.08, `${rate.toFixed(0)} B/s`);
      });

      await t.step(
        "the received audio is the spoken sentence: its energy envelope matches the source",
        async () => {
          const all = new Uint8Array(received.reduce((n, r) => n + r.pcm.length, 0));
          received.reduce((at, r) => (all.set(r.pcm, at), at + r.pcm.length), 0);
          const heard = samples(all);
          assert.ok(rms(heard) > 0.01, `RMS ${rms(heard).toFixed(4)}: silence`);
          const reference = envelope(await source);
          const { score, lag } = bestAlignment(envelope(heard), reference);
          // The same sentence played a little slower or faster (a wrong rate)
          // does not line up.
          const stretched = envelope(heard.filter((_, i) => i % 10 !== 0));
          const wrongRate = bestAlignment(stretched, reference).score;
          console.log(
            `capture: envelope correlation ${score.toFixed(3)} at ${lag * 20} ms ` +
              `(at 90% speed: ${wrongRate.toFixed(3)})`,
          );
          assert.ok(score > 0.8, `envelope correlation ${score.toFixed(3)}`);
          assert.ok(
            wrongRate < score - 0.1,
            `a 10% wrong rate still scores ${wrongRate.toFixed(3)}`,
          );
        },
      );

      await t.step("the level meter moves and mute silences the upload", async () => {
        await waitUntil(
          "the level meter moves",
          () => page.locator("#inputLevel").evaluate((m: { value: number }) => m.value > 0.01),
        );
        await page.click("#muteButton");
        assert.equal(await page.getAttribute("#muteButton", "aria-pressed"), "true");
        voice.received.length = 0;
        await new Promise((r) => setTimeout(r, 300));
        voice.received.length = 0; // chunks captured before the mute took hold
        const muted = fromBase64((await voice.nextRealtimeInput()).realtimeInput.audio.data);
        assert.ok(rms(samples(muted)) < 0.001, "muted audio is silence");
        await page.click("#muteButton");
      });

      voice.content({ inputTranscription: { text: "What is the weather" } });
      voice.content({ inputTranscription: { text: " in Paris today?" } });
      voice.content({ outputTranscription: { text: "It is sunny in Paris." } });
      voice.audio(new Uint8Array(9600));
      voice.turnComplete();
      await page.locator(".turn.user .bubble", { hasText: "What is the weather in Paris today?" })
        .waitFor();
      await page.locator(".turn.agent .bubble", { hasText: "It is sunny in Paris." }).waitFor();
      await t.step(
        "the POSTs after the answer say the page received it, so the server lets go",
        async () => {
          // Two transcripts of the user, one of the agent, its voice, the turn's end.
          await waitUntil(
            "a POST acknowledges the turn",
            () => Promise.resolve(Math.max(...acknowledged) >= 5),
          );
          assert.deepEqual(
            acknowledged,
            acknowledged.toSorted((a, b) => a - b),
          );
        },
      );
      await screenshotBothWidths(page, "voice");

      await page.click("#startAudioButton");
      await page.waitForSelector("body[data-mode=text][data-state=open]");
      const text = await h.fake.connection(2);
      // Back in text: the audio-only model's answers come as their transcription.
      assert.deepEqual(text.setup.generationConfig.responseModalities, ["AUDIO"]);
      assert.deepEqual(text.setup.outputAudioTranscription, {});
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
      await Deno.remove(wav);
    }
  },
});

Deno.test({
  name: "in a real browser, the agent's voice plays and `interrupted` silences it at once",
  ...browserTest,
  async fn(t) {
    const wav = await spokenWav("Hello.");
    if (!wav) return console.warn("Skipping playback browser test: espeak-ng is not installed.");
    await using h = startHarness();
    const browser = await launchChromium(wav);
    try {
      // Raw PCM, as without WebCodecs (tests/browser_opus_test.ts runs voice with Opus).
      const { page, problems } = await openClient(browser, h.baseUrl, { query: "?codec=pcm" });
      await startVoice(page);
      const voice = await h.fake.connection(1);

      // 6 s of a tone, streamed faster than real time as the model does.
      const tone = sine24k(440, 6);
      for (let i = 0; i < tone.length; i += 24000) voice.audio(tone.subarray(i, i + 24000));
      await page.waitForSelector("body[data-speaking=true]");
      await waitUntil(
        "12000 frames played",
        async () => await playerCounter(page, "played-frames") > 12000,
      );
      assert.ok(await playerCounter(page, "buffered-frames") > 24000);
      assert.equal(await page.isDisabled("#stopButton"), false);

      await t.step("an `interrupted` event empties the buffer within one quantum", async () => {
        const sentAt = Date.now();
        voice.interrupted();
        await page.waitForSelector("#speaking[data-silent-at]");
        const endToEnd = await playerCounter(page, "silent-at") - sentAt;
        const inPage = await playerCounter(page, "flush-ms");
        const dropped = await playerCounter(page, "dropped-frames");
        const frames = await playerCounter(page, "flush-frames");
        console.log(
          `playback: interrupted → silence ${inPage} ms in the page, ` +
            `${endToEnd} ms from the fake Live API; ${dropped} queued frames dropped`,
        );
        console.log(
          `playback: the next quantum was silent, ${frames} device frames after the flush`,
        );
        assert.ok(dropped > 24000, `${dropped} frames dropped`);
        assert.ok(frames >= 0 && frames <= 128, `silence came ${frames} frames after the flush`);
        assert.ok(inPage < 50, `${inPage} ms from the event to a silent quantum`);
        assert.equal(await playerCounter(page, "buffered-frames"), 0);
        const played = await playerCounter(page, "played-frames");
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(
          await playerCounter(page, "played-frames"),
          played,
          "nothing plays after the flush",
        );
        await page.waitForSelector("body[data-speaking=false]");
      });

      await t.step("Stop cuts a reply: client flush plus POST /interrupt", async () => {
        for (let i = 0; i < tone.length; i += 24000) voice.audio(tone.subarray(i, i + 24000));
        voice.content({ outputTranscription: { text: "A long answer" } });
        await page.waitForSelector("body[data-speaking=true]");
        const before = await page.getAttribute("#speaking", "data-silent-at");
        const interrupt = page.waitForResponse((r) => r.url().includes("/interrupt/"));
        await page.keyboard.press("Escape");
        await waitUntil(
          "silence after Stop",
          async () => await page.getAttribute("#speaking", "data-silent-at") !== before,
        );
        assert.equal(await playerCounter(page, "buffered-frames"), 0);
        await page.locator(".turn.agent .meta.note", { hasText: "stopped" }).waitFor();
        const status = (await interrupt).status();
        console.log(`playback: POST /interrupt answered ${status}`);
        // Whatever the server still sends for that turn is not played.
        voice.audio(tone.subarray(0, 48000));
        voice.turnComplete();
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(await page.getAttribute("body", "data-speaking"), "false");
        if (status === 404) {
          problems.splice(
            0,
            problems.length,
            ...problems.filter((p) => !/status of 404/.test(p)),
          );
        }
      });
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
      await Deno.remove(wav);
    }
  },
});

Deno.test({
  name:
    "in a real browser, a server restart shows a reconnect countdown and the conversation continues",
  ...browserTest,
  async fn() {
    await using service = startRestartableService({ onSession: (c) => void answerQuestions(c) });
    const browser = await launchChromium();
    try {
      const { page, problems } = await openClient(browser, service.baseUrl);
      await page.waitForSelector("#sendButton:not([disabled])");
      await page.fill("#message", "First question");
      await page.click("#sendButton");
      await page.locator(".turn.agent .bubble", { hasText: "First question" }).waitFor();

      const restarted = service.restart(2500);
      await page.waitForSelector("body[data-state=reconnecting]");
      assert.match(await page.textContent("#status") ?? "", /Reconnecting in \d+ s/);
      assert.equal(await page.isDisabled("#sendButton"), true);
      await page.fill("#message", "Second question");
      await restarted;

      await page.waitForSelector("body[data-state=open]", { timeout: 20000 });
      await page.waitForSelector("#sendButton:not([disabled])");
      assert.equal(await page.inputValue("#message"), "Second question", "typed text survives");
      await page.click("#sendButton");
      await page.locator(".turn.agent .bubble", { hasText: "Second question" }).waitFor();
      // While the server was down the browser logs its refused connections.
      assert.deepEqual(problems.filter((p) => !/ERR_CONNECTION_REFUSED/.test(p)), []);
    } finally {
      await browser.close();
    }
  },
});
