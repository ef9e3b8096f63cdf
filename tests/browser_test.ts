import assert from "node:assert/strict";
import { launchChromium, skipBrowserTests } from "./browser.ts";
import type { FakeLiveConnection } from "./fake_live_server.ts";
import { startHarness } from "./service_harness.ts";

const ignore = skipBrowserTests();

/** The fake agent answers each typed question in three streamed pieces, with sources. */
async function answerQuestions(upstream: FakeLiveConnection): Promise<void> {
  while (upstream.isOpen) {
    const message = await upstream.nextClientContent();
    const question = message.clientContent.turns[0].parts[0].text;
    upstream.text("You asked: ", `${question}. `, "Here is the answer.");
    upstream.grounding([{
      title: "example.org",
      uri: "https://example.org/page",
    }]);
    upstream.turnComplete();
  }
}

Deno.test({
  name:
    "in a real browser, a typed question shows the streamed answer and its source",
  ignore,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using h = startHarness({}, {
      onSession: (c) => void answerQuestions(c),
    });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on("pageerror", (e) => problems.push(e.message));
      page.on(
        "console",
        (m) => m.type() === "error" && problems.push(m.text()),
      );
      await page.goto(h.baseUrl);
      await page.waitForSelector("body[data-state=open]");
      await page.waitForSelector("#sendButton:not([disabled])");

      await page.fill("#message", "What is Deno?");
      await page.click("#sendButton");

      const agent = page.locator("#messages .turn.agent").last();
      await agent.locator(".bubble", { hasText: "Here is the answer." })
        .waitFor();
      assert.equal(
        await agent.locator(".bubble").textContent(),
        "You asked: What is Deno?. Here is the answer.",
      );
      const user = page.locator("#messages .turn.user").last();
      assert.equal(await user.textContent(), "What is Deno?");
      const link = agent.locator(".sources a");
      assert.equal(await link.getAttribute("href"), "https://example.org/page");
      assert.equal(await link.getAttribute("rel"), "noopener noreferrer");
      assert.equal(await page.inputValue("#message"), "");
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  },
});

/** Root-mean-square level of 16-bit LE PCM, 0..1. */
function rms(pcm: Uint8Array): number {
  const samples = new Int16Array(
    pcm.buffer,
    pcm.byteOffset,
    pcm.byteLength >> 1,
  );
  let sum = 0;
  for (const s of samples) sum += (s / 32768) ** 2;
  return Math.sqrt(sum / Math.max(samples.length, 1));
}

/** Speech spoken by espeak-ng into a WAV file, the fake microphone's input. */
async function spokenQuestion(text: string): Promise<string> {
  const file = await Deno.makeTempFile({ suffix: ".wav" });
  const { success } = await new Deno.Command("espeak-ng", {
    args: ["-w", file, text],
  }).output()
    .catch(() => ({ success: false }));
  if (!success) {
    if (Deno.env.get("CI") === "true") {
      throw new Error("espeak-ng is missing (see .ci/run)");
    }
    return "";
  }
  return file;
}

Deno.test({
  name:
    "in a real browser, Start Audio streams the spoken question and shows both transcripts",
  ignore,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const wav = await spokenQuestion("What is the weather in Paris today?");
    if (!wav) {
      console.warn("Skipping voice browser test: espeak-ng is not installed.");
      return;
    }
    await using h = startHarness();
    const browser = await launchChromium(wav);
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on("pageerror", (e) => problems.push(e.message));
      await page.goto(h.baseUrl);
      await page.waitForSelector("body[data-state=open]");
      await page.click("#startAudioButton");
      await page.waitForSelector("body[data-mode=audio][data-state=open]");
      assert.equal(await page.textContent("#startAudioButton"), "Stop Audio");

      const voice = await h.fake.connection(1);
      assert.deepEqual(voice.setup.generationConfig.responseModalities, [
        "AUDIO",
      ]);
      const heard: Uint8Array[] = [];
      while (heard.reduce((n, c) => n + c.length, 0) < 32000 * 2) {
        const { audio } = (await voice.nextRealtimeInput()).realtimeInput;
        assert.equal(audio.mimeType, "audio/pcm;rate=16000");
        heard.push(Uint8Array.from(atob(audio.data), (c) => c.charCodeAt(0)));
      }
      await t.step(
        "the microphone's speech arrives as 16 kHz PCM, not silence",
        () => {
          const loudest = Math.max(...heard.map(rms));
          assert.ok(loudest > 0.01, `loudest chunk RMS ${loudest.toFixed(4)}`);
          for (const chunk of heard) assert.equal(chunk.length % 2, 0);
        },
      );

      voice.content({ inputTranscription: { text: "What is the weather" } });
      voice.content({ inputTranscription: { text: " in Paris today?" } });
      voice.content({ outputTranscription: { text: "It is sunny in Paris." } });
      voice.audio(new Uint8Array(9600));
      voice.turnComplete();
      await page.locator(".turn.user .bubble", {
        hasText: "What is the weather in Paris today?",
      })
        .waitFor();
      await page.locator(".turn.agent .bubble", {
        hasText: "It is sunny in Paris.",
      }).waitFor();

      await page.click("#startAudioButton");
      await page.waitForSelector("body[data-mode=text][data-state=open]");
      const text = await h.fake.connection(2);
      assert.deepEqual(text.setup.generationConfig.responseModalities, [
        "TEXT",
      ]);
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
      await Deno.remove(wav);
    }
  },
});
