/**
 * The web client's frame selection (static/js/frame_change.js) and frame
 * sizing (static/js/frame_capture.js), run in Deno: which camera frames are
 * worth sending, and how large they are.
 */
import assert from "node:assert/strict";
import { changedShare, FrameChangeGate, grayscale } from "../static/js/frame_change.js";
import { fitWithin, frameOptionsFromUrl } from "../static/js/frame_capture.js";

const WIDTH = 64;
const HEIGHT = 36;

/** A gray thumbnail: a soft gradient, like a wall in daylight. */
function scene(): Uint8Array {
  const gray = new Uint8Array(WIDTH * HEIGHT);
  for (let i = 0; i < gray.length; i++) gray[i] = 80 + ((i % WIDTH) >> 1);
  return gray;
}

/** The same scene with sensor noise of up to ±`amplitude` gray levels. */
function noisy(gray: Uint8Array, amplitude: number, seed = 1): Uint8Array {
  let state = seed;
  return gray.map((v) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return v + (state % (2 * amplitude + 1)) - amplitude;
  });
}

/** The scene with a dark object covering a `size`×`size` square. */
function withObject(gray: Uint8Array, size: number): Uint8Array {
  const out = gray.slice();
  for (let y = 0; y < size; y++) out.fill(10, y * WIDTH, y * WIDTH + size);
  return out;
}

Deno.test("a still picture with camera noise is not sent again until a few seconds pass", () => {
  const gate = new FrameChangeGate();
  const still = scene();
  assert.equal(gate.shouldSend(still, 0), true, "the first frame always goes");
  gate.sent(still, 0);
  for (let at = 500; at < 4000; at += 500) {
    assert.equal(gate.shouldSend(noisy(still, 8, at), at), false, `noise at ${at} ms`);
  }
  assert.equal(gate.shouldSend(noisy(still, 8), 4000), true, "due after 4 s anyway");
});

Deno.test("a hand entering a corner of the picture is sent at once", () => {
  const gate = new FrameChangeGate();
  gate.sent(scene(), 0);
  // 6×6 of 64×36 thumbnail pixels is about 1.6% of the picture.
  assert.equal(gate.shouldSend(noisy(withObject(scene(), 6), 4), 500), true);
  assert.equal(gate.shouldSend(withObject(scene(), 3), 500), false, "a speck is not news");
});

Deno.test("after a frame is sent, the next is compared with it, not with the first", () => {
  const gate = new FrameChangeGate();
  gate.sent(scene(), 0);
  const moved = withObject(scene(), 10);
  assert.equal(gate.shouldSend(moved, 500), true);
  gate.sent(moved, 500);
  assert.equal(gate.shouldSend(moved, 1000), false);
  gate.reset();
  assert.equal(gate.shouldSend(moved, 1000), true, "a new source starts afresh");
});

Deno.test("changed share counts pixels beyond the threshold; a resized source counts as new", () => {
  const a = new Uint8Array([0, 100, 200, 50]);
  assert.equal(changedShare(a, new Uint8Array([10, 100, 255, 50]), 24), 0.25);
  assert.equal(changedShare(a, a), 0);
  assert.equal(changedShare(a, new Uint8Array(8)), 1);
});

Deno.test("grayscale weighs green most, as the eye does", () => {
  const rgba = new Uint8ClampedArray([
    255,
    0,
    0,
    255,
    0,
    255,
    0,
    255,
    0,
    0,
    255,
    255,
    255,
    255,
    255,
    0,
  ]);
  const [red, green, blue, white] = grayscale(rgba);
  assert.ok(green > red && red > blue, `${red} ${green} ${blue}`);
  assert.ok(white >= 254);
});

Deno.test("frames fit 768 px on the long side, keep their shape and are never enlarged", () => {
  assert.deepEqual(fitWithin(1280, 720), { width: 768, height: 432 });
  assert.deepEqual(fitWithin(1080, 1920), { width: 432, height: 768 });
  assert.deepEqual(fitWithin(2560, 1600), { width: 768, height: 480 });
  assert.deepEqual(fitWithin(640, 480), { width: 640, height: 480 });
  assert.deepEqual(fitWithin(1280, 720, 64), { width: 64, height: 36 });
});

Deno.test("?fps= and ?jpeg_quality= set the rate and quality; nonsense keeps the defaults", () => {
  assert.deepEqual(frameOptionsFromUrl("http://h/"), { fps: 1, quality: 0.7 });
  assert.deepEqual(frameOptionsFromUrl("http://h/?fps=2&jpeg_quality=0.5"), {
    fps: 2,
    quality: 0.5,
  });
  assert.deepEqual(frameOptionsFromUrl("http://h/?fps=0.5"), { fps: 0.5, quality: 0.7 });
  assert.deepEqual(frameOptionsFromUrl("http://h/?fps=60&jpeg_quality=2"), {
    fps: 1,
    quality: 0.7,
  });
  assert.deepEqual(frameOptionsFromUrl("http://h/?fps=abc&jpeg_quality="), {
    fps: 1,
    quality: 0.7,
  });
});
