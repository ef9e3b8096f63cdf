/**
 * Voice with Opus in real browsers (WebCodecs in Chromium and Firefox): the
 * page asks for Opus, the microphone reaches the fake Live API as 16 kHz PCM
 * that matches the source, and the agent's voice, sent as Opus, plays.
 */
import assert from "node:assert/strict";
import { samples, sine24k } from "./browser_audio.ts";
import { ENGINES } from "./browser_engines.ts";
import { waitUntil } from "./browser_page.ts";
import { fakeMicrophone } from "./fake_microphone.ts";
import { fromBase64 } from "./fake_live_server.ts";
import { startHarness } from "./service_harness.ts";

for (const engine of ENGINES) {
  Deno.test({
    name: `in ${engine.name}, voice goes up and comes down as Opus; Gemini hears 16 kHz PCM ` +
      "that matches the microphone",
    ignore: engine.ignore,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn(t) {
      await using microphone = await fakeMicrophone(engine);
      if (!microphone) return console.warn("Skipping Opus browser test: no espeak-ng.");
      await using h = startHarness();
      await using page = await engine.open(h.baseUrl, { audioFile: microphone.wav });
      await page.startVoice("opus");

      const voice = await h.fake.connection(1);
      const received: Uint8Array[] = [];
      const wanted = 32000 * microphone.seconds;
      let total = 0;
      while (total < wanted) {
        const { audio } = (await voice.nextRealtimeInput()).realtimeInput;
        assert.equal(audio.mimeType, "audio/pcm;rate=16000");
        received.push(fromBase64(audio.data));
        total += received.at(-1)!.length;
      }

      await t.step("the page uploads Opus at a fraction of PCM's bytes", async () => {
        const posted = (await page.posts()).filter((p) => p.path.startsWith("/send/"));
        const steady = posted.filter((p) => p.mime === "audio/opus").slice(5);
        assert.ok(steady.length > 10, `${steady.length} Opus POSTs`);
        assert.ok(posted.every((p) => p.mime !== "audio/pcm"), "no raw PCM went up");
        const seconds = (steady.at(-1)!.at - steady[0].at) / 1000;
        const rate = steady.slice(1).reduce((n, p) => n + p.chars, 0) / seconds;
        console.log(
          `${engine.name} opus up: ${rate.toFixed(0)} base64 chars/s in ` +
            `${(steady.length / seconds).toFixed(1)} POSTs/s (raw PCM: 42667 chars/s)`,
        );
        assert.ok(rate < 42667 / 4, `${rate.toFixed(0)} chars/s`);
      });

      await t.step("Gemini receives the microphone: " + microphone.matches, async () => {
        const all = new Uint8Array(total);
        received.reduce((at, pcm) => (all.set(pcm, at), at + pcm.length), 0);
        await microphone.check(samples(all), `${engine.name} opus up`);
      });

      await t.step("the agent's Opus voice plays, and `interrupted` silences it", async () => {
        const tone = sine24k(440, 4);
        for (let i = 0; i < tone.length; i += 24000) voice.audio(tone.subarray(i, i + 24000));
        await page.waitFor("body[data-speaking=true]");
        await waitUntil(
          "12000 frames played",
          async () => await page.playerCounter("played-frames") > 12000,
        );
        assert.ok(await page.playerCounter("buffered-frames") > 12000);
        voice.interrupted();
        await page.waitFor("#speaking[data-silent-at]");
        assert.ok(await page.playerCounter("dropped-frames") > 12000);
      });
      assert.deepEqual(page.problems, []);
    },
  });
}
