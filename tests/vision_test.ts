import assert from "node:assert/strict";
import { fromBase64, toBase64 } from "./fake_live_server.ts";
import { startHarness } from "./service_harness.ts";

/** A small real JPEG: SOI, an APP0 marker and EOI are enough for the checks here. */
const jpeg = (size = 64) => {
  const bytes = new Uint8Array(size);
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  bytes.set([0xff, 0xd9], size - 2);
  return bytes;
};
const frame = (bytes: Uint8Array) => ({ mime_type: "image/jpeg", data: toBase64(bytes) });

Deno.test("a camera frame reaches Gemini as realtime video input, bytes intact", async () => {
  await using h = startHarness();
  const { token } = await h.open("camera", { isAudio: true });
  const upstream = await h.fake.connection(0);
  const picture = jpeg(3000);
  const response = await h.send("camera", frame(picture), { "X-Session-Token": token });
  assert.equal(response.status, 200);
  await response.body?.cancel();
  const { video } = (await upstream.nextRealtimeInput()).realtimeInput;
  assert.equal(video.mimeType, "image/jpeg");
  assert.deepEqual(fromBase64(video.data), picture);
});

Deno.test("frames work in text mode too", async () => {
  await using h = startHarness();
  const { token } = await h.open("text-camera");
  const upstream = await h.fake.connection(0);
  const response = await h.send("text-camera", frame(jpeg()), { "X-Session-Token": token });
  assert.equal(response.status, 200);
  await response.body?.cancel();
  assert.equal((await upstream.nextRealtimeInput()).realtimeInput.video.mimeType, "image/jpeg");
});

Deno.test("frames that are not JPEG, too large or too frequent are refused with a clear error", async () => {
  await using h = startHarness({ MAX_IMAGE_BYTES: "2048", IMAGE_FRAMES_PER_SECOND: "1" });
  const { token } = await h.open("guarded");
  const upstream = await h.fake.connection(0);
  const auth = { "X-Session-Token": token };
  const png = await h.send("guarded", {
    mime_type: "image/jpeg",
    data: toBase64(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0])),
  }, auth);
  assert.equal(png.status, 415);
  assert.match((await png.json()).error, /not a JPEG/);
  const other = await h.send("guarded", { mime_type: "image/png", data: "iVBORw==" }, auth);
  assert.equal(other.status, 415);
  await other.body?.cancel();
  const big = await h.send("guarded", frame(jpeg(4096)), auth);
  assert.equal(big.status, 413);
  assert.match((await big.json()).error, /limit is 2048/);
  const statuses = [];
  for (let i = 0; i < 4; i++) {
    const response = await h.send("guarded", frame(jpeg()), auth);
    statuses.push(response.status);
    if (response.status === 429) assert.ok(response.headers.get("retry-after"));
    await response.body?.cancel();
  }
  assert.deepEqual(statuses, [200, 200, 429, 429]);
  await upstream.nextRealtimeInput();
  await upstream.nextRealtimeInput();
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(upstream.received, [], "refused frames reached no agent");
});
