/**
 * What the page does in every engine when the browser lacks something voice
 * needs: it says what does not work and falls back (PCM instead of Opus,
 * text instead of voice).
 */
import assert from "node:assert/strict";
import { type Engine, ENGINES } from "./browser_engines.ts";
import type { ClientPage } from "./client_page.ts";
import { type FakeLiveConnection, fromBase64 } from "./fake_live_server.ts";
import { startHarness } from "./service_harness.ts";

const browserTest = (engine: Engine) => ({
  ignore: engine.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
});

/** The fake agent echoes each typed question. */
async function echo(upstream: FakeLiveConnection): Promise<void> {
  while (upstream.isOpen) {
    const question = await upstream.nextText().catch(() => undefined);
    if (question !== undefined) (upstream.text(`You asked: ${question}`), upstream.turnComplete());
  }
}

/** Types a question and waits for its answer: text works. */
async function askInText(page: ClientPage, question: string): Promise<void> {
  await page.waitFor("#sendButton:not([disabled])");
  await page.focus("#message");
  await page.type(question);
  await page.press("Enter");
  await page.waitFor(".turn.agent .bubble", { text: `You asked: ${question}` });
}

for (const engine of ENGINES) {
  Deno.test({
    name: `in ${engine.name} without WebCodecs, the page says so and voice goes up as PCM`,
    ...browserTest(engine),
    async fn() {
      await using h = startHarness();
      await using page = await engine.open(h.baseUrl, {
        initScript: "delete window.AudioEncoder; delete window.AudioDecoder;",
      });
      await page.waitFor(".notice-line", { text: "cannot encode Opus" });
      await page.startVoice("pcm");
      const voice = await h.fake.connection(1);
      const { audio } = (await voice.nextRealtimeInput()).realtimeInput;
      assert.equal(audio.mimeType, "audio/pcm;rate=16000");
      assert.equal(fromBase64(audio.data).length % 1600, 0);
      const uploads = (await page.posts()).filter((p) => p.path.startsWith("/send/"));
      assert.ok(uploads.length > 0 && uploads.every((p) => p.mime === "audio/pcm"));
      assert.deepEqual(page.problems, []);
    },
  });

  Deno.test({
    name: `in ${engine.name}, a refused microphone gets a readable message and text still works`,
    // MiniBrowser grants every capture request under automation; nothing refuses it.
    ...browserTest(engine),
    ignore: engine.ignore || engine.name === "WebKit",
    async fn() {
      await using h = startHarness({}, { onSession: (c) => void echo(c) });
      await using page = await engine.open(h.baseUrl, { denyMicrophone: true });
      await page.waitFor("body[data-state=open]");
      await page.click("#startAudioButton");
      await page.waitFor(".error-line", { text: "Microphone access was denied" });
      assert.equal(await page.attribute("body", "data-mode"), "text");
      assert.equal(await page.text("#startAudioButton"), "Start Audio");
      await askInText(page, "Can you read me?");
      assert.deepEqual(page.problems, []);
    },
  });

  Deno.test({
    name: `in ${engine.name} without AudioWorklet, Start Audio says why and text still works`,
    ...browserTest(engine),
    async fn() {
      await using h = startHarness({}, { onSession: (c) => void echo(c) });
      await using page = await engine.open(h.baseUrl, {
        initScript: "delete BaseAudioContext.prototype.audioWorklet;",
      });
      await page.waitFor("body[data-state=open]");
      await page.click("#startAudioButton");
      await page.waitFor(".error-line", { text: "lacks AudioWorklet" });
      assert.equal(await page.attribute("body", "data-mode"), "text");
      await askInText(page, "Still there?");
      assert.deepEqual(page.problems, []);
    },
  });
}
