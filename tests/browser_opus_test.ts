/**
 * Voice with Opus in a real browser (Chromium's WebCodecs): the page asks for
 * Opus, the spoken question reaches the fake Live API as 16 kHz PCM that
 * matches the speech, and the agent's voice, sent as Opus, plays.
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
import { openClient, playerCounter, startVoice, waitUntil } from "./browser_page.ts";
import { fromBase64 } from "./fake_live_server.ts";
import { startHarness } from "./service_harness.ts";

const ignore = skipBrowserTests();

Deno.test({
  name:
    "in a real browser, voice goes up and comes down as Opus; Gemini hears 16 kHz PCM that matches the speech",
  ignore,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const wav = await spokenWav("What is the weather in Paris today? Tell me about the museums.");
    if (!wav) return console.warn("Skipping Opus browser test: espeak-ng is not installed.");
    await using h = startHarness();
    const browser = await launchChromium(wav);
    try {
      const { page, problems } = await openClient(browser, h.baseUrl);
      const posted: Array<{ at: number; chars: number; mime: string }> = [];
      page.on("request", (request) => {
        if (!request.url().includes("/send/")) return;
        const body = JSON.parse(request.postData() ?? "{}");
        posted.push({ at: performance.now(), chars: body.data?.length ?? 0, mime: body.mime_type });
      });
      await startVoice(page, "opus");

      const voice = await h.fake.connection(1);
      const source = await wavAt16k(wav);
      const sourceSeconds = source.length / 16000;
      const received: Uint8Array[] = [];
      const wanted = 32000 * (2 * sourceSeconds + 1.5);
      let total = 0;
      while (total < wanted) {
        const { audio } = (await voice.nextRealtimeInput()).realtimeInput;
        assert.equal(audio.mimeType, "audio/pcm;rate=16000");
        received.push(fromBase64(audio.data));
        total += received.at(-1)!.length;
      }

      await t.step("the page uploads Opus at a fraction of PCM's bytes", () => {
        const steady = posted.filter((p) => p.mime === "audio/opus").slice(5);
        assert.ok(steady.length > 10, `${steady.length} Opus POSTs`);
        assert.ok(posted.every((p) => p.mime !== "audio/pcm"), "no raw PCM went up");
        const seconds = (steady.at(-1)!.at - steady[0].at) / 1000;
        const rate = steady.slice(1).reduce((n, p) => n + p.chars, 0) / seconds;
        console.log(
          `opus up: ${rate.toFixed(0)} base64 chars/s in ${(steady.length / seconds).toFixed(1)} ` +
            `POSTs/s (raw PCM: 42667 chars/s)`,
        );
        assert.ok(rate < 42667 / 4, `${rate.toFixed(0)} chars/s`);
      });

      await t.step("Gemini receives the spoken sentence: its envelope matches the source", () => {
        const all = new Uint8Array(total);
        received.reduce((at, pcm) => (all.set(pcm, at), at + pcm.length), 0);
        const heard = samples(all);
        assert.ok(rms(heard) > 0.01, `RMS ${rms(heard).toFixed(4)}: silence`);
        const { score, lag } = bestAlignment(envelope(heard), envelope(source));
        console.log(`opus up: envelope correlation ${score.toFixed(3)} at ${lag * 20} ms`);
        assert.ok(score > 0.8, `envelope correlation ${score.toFixed(3)}`);
      });

      await t.step("the agent's Opus voice plays, and `interrupted` silences it", async () => {
        const tone = sine24k(440, 4);
        for (let i = 0; i < tone.length; i += 24000) voice.audio(tone.subarray(i, i + 24000));
        await page.waitForSelector("body[data-speaking=true]");
        await waitUntil(
          "12000 frames played",
          async () => await playerCounter(page, "played-frames") > 12000,
        );
        assert.ok(await playerCounter(page, "buffered-frames") > 12000);
        voice.interrupted();
        await page.waitForSelector("#speaking[data-silent-at]");
        assert.ok(await playerCounter(page, "dropped-frames") > 12000);
      });
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
      await Deno.remove(wav);
    }
  },
});
