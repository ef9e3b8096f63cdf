/**
 * The page's error states in a real browser: no key, and a Gemini nobody
 * answers for. The status line says what is wrong, the message is shown once,
 * the microphone and camera stop and cannot start, and nothing streams into
 * refusals. Screenshots of each state land in test-results/.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchChromium, skipBrowserTests } from "./browser.ts";
import { openClient, screenshotBothWidths, startVoice, waitUntil } from "./browser_page.ts";
import { startRestartableService } from "./browser_restartable_service.ts";
import { startHarness } from "./service_harness.ts";

const ignore = skipBrowserTests();
const browserTest = { ignore, sanitizeResources: false, sanitizeOps: false };

/** Times of the page's `POST /send` requests, as they leave. */
function countSends(page: Page): number[] {
  const sent: number[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().includes("/send/")) sent.push(Date.now());
  });
  return sent;
}

/** The conversation's error lines, in order. */
function errorLines(page: Page): Promise<string[]> {
  return page.locator("#messages .error-line").allTextContents();
}

/** The controls that stream up are disabled, and the microphone is off. */
async function assertNothingStreams(page: Page): Promise<void> {
  assert.equal(await page.isDisabled("#startAudioButton"), true, "Start Audio is enabled");
  assert.equal(await page.isDisabled("#cameraButton"), true, "Camera is enabled");
  assert.equal(await page.isDisabled("#screenButton"), true, "Share screen is enabled");
  assert.equal(await page.getAttribute("body", "data-mode"), "text", "voice is still on");
  assert.equal(await page.textContent("#startAudioButton"), "Start Audio");
}

/** A loopback port nobody listens on. */
function deadPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

Deno.test({
  name: "in a real browser, without a key the page says to set it and restart, once, and " +
    "keeps the microphone and camera off",
  ...browserTest,
  async fn() {
    await using h = startHarness({ GOOGLE_API_KEY: "" });
    const browser = await launchChromium();
    try {
      const { page, problems } = await openClient(browser, h.baseUrl);
      const sent = countSends(page);
      await page.waitForSelector("body[data-agent=misconfigured]", { timeout: 10000 });
      assert.equal(
        await page.textContent("#status"),
        "Gemini is not set up on the server: see below.",
      );
      assert.equal(await page.getAttribute("body", "data-state"), "error");
      const [line, ...more] = await errorLines(page);
      assert.deepEqual(more, []);
      assert.match(line, /^No Gemini credentials are configured: set GOOGLE_API_KEY/);
      assert.match(line, /then restart the server\. Nothing can be sent until then/);
      assert.equal(await page.isDisabled("#sendButton"), true);
      await assertNothingStreams(page);
      await screenshotBothWidths(page, "error-no-key");
      // A click on the disabled buttons starts nothing.
      await page.click("#startAudioButton", { force: true, timeout: 2000 });
      await page.click("#cameraButton", { force: true, timeout: 2000 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.deepEqual(sent, [], "the page posted to a server that cannot take it");
      assert.equal(await page.getAttribute("body", "data-vision"), "off");
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  },
});

Deno.test({
  name: "in a real browser, voice that meets a restarted server without a key stops, says so " +
    "once across the switch to text, and comes back when the key does",
  ...browserTest,
  async fn() {
    await using service = startRestartableService();
    const browser = await launchChromium();
    try {
      const { page, problems } = await openClient(browser, service.baseUrl, {
        query: "?codec=pcm",
      });
      const sent = countSends(page);
      await startVoice(page);
      await waitUntil("the microphone to go up", () => Promise.resolve(sent.length >= 3));

      await service.restart(300, { GOOGLE_API_KEY: "" });
      await page.waitForSelector("body[data-agent=misconfigured][data-mode=text]", {
        timeout: 20000,
      });
      // The page switched to text, so the server said it twice: the page shows it once.
      await waitUntil("the server to say it again on the text stream", async () => {
        const log = await page.locator("#eventLog li").allTextContents();
        return log.filter((entry) => entry.includes("No Gemini credentials")).length >= 2;
      });
      const lines = (await errorLines(page)).filter((line) => line.includes("No Gemini"));
      assert.equal(lines.length, 1, `shown ${lines.length} times`);
      await assertNothingStreams(page);
      const before = sent.length;
      await new Promise((resolve) => setTimeout(resolve, 2000));
      assert.equal(sent.length - before, 0, "POSTs after the error");
      assert.equal(await page.getAttribute("#inputLevel", "value"), "0");
      await screenshotBothWidths(page, "error-no-key-after-voice");

      // The operator sets the key and restarts: the page reconnects and voice may start again.
      await service.restart(300);
      await page.waitForSelector("body[data-agent=ok][data-state=open]", { timeout: 20000 });
      assert.equal(await page.textContent("#status"), "Connected: text.");
      assert.equal(await page.isDisabled("#startAudioButton"), false);
      assert.equal(await page.isDisabled("#cameraButton"), false);
      await startVoice(page);
      const resumed = sent.length;
      await waitUntil(
        "the microphone to go up again",
        () => Promise.resolve(sent.length > resumed + 2),
      );
      // While the server was down the browser logs its refused connections, and the
      // microphone's POSTs that reached the new server before the page did are 404s.
      assert.deepEqual(
        problems.filter((p) => !/ERR_CONNECTION_REFUSED|status of 404/.test(p)),
        [],
      );
    } finally {
      await browser.close();
    }
  },
});

Deno.test({
  name: "in a real browser, an unreachable Gemini shows as reconnecting, then as unreachable " +
    "with a plain sentence once, the detail in the event log, and the microphone off",
  ...browserTest,
  async fn() {
    await using h = startHarness({ GOOGLE_GEMINI_BASE_URL: `http://127.0.0.1:${deadPort()}` });
    const browser = await launchChromium();
    try {
      const { page, problems } = await openClient(browser, h.baseUrl, { query: "?codec=pcm" });
      const sent = countSends(page);
      await page.waitForSelector("body[data-state=open]", { timeout: 10000 });
      await page.click("#startAudioButton");
      // The voice stream open (Start Audio reopens it) while Gemini is being retried.
      await page.waitForSelector(
        "body[data-mode=audio][data-state=open][data-agent=reconnecting]",
        {
          timeout: 10000,
        },
      );
      assert.equal(await page.textContent("#status"), "Connected; reconnecting to Gemini…");
      await screenshotBothWidths(page, "error-gemini-reconnecting");

      // Six retries back off for about 8 to 15 s before the server gives up.
      await page.waitForSelector("body[data-agent=unreachable]", { timeout: 40000 });
      const gaveUpAt = Date.now();
      assert.equal(await page.textContent("#status"), "Cannot reach Gemini.");
      await assertNothingStreams(page);
      assert.equal(await page.isDisabled("#sendButton"), false, "a message may try again");
      const unreachable = (await errorLines(page)).filter((l) => l.startsWith("Cannot reach"));
      assert.equal(unreachable.length, 1, unreachable.join(" | "));
      // The voice sent while it retried was queued, and is said to be lost.
      assert.match(
        unreachable[0],
        /^Cannot reach Gemini: check the network or proxy \(gave up after 6 retries\)\. .*Sending a message tries again\.$/,
      );
      const log = (await page.locator("#eventLog li").allTextContents()).join("\n");
      assert.match(log, /"kind":"unreachable","detail":"[^"]+"/, "the detail is not logged");
      const detail = /"detail":"([^"]+)"/.exec(log)![1];
      const shown = (await errorLines(page)).join("\n");
      assert.ok(!shown.includes(detail), `the raw detail is shown: ${detail}`);

      // Switching to text made the server try again: what it says again is not shown again.
      await waitUntil("the retries after the switch to warn again", async () => {
        const entries = await page.locator("#eventLog li").allTextContents();
        return entries.filter((e) => e.includes('"kind":"reconnecting"')).length >= 2;
      }, 15000);
      const lines = await errorLines(page);
      assert.equal(new Set(lines).size, lines.length, `repeated: ${lines.join(" | ")}`);
      await assertNothingStreams(page);
      const after = sent.filter((at) => at > gaveUpAt + 500).length;
      assert.ok(after <= 3, `${after} POSTs after Gemini was unreachable`);
      await page.click("#eventLogPanel summary");
      await screenshotBothWidths(page, "error-gemini-unreachable");
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  },
});

Deno.test({
  name: "in a real browser, an Opus encoder that fails is said once and the microphone goes on " +
    "as PCM",
  ...browserTest,
  async fn() {
    await using h = startHarness();
    const browser = await launchChromium();
    try {
      const { page, problems } = await openClient(browser, h.baseUrl);
      // WebCodecs' encoder breaks half a second in, as a driver or a codec might.
      await page.addInitScript({
        content:
          `if (globalThis.AudioEncoder) globalThis.AudioEncoder = class extends AudioEncoder {
          constructor(init) {
            super(init);
            setTimeout(() => {
              this.close();
              init.error(new DOMException("test: the encoder broke", "EncodingError"));
            }, 500);
          }
        };`,
      });
      await page.reload();
      const mimes: string[] = [];
      page.on("request", (request) => {
        if (!request.url().includes("/send/")) return;
        mimes.push(JSON.parse(request.postData() ?? "{}").mime_type);
      });
      await startVoice(page, "opus");
      await waitUntil("PCM to follow Opus", () => Promise.resolve(mimes.includes("audio/pcm")));
      assert.equal(mimes[0], "audio/opus");
      const pcmFrom = mimes.indexOf("audio/pcm");
      assert.ok(mimes.slice(pcmFrom).every((m) => m === "audio/pcm"), mimes.join(", "));
      const lines = await errorLines(page);
      assert.deepEqual(lines, [
        "The microphone's Opus encoder failed; the microphone now goes up as PCM.",
      ]);
      const log = (await page.locator("#eventLog li").allTextContents()).join("\n");
      assert.match(log, /Opus encoder failed.*EncodingError: test: the encoder broke/);
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  },
});
