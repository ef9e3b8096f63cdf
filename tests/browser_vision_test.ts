/**
 * Vision in a real browser: Chromium's fake camera (a moving pattern) and
 * fake screen, through the page, the real service and the fake Live API,
 * under a strict CSP. Measured sizes and rates are printed.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchChromium, skipBrowserTests } from "./browser.ts";
import { openClient, screenshotBothWidths } from "./browser_page.ts";
import { type FakeLiveConnection, fromBase64 } from "./fake_live_server.ts";
import { startHarness } from "./service_harness.ts";

const ignore = skipBrowserTests();
const browserTest = { ignore, sanitizeResources: false, sanitizeOps: false };
/** Lets `getDisplayMedia` pick the (fake) screen without a picker. */
const SCREEN_ARGS = ["--auto-select-desktop-capture-source=Entire screen"];

/** A frame the fake Live API received, with its arrival time and JPEG size. */
interface Frame {
  at: number;
  bytes: Uint8Array;
  width: number;
  height: number;
}

/**
 * Width and height from a JPEG's start-of-frame marker (baseline, extended
 * or progressive); throws if the bytes are not a JPEG.
 */
function jpegSize(bytes: Uint8Array): { width: number; height: number } {
  assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], "JPEG start of image");
  assert.deepEqual([...bytes.subarray(-2)], [0xff, 0xd9], "JPEG end of image");
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) throw new Error(`no JPEG marker at byte ${at}`);
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (marker >= 0xc0 && marker <= 0xc2) {
      return {
        height: (bytes[at + 5] << 8) | bytes[at + 6],
        width: (bytes[at + 7] << 8) | bytes[at + 8],
      };
    }
    at += 2 + length;
  }
  throw new Error("no start-of-frame marker in the JPEG");
}

/**
 * The next video frame the agent receives, or null after `timeoutMs`. Polls
 * `received` rather than awaiting `nextMessage`, whose waiter would outlive
 * a timeout and swallow a later frame.
 */
async function nextFrame(
  upstream: FakeLiveConnection,
  timeoutMs: number,
): Promise<Frame | null> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const index = upstream.received.findIndex((m) => m.realtimeInput?.video !== undefined);
    if (index >= 0) {
      const { video } = upstream.received.splice(index, 1)[0].realtimeInput;
      assert.equal(video.mimeType, "image/jpeg");
      const bytes = fromBase64(video.data);
      return { at: performance.now(), bytes, ...jpegSize(bytes) };
    }
    if (performance.now() >= deadline) return null;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every frame that arrives within `ms` of now. */
async function framesFor(upstream: FakeLiveConnection, ms: number): Promise<Frame[]> {
  const end = performance.now() + ms;
  const frames: Frame[] = [];
  for (let left = ms; left > 0; left = end - performance.now()) {
    const frame = await nextFrame(upstream, left);
    if (frame) frames.push(frame);
  }
  return frames;
}

/** Drops video frames already received (e.g. one in flight when sharing stopped). */
function forgetFrames(upstream: FakeLiveConnection): void {
  const kept = upstream.received.filter((m) => m.realtimeInput?.video === undefined);
  upstream.received.splice(0, upstream.received.length, ...kept);
}

/** The preview's size and current track state, read in the page. */
function preview(page: Page): Promise<{ width: number; height: number; live: boolean }> {
  return page.evaluate(`(() => {
    const video = document.getElementById("visionPreview");
    const track = video.srcObject?.getVideoTracks()[0];
    return {
      width: video.videoWidth, height: video.videoHeight,
      live: track?.readyState === "live",
    };
  })()`);
}

/** Keeps the preview's current track on `window`, to check later that it ended. */
function rememberTrack(page: Page, name: string): Promise<void> {
  return page.evaluate(
    `window.${name} = document.getElementById("visionPreview").srcObject.getVideoTracks()[0]`,
  );
}

function trackState(page: Page, name: string): Promise<string> {
  return page.evaluate(`window.${name}.readyState`);
}

function describe(frames: Frame[]): string {
  const sizes = [...new Set(frames.map((f) => `${f.width}x${f.height}`))].join(", ");
  const kib = frames.map((f) => (f.bytes.length / 1024).toFixed(0)).join("/");
  return `${frames.length} frames, ${sizes}, ${kib} KiB`;
}

Deno.test({
  name:
    "in a real browser, the camera sends JPEG frames of at most 768 px at about the configured rate, and turning it off stops them",
  ...browserTest,
  async fn(t) {
    await using h = startHarness();
    const browser = await launchChromium();
    try {
      const { page, problems } = await openClient(browser, h.baseUrl, { query: "?fps=2" });
      await page.waitForSelector("body[data-state=open]");
      const upstream = await h.fake.connection(0);
      assert.equal(await page.isHidden("#visionPanel"), true, "no preview before sharing");

      await page.click("#cameraButton");
      await page.waitForSelector("body[data-vision=camera]");
      assert.equal(await page.getAttribute("#cameraButton", "aria-pressed"), "true");
      assert.equal(await page.getAttribute("#screenButton", "aria-pressed"), "false");
      await page.waitForSelector("#visionPanel:not([hidden])");
      assert.match(await page.textContent("#visionStatus") ?? "", /Camera on/);

      const first = await nextFrame(upstream, 5000);
      assert.ok(first, "a first frame arrives within 5 s");
      const frames = await framesFor(upstream, 3000);
      const source = await preview(page);

      await t.step("frames are JPEGs scaled to at most 768 px on the long side", () => {
        console.log(
          `vision: camera ${source.width}x${source.height} → ${describe([first, ...frames])}`,
        );
        for (const frame of [first, ...frames]) {
          assert.ok(Math.max(frame.width, frame.height) <= 768, `${frame.width}x${frame.height}`);
          // Same aspect ratio as the camera, within rounding.
          const ratio = source.width / source.height;
          assert.ok(Math.abs(frame.width / frame.height - ratio) < 0.01);
          if (Math.max(source.width, source.height) > 768) {
            assert.equal(Math.max(frame.width, frame.height), 768, "scaled to 768, not less");
          }
          assert.ok(frame.bytes.length < 512 * 1024);
        }
      });

      await t.step("about 2 frames a second arrive while the picture moves", () => {
        const rate = frames.length / 3;
        console.log(`vision: ${frames.length} frames in 3 s at ?fps=2 (${rate.toFixed(2)}/s)`);
        assert.ok(frames.length >= 5 && frames.length <= 7, `${frames.length} frames in 3 s`);
        const distinct = new Set([first, ...frames].map((f) => f.bytes.join(","))).size;
        assert.equal(distinct, frames.length + 1, "the moving pattern makes every frame new");
      });

      await screenshotBothWidths(page, "vision-camera");
      await rememberTrack(page, "cameraTrack");

      await t.step(
        "turning the camera off ends the track, clears the preview, stops uploads",
        async () => {
          await page.click("#cameraButton");
          await page.waitForSelector("body[data-vision=off]");
          assert.equal(await page.getAttribute("#cameraButton", "aria-pressed"), "false");
          assert.equal(await page.isHidden("#visionPanel"), true);
          assert.equal(await trackState(page, "cameraTrack"), "ended");
          assert.equal(
            await page.evaluate(`document.getElementById("visionPreview").srcObject`),
            null,
          );
          await new Promise((r) => setTimeout(r, 300)); // a frame already in flight
          forgetFrames(upstream);
          const after = await framesFor(upstream, 2500);
          assert.equal(after.length, 0, `${after.length} frames after the camera went off`);
        },
      );

      assert.equal(await page.locator(".error-line").count(), 0);
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  },
});

Deno.test({
  name:
    "in a real browser, a still picture is sent once and a change is sent at once, never enlarged",
  ...browserTest,
  async fn() {
    await using h = startHarness();
    const browser = await launchChromium();
    try {
      const { page, problems } = await openClient(browser, h.baseUrl, { query: "?fps=2" });
      // A "camera" that shows a still 640×480 picture until the test repaints it.
      await page.addInitScript({
        content: `
          MediaDevices.prototype.getUserMedia = async () => {
            const canvas = document.createElement("canvas");
            canvas.width = 640;
            canvas.height = 480;
            const context = canvas.getContext("2d");
            window.stillColor = "#3366aa";
            const paint = () => {
              context.fillStyle = window.stillColor;
              context.fillRect(0, 0, 640, 480);
              context.fillStyle = "#ffffff";
              context.fillRect(100, 100, 200, 100);
            };
            paint();
            setInterval(paint, 100);
            return canvas.captureStream(10);
          };`,
      });
      await page.reload();
      await page.waitForSelector("body[data-state=open]");
      const upstream = await h.fake.connection(1);
      await page.click("#cameraButton");
      const first = await nextFrame(upstream, 5000);
      assert.ok(first, "the first frame goes out");
      assert.deepEqual([first.width, first.height], [640, 480], "a small picture is not enlarged");

      assert.equal((await framesFor(upstream, 3000)).length, 0, "a still picture is not re-sent");
      const unchanged = Number(await page.getAttribute("#visionPanel", "data-frames-unchanged"));
      assert.ok(unchanged >= 4, `${unchanged} unchanged frames skipped`);

      const changedAt = performance.now();
      await page.evaluate(`window.stillColor = "#e0e0e0"`);
      const changed = await nextFrame(upstream, 2000);
      assert.ok(changed, "the changed picture goes out");
      console.log(
        `vision: still picture: 1 frame then ${unchanged} skipped in 3 s; ` +
          `a change was sent ${(changed.at - changedAt).toFixed(0)} ms later`,
      );
      await page.click("#cameraButton");
      await page.waitForSelector("body[data-vision=off]");
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  },
});

Deno.test({
  name:
    "in a real browser, sharing the screen turns the camera off, sends the screen, and stops with it",
  ...browserTest,
  async fn() {
    await using h = startHarness();
    const browser = await launchChromium(undefined, SCREEN_ARGS);
    try {
      const { page, problems } = await openClient(browser, h.baseUrl, { query: "?fps=2" });
      await page.waitForSelector("body[data-state=open]");
      const upstream = await h.fake.connection(0);
      await page.click("#cameraButton");
      await page.waitForSelector("body[data-vision=camera]");
      assert.ok(await nextFrame(upstream, 5000), "a camera frame");
      await rememberTrack(page, "cameraTrack");

      await page.click("#screenButton");
      await page.waitForSelector("body[data-vision=screen]");
      assert.equal(await trackState(page, "cameraTrack"), "ended", "the camera went off");
      assert.equal(await page.getAttribute("#cameraButton", "aria-pressed"), "false");
      assert.equal(await page.getAttribute("#screenButton", "aria-pressed"), "true");
      assert.match(await page.textContent("#visionStatus") ?? "", /Sharing your screen/);
      await rememberTrack(page, "screenTrack");
      forgetFrames(upstream);
      const frames = await framesFor(upstream, 2000);
      const source = await preview(page);
      const surface = await page.evaluate(
        `window.screenTrack.getSettings().displaySurface + " " + window.screenTrack.label`,
      );
      console.log(
        `vision: screen (${surface}) ${source.width}x${source.height} → ${describe(frames)}`,
      );
      assert.ok(frames.length >= 1, "screen frames arrive");
      for (const frame of frames) assert.ok(Math.max(frame.width, frame.height) <= 768);

      await page.click("#screenButton");
      await page.waitForSelector("body[data-vision=off]");
      assert.equal(await trackState(page, "screenTrack"), "ended");
      await new Promise((r) => setTimeout(r, 300));
      forgetFrames(upstream);
      assert.equal((await framesFor(upstream, 1500)).length, 0, "no frames after sharing stopped");
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  },
});

Deno.test({
  name: "in a real browser, a server frame limit slows the page down instead of showing errors",
  ...browserTest,
  async fn() {
    await using h = startHarness({ IMAGE_FRAMES_PER_SECOND: "1" });
    const browser = await launchChromium();
    try {
      const { page, problems } = await openClient(browser, h.baseUrl, { query: "?fps=5" });
      await page.waitForSelector("body[data-state=open]");
      const upstream = await h.fake.connection(0);
      await page.click("#cameraButton");
      await page.waitForSelector(
        "#visionPanel:not([data-frames-limited='0'])[data-frames-limited]",
      );
      const refused = async () =>
        Number(await page.getAttribute("#visionPanel", "data-frames-limited"));
      const refusedBefore = await refused();
      forgetFrames(upstream);
      const frames = await framesFor(upstream, 4000);
      const limited = await refused() - refusedBefore;
      console.log(
        `vision: at ?fps=5 against 1 frame/s: ${frames.length} frames and ${limited} refusals in 4 s`,
      );
      // The server refills 1 frame a second; a page that kept asking 5 times
      // a second would be refused about 15 times in 4 s.
      assert.ok(frames.length >= 2 && frames.length <= 5, `${frames.length} frames in 4 s`);
      assert.ok(limited <= 4, `${limited} refusals in 4 s`);
      assert.equal(await page.locator(".error-line").count(), 0, "no error shown for a 429");
      await page.click("#cameraButton");
      await page.waitForSelector("body[data-vision=off]");
      // The browser logs each refused request itself; nothing else may fail.
      assert.deepEqual(problems.filter((p) => !/status of 429/.test(p)), []);
    } finally {
      await browser.close();
    }
  },
});

Deno.test({
  name:
    "in a real browser, a denied camera and a browser without screen sharing get a clear message and text still works",
  ...browserTest,
  async fn() {
    await using h = startHarness({}, {
      onSession: (c) =>
        void c.nextText().then(() => {
          c.text("Still here.");
          c.turnComplete();
        }),
    });
    const browser = await launchChromium();
    try {
      const { page, problems } = await openClient(browser, h.baseUrl);
      await page.addInitScript({
        content: `
          MediaDevices.prototype.getUserMedia = () =>
            Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
          delete MediaDevices.prototype.getDisplayMedia;`,
      });
      await page.reload();
      await page.waitForSelector("#sendButton:not([disabled])");

      await page.click("#cameraButton");
      await page.locator(".error-line", { hasText: "Camera access was denied" }).waitFor();
      await page.click("#screenButton");
      await page.locator(".error-line", { hasText: "cannot share its screen" }).waitFor();
      assert.equal(await page.getAttribute("body", "data-vision"), "off");
      assert.equal(await page.getAttribute("#cameraButton", "aria-pressed"), "false");
      assert.equal(await page.isHidden("#visionPanel"), true);

      await page.fill("#message", "Can you hear me?");
      await page.click("#sendButton");
      await page.locator(".turn.agent .bubble", { hasText: "Still here." }).waitFor();
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  },
});
